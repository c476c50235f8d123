import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserOneTimeValue } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { newKeyring } from '../codec/helpers.js';
import { act } from './workflows.js';
import { activityFailureOf, newProfile, startActionsHarness, type ActionsHarness } from './harness.js';

const dataConverter = createDataConverter(newKeyring('one-time-values'));
let h: ActionsHarness;
let client: Client;
let n = 0;
beforeAll(async () => {
  h = await startActionsHarness({ dataConverter });
  client = new Client({ connection: h.env.connection, dataConverter });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.t.controls.clearFaults();
});

/** Runs `okta.<name>` with the payload codec, and returns its result and its history as the server stores it. */
async function runEncrypted<R>(
  name: string,
  options: Record<string, unknown>,
): Promise<{ result: R; history: Buffer }> {
  const workflowId = `${h.taskQueue}-one-time-${++n}`;
  const result = (await client.workflow.execute(act, {
    args: [h.session, name, options],
    taskQueue: h.taskQueue,
    workflowId,
  })) as R;
  // h.env.client has no codec: it reads exactly what the server stores.
  const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
  return { result, history: Buffer.from(temporal.api.history.v1.History.encode(history).finish()) };
}

const createUser = (tag: string, options: Record<string, unknown> = {}) =>
  h.run<OktaUser>('users.create', { profile: newProfile(tag), ...options });
const oneTimeRequests = async (operation: string) =>
  (await h.t.controls.requests()).requests.filter((r) => r.path.endsWith(`/lifecycle/${operation}`));

/** Every one-time value of a result, none of which may appear in clear in the stored history. */
const secretsOf = (r: UserOneTimeValue) =>
  [r.activationUrl, r.activationToken, r.resetPasswordUrl, r.tempPassword].filter(
    (v): v is string => typeof v === 'string',
  );

describe('one-time values are returned on request, and only encrypted', () => {
  it('activateWithLink activates a staged user and returns the activation link, encrypted in history', async () => {
    const user = await createUser('activate-link', { activate: false });
    const { result, history } = await runEncrypted<UserOneTimeValue>('users.activateWithLink', {
      user: user.id,
    });
    expect(result.user).toMatchObject({ id: user.id, status: 'PROVISIONED' });
    expect(result.activationUrl).toBe(`https://companyabc.okta.com/tokens/${result.activationToken}/verify`);
    expect(secretsOf(result)).toHaveLength(2);
    for (const value of secretsOf(result)) expect(history.includes(value, 0, 'utf8')).toBe(false);
  });

  it('reactivateWithLink returns a new activation link for a provisioned user, encrypted in history', async () => {
    const user = await createUser('reactivate-link');
    const { result, history } = await runEncrypted<UserOneTimeValue>('users.reactivateWithLink', {
      user: user.id,
    });
    expect(result.user.status).toBe('PROVISIONED');
    expect(result.activationToken).toEqual(expect.any(String));
    for (const value of secretsOf(result)) expect(history.includes(value, 0, 'utf8')).toBe(false);
  });

  it('resetPasswordWithLink moves the user to RECOVERY and returns the reset link, encrypted in history', async () => {
    const user = await createUser('reset-link', { password: 'correct-horse-1' });
    const { result, history } = await runEncrypted<UserOneTimeValue>('users.resetPasswordWithLink', {
      user: user.id,
    });
    expect(result.user.status).toBe('RECOVERY');
    expect(result.resetPasswordUrl).toMatch(/^https:\/\/companyabc\.okta\.com\/signin\/reset-password\/\S+$/);
    expect(history.includes(result.resetPasswordUrl!, 0, 'utf8')).toBe(false);
  });

  it('expirePasswordWithTempPassword expires the password and returns the temporary one, encrypted in history', async () => {
    const user = await createUser('temp-password', { password: 'correct-horse-1' });
    const { result, history } = await runEncrypted<UserOneTimeValue>('users.expirePasswordWithTempPassword', {
      user: user.id,
    });
    expect(result.user.status).toBe('PASSWORD_EXPIRED');
    expect(result.tempPassword).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(history.includes(result.tempPassword!, 0, 'utf8')).toBe(false);
  });

  it('the plain lifecycle shorthand returns the user only, without the link Okta answered with', async () => {
    const user = await createUser('plain-activate', { activate: false });
    const { result } = await runEncrypted<Record<string, unknown>>('users.activate', { user: user.id });
    expect(Object.keys(result).sort()).not.toContain('activationUrl');
    expect(result).toMatchObject({ id: user.id, status: 'PROVISIONED' });
  });
});

describe('one-time values: retries and wrong states', () => {
  // Okta takes 2.5 s to answer; the attempt times out after 1 s while the request runs on, so the
  // operation is done when the retry (4 s later) asks again.
  const lostAnswer = {
    startToCloseTimeout: '1 second',
    retry: { initialInterval: '4 seconds', maximumAttempts: 3 },
  };

  it('a retried activateWithLink whose first answer was lost reactivates for a fresh link instead of activating twice', async () => {
    const user = await createUser('activate-retry', { activate: false });
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({
      pathPrefix: `/api/v1/users/${user.id}/lifecycle/activate`,
      latencyMs: 2500,
      count: 1,
    });
    const { result } = await runEncrypted<UserOneTimeValue>('users.activateWithLink', {
      user: user.id,
      activityOptions: lostAnswer,
    });
    expect(result.user.status).toBe('PROVISIONED');
    expect(result.activationUrl).toEqual(expect.any(String));
    // The first activate ran (200, after its attempt timed out); the retry's activate was refused as
    // already done, and one reactivate issued the link.
    expect((await oneTimeRequests('activate')).map((r) => r.status)).toEqual([200, 403]);
    expect((await oneTimeRequests('reactivate')).map((r) => r.status)).toEqual([200]);
  });

  it('a retried resetPasswordWithLink whose first answer was lost leaves the user in RECOVERY with a fresh link', async () => {
    const user = await createUser('reset-retry', { password: 'correct-horse-1' });
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({
      pathPrefix: `/api/v1/users/${user.id}/lifecycle/reset_password`,
      latencyMs: 2500,
      count: 1,
    });
    const { result } = await runEncrypted<UserOneTimeValue>('users.resetPasswordWithLink', {
      user: user.id,
      activityOptions: lostAnswer,
    });
    expect(result.user.status).toBe('RECOVERY');
    expect((await oneTimeRequests('reset_password')).map((r) => r.status)).toEqual([200, 200]);
  });

  it('activateWithLink on an active user fails with OktaConflict carrying Okta’s E0000016', async () => {
    const user = await createUser('already-active', { password: 'correct-horse-1' });
    const failure = await activityFailureOf(h.run('users.activateWithLink', { user: user.id }));
    expect(failure.type).toBe('OktaConflict');
    expect(failure.details?.[0]).toMatchObject({ status: 403, errorCode: 'E0000016' });
  });

  it('expirePasswordWithTempPassword on a staged user fails with OktaConflict carrying Okta’s E0000038', async () => {
    const user = await createUser('staged-temp', { activate: false });
    const failure = await activityFailureOf(h.run('users.expirePasswordWithTempPassword', { user: user.id }));
    expect(failure.type).toBe('OktaConflict');
    expect(failure.details?.[0]).toMatchObject({ status: 403, errorCode: 'E0000038' });
  });
});
