/** Workflows that run Connect, actions and Disconnect on the real activities; bundled by the tests in this folder. */
import { ApplicationFailure, executeChild, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { okta, type ConnectOptions, type OktaSession } from '../../workflows/index.js';

/** The org and connection a fixture workflow connects to. */
export interface Target {
  domain: string;
  connection: string;
}

/**
 * Test-only activities the token-expiry workflows call between steps; the worker in
 * token-expiry.test.ts implements them against the emulator's controls.
 */
export interface FixtureActivities {
  /** `POST /oauth2/v1/token` requests the emulator has served so far. */
  tokenRequests(): Promise<number>;
  /** Revokes the refresh token the connection's store holds, as an Okta admin revoking the app's grant would. */
  revokeStoredRefreshToken(connection: string): Promise<void>;
}

const fixture = proxyActivities<FixtureActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** Calls okta.connect with the options given. */
export async function connectWith(options: ConnectOptions): Promise<OktaSession> {
  return okta.connect(options);
}

/** Connects, gets one user, and disconnects: the smallest complete use of a session. */
export async function connectGetDisconnect(target: Target, user: string): Promise<string> {
  await okta.connect({ ...target, session: { local: 'okta' } });
  const found = await okta.users.get({ session: 'okta', user });
  await okta.disconnect('okta');
  return found.id;
}

/** What {@link getAcrossSleep} observed. */
export interface AcrossSleepReport {
  /** Token requests served after Connect and the first users.get. */
  tokenRequestsBeforeSleep: number;
  /** Token requests served after the sleep and the second users.get. */
  tokenRequestsAfterSleep: number;
  /** Ids the two users.get calls returned. */
  users: [string, string];
}

/**
 * Connects, gets a user, sleeps, and gets the user again. With `revokeDuringSleep`, the connection's refresh
 * token is revoked while the workflow sleeps (the second users.get then needs a new access token).
 */
export async function getAcrossSleep(
  target: Target,
  user: string,
  sleepMs: number,
  revokeDuringSleep = false,
): Promise<AcrossSleepReport> {
  await okta.connect({ ...target, session: { local: 'okta' } });
  const first = await okta.users.get({ session: 'okta', user });
  const tokenRequestsBeforeSleep = await fixture.tokenRequests();
  await sleep(sleepMs);
  if (revokeDuringSleep) await fixture.revokeStoredRefreshToken(target.connection);
  const second = await okta.users.get({ session: 'okta', user });
  return {
    tokenRequestsBeforeSleep,
    tokenRequestsAfterSleep: await fixture.tokenRequests(),
    users: [first.id, second.id],
  };
}

/** What the child of {@link sessionsEndToEnd} saw. */
export interface ChildReport {
  /** The connection behind the name 'okta' in the child. */
  connection: string;
  userId: string;
}

/** Uses the name 'okta' in a child workflow: only the parent's global session is visible here. */
export async function useOktaInChild(user: string): Promise<ChildReport> {
  const { connection } = okta.session('okta');
  const found = await okta.users.get({ session: 'okta', user });
  return { connection, userId: found.id };
}

/** What {@link sessionsEndToEnd} observed. */
export interface SessionsReport {
  /** Connection behind the name 'okta' in the parent (local first, then global). */
  parentNameResolvesTo: string;
  parentUserByName: string;
  parentUserByVariable: string;
  child: ChildReport;
  /** Error type of users.get on the variable session after it was disconnected. */
  afterDisconnect: string;
}

/**
 * A global session 'okta' (client credentials), a local session 'okta' (SSWS) and a variable session (DPoP)
 * in one workflow, on the real activities: the name resolves to the local session here and to the global
 * one in a child; the variable session works by value and is refused once disconnected.
 */
export async function sessionsEndToEnd(
  domain: string,
  connections: { global: string; local: string; variable: string },
  user: string,
): Promise<SessionsReport> {
  await okta.connect({ domain, connection: connections.global, session: { global: 'okta' } });
  await okta.connect({ domain, connection: connections.local, session: { local: 'okta' } });
  const variable = await okta.connect({
    domain,
    connection: connections.variable,
    session: { variable: true },
  });
  const parentUserByName = (await okta.users.get({ session: 'okta', user })).id;
  const parentUserByVariable = (await okta.users.get({ session: variable, user })).id;
  const child = await executeChild(useOktaInChild, {
    args: [user],
    workflowId: `${workflowInfo().workflowId}-child`,
  });
  await okta.disconnect(variable);
  let afterDisconnect = 'none';
  try {
    await okta.users.get({ session: variable, user });
  } catch (err) {
    afterDisconnect = err instanceof ApplicationFailure ? (err.type ?? 'untyped') : String(err);
  }
  const parentNameResolvesTo = okta.session('okta').connection;
  await okta.disconnect('okta');
  return { parentNameResolvesTo, parentUserByName, parentUserByVariable, child, afterDisconnect };
}

/**
 * Runs Connect, every kind of action and Disconnect on one connection, with a global session shared with a
 * child: the workflow whose history the secrets audit reads.
 */
export async function connectActDisconnect(target: Target, user: string): Promise<string> {
  await okta.connect({ ...target, session: { global: 'okta' } });
  const found = await okta.users.get({ session: 'okta', user });
  const group = await okta.groups.create({
    session: 'okta',
    profile: { name: `audit-${workflowInfo().workflowId}`, description: 'secrets audit' },
  });
  await okta.groups.addUser({ session: 'okta', group: group.id, user: found.id });
  await okta.users.list({ session: 'okta', limit: 5 });
  await okta.request({ session: 'okta', method: 'GET', path: `/api/v1/groups/${group.id}/users` });
  await executeChild(useOktaInChild, { args: [user], workflowId: `${workflowInfo().workflowId}-child` });
  await okta.groups.delete({ session: 'okta', group: group.id });
  await okta.disconnect('okta');
  return found.id;
}
