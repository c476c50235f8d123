/**
 * Workflows for the versioning tests: real Okta activities on the emulator, every workflow declared
 * PINNED. Bundled by the tests in this folder.
 */
import {
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { okta, pinned, type OktaSession, type SessionRef } from '../../workflows/index.js';

/** The emulator's org and the connection `writeEmulatorConnections` writes for it. */
const org = { domain: 'companyabc.okta.com', connection: 'okta-automation' } as const;

/** What one workflow did on Okta: the session it used and the user it created there. */
export interface OktaWork {
  workflowId: string;
  sessionId: string;
  userId: string;
  login: string;
}

/** Creates a user named after this workflow on `session`, proving the session works here. */
async function createUserOn(session: SessionRef): Promise<OktaWork> {
  const { workflowId } = workflowInfo();
  const login = `${workflowId}@example.com`.toLowerCase();
  const user = await okta.users.create({
    session,
    profile: { login, email: login, firstName: 'Versioning', lastName: 'Test' },
    activate: false,
  });
  return { workflowId, sessionId: okta.session(session).id, userId: user.id, login };
}

/** Does Okta work on the session named `name`, then `depth` levels of descendants do the same. */
export async function workOnNamedSession(name: string, depth: number): Promise<OktaWork[]> {
  const here = await createUserOn(name);
  if (depth === 0) return [here];
  const below = await executeChild(workOnNamedSession, {
    args: [name, depth - 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return [here, ...below];
}
pinned(workOnNamedSession);

/** Connects global 'okta'; a child and a grandchild then work on it by name. */
export async function globalToGrandchild(): Promise<{
  session: OktaSession;
  work: OktaWork[];
}> {
  const session = await okta.connect({ ...org, session: { global: 'okta' } });
  const work = await executeChild(workOnNamedSession, {
    args: ['okta', 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return { session, work };
}
pinned(globalToGrandchild);

/** Connects local 'private' and global 'shared'; a child then asks for 'private'. */
export async function localToChild(): Promise<OktaWork[]> {
  await okta.connect({ ...org, session: { local: 'private' } });
  await okta.connect({ ...org, session: { global: 'shared' } });
  return executeChild(workOnNamedSession, {
    args: ['private', 0],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
}
pinned(localToChild);

/** Does Okta work on the session value it was given. */
export async function workOnSessionValue(session: OktaSession): Promise<OktaWork> {
  return createUserOn(session);
}
pinned(workOnSessionValue);

/** Connects a variable session and passes it to a child as an argument. */
export async function variableToChild(): Promise<{
  session: OktaSession;
  work: OktaWork;
}> {
  const session = await okta.connect({ ...org, session: { variable: true } });
  const work = await executeChild(workOnSessionValue, {
    args: [session],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return { session, work };
}
pinned(variableToChild);

/**
 * First run: connects global 'okta', then continues as new, passing on the id Connect returned. Second
 * run: works on 'okta' by name, and reports the first run's id beside its own.
 */
export async function globalAcrossContinueAsNew(
  connectedId?: string,
): Promise<{ session: OktaSession; work: OktaWork; runId: string; connectedId: string }> {
  if (connectedId === undefined) {
    const { id } = await okta.connect({ ...org, session: { global: 'okta' } });
    await continueAsNew<typeof globalAcrossContinueAsNew>(id);
  }
  return {
    session: okta.session('okta'),
    work: await createUserOn('okta'),
    runId: workflowInfo().runId,
    connectedId: connectedId!,
  };
}
pinned(globalAcrossContinueAsNew);

/** Lets the test decide when {@link parentThatWaits} starts its children. */
export const startChildren = defineSignal('startChildren');

/**
 * Connects global 'okta', then waits for {@link startChildren} before a child and a grandchild work on
 * it by name: the test changes the deployment's current build in between.
 */
export async function parentThatWaits(): Promise<{
  session: OktaSession;
  work: OktaWork[];
}> {
  let go = false;
  setHandler(startChildren, () => void (go = true));
  const session = await okta.connect({ ...org, session: { global: 'okta' } });
  await condition(() => go);
  const work = await executeChild(workOnNamedSession, {
    args: ['okta', 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return { session, work };
}
pinned(parentThatWaits);

/** Stays open until signalled: an open workflow pinned to its build, for the promotion report. */
export async function openUntilSignalled(): Promise<void> {
  let go = false;
  setHandler(startChildren, () => void (go = true));
  await condition(() => go);
}
pinned(openUntilSignalled);

/** Connects a variable session and returns it: a session value created on this workflow's build. */
export async function connectVariable(): Promise<OktaSession> {
  return okta.connect({ ...org, session: { variable: true } });
}
pinned(connectVariable);

/** Declares nothing: it takes the worker's default versioning behaviour. */
export async function undeclared(): Promise<string> {
  return workflowInfo().workflowId;
}

/** Declared PINNED and does nothing else. */
export async function declaredPinned(): Promise<string> {
  return workflowInfo().workflowId;
}
pinned(declaredPinned);

/** Starts one child and returns its workflow id: a parent whose child must start on the parent's build. */
export async function startsOneChild(): Promise<string> {
  return executeChild(declaredPinned, { workflowId: `${workflowInfo().workflowId}-child` });
}
pinned(startsOneChild);
