import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthConnection } from '../../activities/connections.js';
import { createActivitiesWith } from '../../activities/create-activities.js';
import { fileRefreshTokenStore } from '../../activities/refresh-token-store.js';
import { createTokenCache } from '../../activities/token-cache.js';
import { OktaErrorType } from '../../common/errors.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { orgClient } from 'temporal-okta-emulator/org';
import { SESSION_INTERCEPTORS_MODULE } from '../../worker/create-worker.js';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { activityFailureOf, startedAttempts } from './history.js';
import { startConnectTestOrg, type ConnectTestOrg } from './org.js';
import { getAcrossSleep, type FixtureActivities } from './workflows.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/**
 * A session outliving its access token, on the time-skipping test server.
 *
 * The clock: the server skips the 3-hour sleep in workflow time, but the worker's token cache would
 * run on the wall clock and still see the Connect token (valid for 1 hour of wall time) as fresh. So the
 * worker gets a token cache whose clock is the wall clock plus the server time skipped during the test:
 * every activity, when it starts, reads its attempt's scheduled time (a server timestamp, skipped time
 * included) and moves the cache's clock on by how far the server has run ahead since the test started.
 * Access token expiries are computed from the wall clock when Okta issues them, so after the sleep the
 * cache compares a clock 3 hours later with a 1-hour expiry, exactly as a worker that really waited 3
 * hours would. The emulator is not told anything: it would still accept the old token, so the one extra
 * token request counted below is the cache's decision alone.
 */

const THREE_HOURS_MS = 3 * 60 * 60 * 1000;
const TOKEN_ENDPOINT = 'POST /oauth2/v1/token';

let env: TestWorkflowEnvironment;
let t: ConnectTestOrg;
let worker: Worker;
let running: Promise<void>;
/** How far the server's clock was ahead of the wall clock when the current test started. */
let serverAheadAtStartMs = 0;
/** Server time skipped since the current test started, as the activities saw it. */
let skippedMs = 0;
const taskQueue = uniqueTaskQueue('okta-token-expiry');

/** Wraps activities so each moves the token cache's clock on by the server time skipped so far. */
function onServerClock<T extends object>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, run]) => [
      name,
      (...args: unknown[]) => {
        const scheduledAt = Context.current().info.currentAttemptScheduledTimestampMs;
        skippedMs = Math.max(skippedMs, scheduledAt - Date.now() - serverAheadAtStartMs);
        return (run as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  ) as T;
}

function fixtureActivities(): FixtureActivities {
  return {
    async tokenRequests() {
      return (await t.controls.requests()).counts[TOKEN_ENDPOINT] ?? 0;
    },
    async revokeStoredRefreshToken(name) {
      const connection = t.connections.get(name) as OAuthConnection;
      if (connection.grant.type !== 'authorization_code') throw new Error(`${name} has no refresh token`);
      const refreshToken = await fileRefreshTokenStore(name, connection.grant.refreshTokenStore).read();
      const web = orgClient(t.org, 'web');
      const response = await t.fetch(`https://${t.domain}/oauth2/v1/revoke`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${web.clientId}:${web.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: refreshToken ?? '', token_type_hint: 'refresh_token' }).toString(),
      });
      if (response.status !== 200) throw new Error(`revocation answered ${response.status}`);
    },
  };
}

beforeAll(async () => {
  t = await startConnectTestOrg();
  env = await createTimeSkippingEnv();
  const tokens = createTokenCache({ now: () => Date.now() + skippedMs });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities: onServerClock({
      ...createActivitiesWith(
        { connections: t.connections, buildId: 'token-expiry-test', sessionKeys: testSessionKeys() },
        { tokens },
      ),
      ...fixtureActivities(),
    }),
    interceptors: { workflowModules: [SESSION_INTERCEPTORS_MODULE] },
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await t?.close();
});
beforeEach(async () => {
  // Skipped time accumulates on the server across tests; each test's tokens start on the wall clock.
  serverAheadAtStartMs = (await env.currentTimeMs()) - Date.now();
  skippedMs = 0;
  await t.controls.clearRequests();
});

describe('a session that outlives its access token', () => {
  it('gets exactly one new token when users.get runs 3 hours after Connect', async () => {
    const report = await env.client.workflow.execute(getAcrossSleep, {
      args: [{ domain: t.domain, connection: EMULATOR_CONNECTIONS.service }, t.userLogin, THREE_HOURS_MS],
      taskQueue,
      workflowId: `getAcrossSleep-${randomUUID()}`,
    });
    // The clock the cache saw really moved by the skipped 3 hours.
    expect(skippedMs).toBeGreaterThanOrEqual(THREE_HOURS_MS - 60_000);
    // Connect's token served the first users.get; the second needed exactly one more.
    expect(report.tokenRequestsBeforeSleep).toBe(1);
    expect(report.tokenRequestsAfterSleep).toBe(2);
    expect(report.users[1]).toBe(report.users[0]);
  });

  it('fails with OktaAuthorizationRequired after one attempt when the refresh token was revoked meanwhile', async () => {
    await t.authorize(EMULATOR_CONNECTIONS.web);
    await t.controls.clearRequests();
    const workflowId = `getAcrossSleep-${randomUUID()}`;
    const failure = await activityFailureOf(
      env.client.workflow.execute(getAcrossSleep, {
        args: [{ domain: t.domain, connection: EMULATOR_CONNECTIONS.web }, t.userLogin, THREE_HOURS_MS, true],
        taskQueue,
        workflowId,
      }),
    );
    expect(failure.type).toBe(OktaErrorType.OktaAuthorizationRequired);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('temporal-okta connections authorize okta-web');
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    // Both users.get ran once: the first succeeded, the second failed on its first attempt.
    expect(startedAttempts(history, 'oktaUsersGet')).toEqual([1, 1]);
    const refreshes = (await t.controls.requests()).requests.filter(
      (r) => r.path === '/oauth2/v1/token' && r.grantType === 'refresh_token',
    );
    // Connect's refresh, then the one refused refresh after the revocation: no retry loop.
    expect(refreshes.map((r) => r.status)).toEqual([200, 400]);
  });
});
