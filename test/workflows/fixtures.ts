/** Workflows that specify the workflow-side session API; bundled by the tests in this folder. */
import { ApplicationFailure, continueAsNew, executeChild, workflowInfo } from '@temporalio/workflow';
import { OktaErrorType } from '../../common/errors.js';
import { okta, type ConnectOptions, type OktaSession, type SessionRef } from '../../workflows/index.js';

const org = { domain: 'companyabc.okta.com', connection: 'okta-automation' } as const;

/** The id of the session an action ran on, as the fake users.get reports it. */
async function sessionUsedBy(session: SessionRef): Promise<string> {
  const user = await okta.users.get({ session, user: 'ada@companyabc.com' });
  return user.profile.sessionId as string;
}

/** Calls okta.connect with the options given (valid or not). */
export async function connectWith(options: ConnectOptions): Promise<OktaSession> {
  return okta.connect(options);
}

/** A local session used by name and a variable session used by value, in one workflow. */
export async function localAndVariable(): Promise<{
  local: OktaSession;
  variable: OktaSession;
  usedByName: string;
  usedByValue: string;
}> {
  const local = await okta.connect({ ...org, session: { local: 'okta' } });
  const variable = await okta.connect({ ...org, session: { variable: true } });
  return {
    local,
    variable,
    usedByName: await sessionUsedBy('okta'),
    usedByValue: await sessionUsedBy(variable),
  };
}

/** A global and a local session of the same name: which one the name resolves to. */
export async function sameNameLocalAndGlobal(): Promise<{
  global: OktaSession;
  local: OktaSession;
  used: string;
}> {
  const global = await okta.connect({ ...org, session: { global: 'okta' } });
  const local = await okta.connect({ ...org, session: { local: 'okta' } });
  return { global, local, used: await sessionUsedBy('okta') };
}

/** Connects local 'alpha' and global 'beta', then uses `name`. */
export async function useName(name: string): Promise<string> {
  await okta.connect({ ...org, session: { local: 'alpha' } });
  await okta.connect({ ...org, session: { global: 'beta' } });
  return sessionUsedBy(name);
}

/** Disconnects a local session, then uses it again by name or by value. */
export async function useAfterDisconnect(by: 'name' | 'value'): Promise<string> {
  const session = await okta.connect({ ...org, session: { local: 'okta' } });
  await okta.disconnect('okta');
  return sessionUsedBy(by === 'name' ? 'okta' : session);
}

/** Uses `name` in this workflow, then `depth` levels of descendants do the same; returns every session id used. */
export async function useNameInDescendants(name: string, depth: number): Promise<string[]> {
  const here = await sessionUsedBy(name);
  if (depth === 0) return [here];
  const below = await executeChild(useNameInDescendants, {
    args: [name, depth - 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return [here, ...below];
}

/** Connects a global session 'okta', then a child and a grandchild use it by name. */
export async function globalToGrandchild(): Promise<{ global: OktaSession; used: string[] }> {
  const global = await okta.connect({ ...org, session: { global: 'okta' } });
  const used = await executeChild(useNameInDescendants, {
    args: ['okta', 1],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return { global, used };
}

/** Connects local 'private' and global 'shared', then a child uses 'private'. */
export async function localToChild(): Promise<string[]> {
  await okta.connect({ ...org, session: { local: 'private' } });
  await okta.connect({ ...org, session: { global: 'shared' } });
  return executeChild(useNameInDescendants, {
    args: ['private', 0],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
}

/** Uses the session value it was given. */
export async function useValue(session: OktaSession): Promise<string> {
  return sessionUsedBy(session);
}

/** Connects a variable session and passes it to a child as an argument. */
export async function variableToChild(): Promise<{ variable: OktaSession; used: string }> {
  const variable = await okta.connect({ ...org, session: { variable: true } });
  const used = await executeChild(useValue, {
    args: [variable],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  return { variable, used };
}

/** What the second run of {@link globalAcrossContinueAsNew} saw. */
export interface SecondRunReport {
  /** The session users.get ran on when the second run named 'okta'. */
  used: string;
  /** The session 'okta' resolves to in the second run. */
  resolved: OktaSession;
  runId: string;
  /** Whether the first run's local session 'private' is visible in the second run. */
  localVisible: boolean;
}

/**
 * First run: connects global 'okta' and local 'private', then continues as new. Second run: uses 'okta'
 * by name and reports whether 'private' is still visible.
 */
export async function globalAcrossContinueAsNew(run: 'first' | 'second' = 'first'): Promise<SecondRunReport> {
  if (run === 'first') {
    await okta.connect({ ...org, session: { global: 'okta' } });
    await okta.connect({ ...org, session: { local: 'private' } });
    await continueAsNew<typeof globalAcrossContinueAsNew>('second');
  }
  let localVisible = true;
  try {
    okta.session('private');
  } catch (err) {
    // Only "not found" means not visible; any other error is a failure of its own.
    if (!(err instanceof ApplicationFailure && err.type === OktaErrorType.OktaSessionNotFound)) throw err;
    localVisible = false;
  }
  return {
    used: await sessionUsedBy('okta'),
    resolved: okta.session('okta'),
    runId: workflowInfo().runId,
    localVisible,
  };
}

/** Does nothing: a child whose start event shows the headers its parent sent. */
export async function idle(): Promise<void> {}

/**
 * Connects globals 'kept' and 'dropped' and local 'private', disconnects 'dropped', then starts a child
 * with the given id (the test reads the child's history).
 */
export async function startChildAfterConnects(childId: string): Promise<OktaSession[]> {
  const kept = await okta.connect({ ...org, session: { global: 'kept' } });
  const dropped = await okta.connect({ ...org, session: { global: 'dropped' } });
  await okta.connect({ ...org, session: { local: 'private' } });
  await okta.disconnect('dropped');
  await executeChild(idle, { workflowId: childId });
  return [kept, dropped];
}
