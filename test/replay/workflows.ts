/**
 * The workflows whose histories every release records (`npm run record-histories`) and CI replays against
 * the current code (`replay.test.ts`): the package's onboarding samples, and scenarios written against the
 * session API the way a user's workflows use it.
 *
 * These scenarios stand for user code that does not change when temporal-okta does: the replay tests
 * check the package underneath them. Never change an existing scenario (older releases' histories replay
 * it); add a new one instead.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { okta, pinned, type OktaSession } from '../../workflows/index.js';

export {
  addHiresSignal,
  onboardNewHires,
  onboardNewHiresBatch,
  provisionNewHire,
} from '../../workflows/index.js';

/** The emulator's org; the connections are those `writeEmulatorConnections` writes for it. */
const domain = 'companyabc.okta.com';
const SERVICE = 'okta-automation';
const SSWS = 'okta-ssws';
const DPOP = 'okta-automation-dpop';

/** The Okta error type of a failure, looking through an activity's or a child workflow's failure. */
function errorTypeOf(err: unknown): string {
  const cause = err instanceof ActivityFailure || err instanceof ChildWorkflowFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return cause.type ?? 'untyped';
  throw err;
}

/** Gets a user on the global session `okta`, by name, then `depth` levels of descendants do the same. */
export async function useGlobalSessionDown(user: string, depth: number): Promise<string[]> {
  const { id } = await okta.users.get({ session: 'okta', user });
  if (depth === 0) return [id];
  const below = await executeChild(useGlobalSessionDown, {
    args: [user, depth - 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return [id, ...below];
}
pinned(useGlobalSessionDown);

/** A global session used here, by a child and by a grandchild, all by name. */
export async function globalSessionTree(user: string): Promise<string[]> {
  await okta.connect({ domain, connection: SERVICE, session: { global: 'okta' } });
  const { id } = await okta.users.get({ session: 'okta', user });
  const below = await executeChild(useGlobalSessionDown, {
    args: [user, 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return [id, ...below];
}
pinned(globalSessionTree);

/** Gets a user on the session a name stands for here (fails when no session has that name). */
export async function useSessionByName(name: string, user: string): Promise<string> {
  return (await okta.users.get({ session: name, user })).id;
}
pinned(useSessionByName);

/** Gets a user on the session value it was given. */
export async function useSessionValue(session: OktaSession, user: string): Promise<string> {
  return (await okta.users.get({ session, user })).id;
}
pinned(useSessionValue);

/** A local session (SSWS): used here by name, invisible to a child (which fails with OktaSessionNotFound). */
export async function localSession(user: string): Promise<{ userId: string; child: string }> {
  await okta.connect({ domain, connection: SSWS, session: { local: 'private' } });
  const userId = await useSessionByName('private', user);
  let child: string;
  try {
    child = await executeChild(useSessionByName, {
      args: ['private', user],
      workflowId: `${workflowInfo().workflowId}-child`,
    });
  } catch (err) {
    child = errorTypeOf(err);
  }
  return { userId, child };
}
pinned(localSession);

/** A variable session (DPoP): used by value here and in a child, then disconnected and refused. */
export async function variableSession(
  user: string,
): Promise<{ userId: string; childUserId: string; afterDisconnect: string }> {
  const session = await okta.connect({ domain, connection: DPOP, session: { variable: true } });
  const userId = await useSessionValue(session, user);
  const childUserId = await executeChild(useSessionValue, {
    args: [session, user],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  await okta.disconnect(session);
  let afterDisconnect = 'none';
  try {
    await useSessionValue(session, user);
  } catch (err) {
    afterDisconnect = errorTypeOf(err);
  }
  return { userId, childUserId, afterDisconnect };
}
pinned(variableSession);

/**
 * First run: connects a global session and continues as new. Second run: uses the session by name and
 * hands it to a child.
 */
export async function globalAcrossContinueAsNew(
  user: string,
  connectedId?: string,
): Promise<{ connectedId: string; userId: string; childUserId: string }> {
  if (connectedId === undefined) {
    const { id } = await okta.connect({ domain, connection: SERVICE, session: { global: 'okta' } });
    await continueAsNew<typeof globalAcrossContinueAsNew>(user, id);
  }
  const userId = await useSessionByName('okta', user);
  const childUserId = await executeChild(useSessionByName, {
    args: ['okta', user],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return { connectedId: connectedId!, userId, childUserId };
}
pinned(globalAcrossContinueAsNew);

/** Lets {@link waitThenUseSession} go on once its parent has disconnected. */
export const proceed = defineSignal('proceed');

/** Waits for {@link proceed}, then tries the global session `okta` by name: its Okta error type, or `none`. */
export async function waitThenUseSession(user: string): Promise<string> {
  let go = false;
  setHandler(proceed, () => void (go = true));
  await condition(() => go);
  try {
    await okta.users.get({ session: 'okta', user });
    return 'none';
  } catch (err) {
    return errorTypeOf(err);
  }
}
pinned(waitThenUseSession);

/** Disconnects a global session while a child that inherited it is still running, then lets the child try it. */
export async function disconnectWithRunningChild(user: string): Promise<{ child: string }> {
  await okta.connect({ domain, connection: SERVICE, session: { global: 'okta' } });
  const child = await startChild(waitThenUseSession, {
    args: [user],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  await okta.disconnect('okta');
  await child.signal(proceed);
  return { child: await child.result() };
}
pinned(disconnectWithRunningChild);

/** Hands a session value (made by another build, in the recording) to a child, which uses it. */
export async function handSessionToChild(session: OktaSession, user: string): Promise<string> {
  return executeChild(useSessionValue, {
    args: [session, user],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
}
pinned(handSessionToChild);

/** Connects a variable session and returns it. */
export async function connectVariable(connection: string = SERVICE): Promise<OktaSession> {
  return okta.connect({ domain, connection, session: { variable: true } });
}
pinned(connectVariable);
