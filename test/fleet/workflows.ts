/** Workflows of the fleet tests, beside the action-test workflows the harness also runs. */
import {
  ApplicationFailure,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { okta, type OktaSession } from '../../workflows/index.js';

export * from '../actions/workflows.js';

const org = { domain: 'companyabc.okta.com', connection: 'okta-automation' } as const;

/** Connects a global session named `okta` and returns its value. */
export async function connectGlobal(): Promise<OktaSession> {
  await okta.connect({ ...org, session: { global: 'okta' } });
  return okta.session('okta');
}

/** Reads a user on the global session named `okta`, which only a parent or a previous run can hand over. */
export async function getUserOnInheritedSession(user: string): Promise<string> {
  return (await okta.users.get({ session: 'okta', user })).id;
}

/** The child tells its parent it has acted once on the inherited session. */
export const childReady = defineSignal('childReady');
/** The parent lets the child act again. */
export const proceed = defineSignal('proceed');

/**
 * Acts once on the inherited global session `okta`, tells the parent, waits for {@link proceed}, then
 * tries again: returns `still connected`, or the type of the failure the second try met.
 */
export async function actTwiceOnInheritedSession(user: string, parentId: string): Promise<string> {
  await okta.users.get({ session: 'okta', user });
  let go = false;
  setHandler(proceed, () => void (go = true));
  await getExternalWorkflowHandle(parentId).signal(childReady);
  await condition(() => go);
  try {
    await okta.users.get({ session: 'okta', user });
    return 'still connected';
  } catch (err) {
    return err instanceof ApplicationFailure ? (err.type ?? 'untyped') : String(err);
  }
}

/**
 * Connects the global session `okta`, starts {@link actTwiceOnInheritedSession} on `childQueue` (another
 * worker's), waits until the child has acted, disconnects, and lets the child act again. Returns the child's
 * answer.
 */
export async function disconnectWhileChildRuns(childQueue: string, user: string): Promise<string> {
  await okta.connect({ ...org, session: { global: 'okta' } });
  let ready = false;
  setHandler(childReady, () => void (ready = true));
  const { workflowId } = workflowInfo();
  const child = await startChild(actTwiceOnInheritedSession, {
    args: [user, workflowId],
    taskQueue: childQueue,
    workflowId: `${workflowId}-child`,
  });
  await condition(() => ready);
  await okta.disconnect('okta');
  await child.signal(proceed);
  return child.result();
}
