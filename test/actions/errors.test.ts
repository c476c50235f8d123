import type { temporal } from '@temporalio/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ListResult, OktaGroup } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { OktaErrorType } from '../../common/errors.js';
import { act } from './workflows.js';
import { newProfile, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 20 });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.t.controls.clearFaults();
});

type RawFailure = temporal.api.failure.v1.IFailure;

/**
 * Runs one action with a single attempt and returns the failure exactly as the activity reported it to
 * Temporal (from the ActivityTaskFailed event): type, retryability, message, details, nextRetryDelay.
 */
async function failureOf(name: string, options: Record<string, unknown>): Promise<RawFailure> {
  const handle = await h.env.client.workflow.start(act, {
    args: [h.session, name, { ...options, activityOptions: { retry: { maximumAttempts: 1 } } }],
    taskQueue: h.taskQueue,
    workflowId: `${h.taskQueue}-fail-${Math.random().toString(36).slice(2)}`,
  });
  await expect(handle.result()).rejects.toThrow();
  const history = await handle.fetchHistory();
  const failed = history.events?.find(
    (e) => e.activityTaskFailedEventAttributes,
  )?.activityTaskFailedEventAttributes;
  expect(failed?.failure?.applicationFailureInfo).toBeTruthy();
  return failed!.failure!;
}

const activeUser = () =>
  h.run<OktaUser>('users.create', { profile: newProfile('err'), password: 'correct-horse-1' });
const tokenRequests = async () => (await h.t.controls.requests()).counts['POST /oauth2/v1/token'] ?? 0;

describe('Okta errors map to typed failures', () => {
  it('400 E0000001 on a password Okta rejects is OktaValidationFailed, not retried, with the cause', async () => {
    const f = await failureOf('users.create', { profile: newProfile('weak'), password: 'short' });
    expect(f.applicationFailureInfo).toMatchObject({
      type: OktaErrorType.OktaValidationFailed,
      nonRetryable: true,
    });
    expect(f.message).toMatch(/Password requirements were not met.*E0000001/);
  });

  it('a login held by a different user is OktaConflict naming that user, not retried', async () => {
    const existing = await activeUser();
    const f = await failureOf('users.create', {
      profile: {
        ...newProfile('other'),
        login: existing.profile.login,
        firstName: 'Someone',
        lastName: 'Else',
      },
    });
    expect(f.applicationFailureInfo).toMatchObject({ type: OktaErrorType.OktaConflict, nonRetryable: true });
    expect(f.message).toContain(existing.id);
  });

  it('a group name held by a group with another profile is OktaConflict naming that group', async () => {
    const name = `Taken ${Date.now()}`;
    const existing = await h.direct('POST', '/api/v1/groups', { profile: { name, description: 'Theirs' } });
    const f = await failureOf('groups.create', { profile: { name, description: 'Ours' } });
    expect(f.applicationFailureInfo).toMatchObject({ type: OktaErrorType.OktaConflict, nonRetryable: true });
    expect(f.message).toContain((existing.body as { id: string }).id);
  });

  it('404 E0000007 is OktaNotFound, not retried', async () => {
    const f = await failureOf('users.get', { user: 'nobody@companyabc.com' });
    expect(f.applicationFailureInfo).toMatchObject({ type: OktaErrorType.OktaNotFound, nonRetryable: true });
    expect(f.message).toContain('E0000007');
  });

  it('403 E0000006 is OktaForbidden, not retried, and says where to grant access', async () => {
    const everyone = await h.run<ListResult<OktaGroup>>('groups.list', { q: 'Everyone' });
    const f = await failureOf('groups.update', { group: everyone.items[0]!.id, profile: { name: 'All' } });
    expect(f.applicationFailureInfo).toMatchObject({ type: OktaErrorType.OktaForbidden, nonRetryable: true });
    expect(f.message).toMatch(/E0000006.*Admin roles/);
  });

  it('activating an active user (403 E0000016) is OktaConflict, not retried', async () => {
    const user = await activeUser();
    const f = await failureOf('users.activate', { user: user.id });
    expect(f.applicationFailureInfo).toMatchObject({ type: OktaErrorType.OktaConflict, nonRetryable: true });
    expect(f.message).toContain('E0000016');
  });

  it('a lifecycle operation the status does not allow (403 E0000038) is OktaConflict, not retried', async () => {
    const user = await activeUser();
    const f = await failureOf('users.reactivate', { user: user.id });
    expect(f.applicationFailureInfo).toMatchObject({ type: OktaErrorType.OktaConflict, nonRetryable: true });
    expect(f.message).toContain('E0000038');
  });

  it("429 E0000047 is OktaRateLimited, retried at the reset measured against the response's Date (not the worker's clock), plus one second", async () => {
    // The response says Okta's clock is ten minutes behind the worker's: only its Date header gives the wait.
    const oktaNow = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const reset = oktaNow / 1000 + 3;
    await h.t.controls.addFault({
      pathPrefix: '/api/v1/users/',
      method: 'GET',
      status: 429,
      headers: {
        Date: new Date(oktaNow).toUTCString(),
        'X-Rate-Limit-Limit': '600',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(reset),
      },
      count: 1,
    });
    const f = await failureOf('users.get', { user: 'anyone@companyabc.com' });
    expect(f.applicationFailureInfo).toMatchObject({
      type: OktaErrorType.OktaRateLimited,
      nonRetryable: false,
    });
    const delay = f.applicationFailureInfo!.nextRetryDelay!;
    const delayMs = Number(delay.seconds ?? 0) * 1000 + Math.round((delay.nanos ?? 0) / 1e6);
    expect(delayMs).toBe(3_000 + 1_000);
  });

  it.each([500, 503])('%i is OktaUnavailable, retried', async (status) => {
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users/', method: 'GET', status, count: 1 });
    const f = await failureOf('users.get', { user: 'anyone@companyabc.com' });
    expect(f.applicationFailureInfo).toMatchObject({
      type: OktaErrorType.OktaUnavailable,
      nonRetryable: false,
    });
    expect(f.message).toContain(`Okta answered ${status}`);
  });

  it('a dropped connection is OktaUnavailable, retried', async () => {
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users/', method: 'GET', drop: true, count: 1 });
    const f = await failureOf('users.get', { user: 'anyone@companyabc.com' });
    expect(f.applicationFailureInfo).toMatchObject({
      type: OktaErrorType.OktaUnavailable,
      nonRetryable: false,
    });
  });

  it('401 E0000011 gets one fresh token and one retry, then is OktaInvalidToken, not retried', async () => {
    const before = await tokenRequests();
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users/', method: 'GET', status: 401, count: 2 });
    const f = await failureOf('users.get', { user: 'anyone@companyabc.com' });
    expect(f.applicationFailureInfo).toMatchObject({
      type: OktaErrorType.OktaInvalidToken,
      nonRetryable: true,
    });
    expect(await tokenRequests()).toBe(before + 1);
  });

  it('401 E0000011 once is healed by the fresh token', async () => {
    const user = await activeUser();
    await h.t.controls.addFault({
      pathPrefix: `/api/v1/users/${user.id}`,
      method: 'GET',
      status: 401,
      count: 1,
    });
    expect((await h.run<OktaUser>('users.get', { user: user.id })).id).toBe(user.id);
  });

  it('no failure message carries the access token', async () => {
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users/', method: 'GET', status: 401, count: 2 });
    const text = JSON.stringify(await failureOf('users.get', { user: 'anyone@companyabc.com' }));
    const tokens = (await h.t.controls.tokens()).map((t) => t.value);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(text).not.toContain(token);
  });
});
