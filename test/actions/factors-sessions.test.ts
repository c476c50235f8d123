import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OktaFactor } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { seededSessionId } from 'temporal-okta-emulator/store';
import { activityFailureOf, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
/** Seeded users who signed in: each holds a session and enrolled factors; every test takes its own. */
let signedIn: OktaUser[];
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 40 });
  const active = await h.direct('GET', `/api/v1/users?search=${encodeURIComponent('status eq "ACTIVE"')}`);
  signedIn = active.body as OktaUser[];
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.t.controls.clearFaults();
});

const nextUser = (): OktaUser => {
  const user = signedIn.shift();
  if (!user) throw new Error('the seed has too few active users for this file');
  return user;
};
const factorsOf = async (id: string) =>
  (await h.direct('GET', `/api/v1/users/${id}/factors`)).body as unknown[];
const sessionStatus = async (id: string) =>
  (await h.direct('GET', `/api/v1/sessions/${seededSessionId(id)}`)).status;
const requestsTo = async (path: string) =>
  (await h.t.controls.requests()).requests.filter((r) => r.path === path).map((r) => r.status);

// Okta takes 2.5 s to answer; the attempt times out after 1 s while the request runs on, so the change
// is done when the retry (4 s later) asks again.
const lostAnswer = {
  startToCloseTimeout: '1 second',
  retry: { initialInterval: '4 seconds', maximumAttempts: 3 },
};

describe('okta.users.factors and resetFactors', () => {
  it('factors lists the enrolled factors of a user given by login, without links', async () => {
    const user = nextUser();
    const factors = await h.run<OktaFactor[]>('users.factors', { user: user.profile.login });
    expect(factors.length).toBeGreaterThan(0);
    expect(factors.map((f) => f.id)).toEqual((await factorsOf(user.id)).map((f) => (f as OktaFactor).id));
    expect(factors[0]).toMatchObject({ factorType: 'token:software:totp', status: 'ACTIVE' });
    expect(factors[0]).not.toHaveProperty('_links');
  });

  it('resetFactors unenrolls every factor and leaves the user ACTIVE', async () => {
    const user = nextUser();
    await h.run('users.resetFactors', { user: user.id });
    expect(await factorsOf(user.id)).toEqual([]);
    expect((await h.direct('GET', `/api/v1/users/${user.id}`)).body).toMatchObject({ status: 'ACTIVE' });
  });

  it('a retried resetFactors whose first answer was lost succeeds without changing anything more', async () => {
    const user = nextUser();
    const path = `/api/v1/users/${user.id}/lifecycle/reset_factors`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, latencyMs: 2500, count: 1 });
    await h.run('users.resetFactors', { user: user.id, activityOptions: lostAnswer });
    // The first attempt's request reset the factors after the attempt timed out; the retry found none.
    expect(await requestsTo(path)).toEqual([200, 200]);
    expect(await factorsOf(user.id)).toEqual([]);
    expect((await h.direct('GET', `/api/v1/users/${user.id}`)).body).toMatchObject({ status: 'ACTIVE' });
  });

  it('resetFactors of a deprovisioned user fails with OktaConflict carrying Okta’s E0000038', async () => {
    const user = nextUser();
    expect((await h.direct('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`)).status).toBe(200);
    const failure = await activityFailureOf(h.run('users.resetFactors', { user: user.id }));
    expect(failure.type).toBe('OktaConflict');
    expect(failure.details?.[0]).toMatchObject({ status: 403, errorCode: 'E0000038' });
  });
});

describe('okta.users.clearSessions', () => {
  it('ends the user’s session, which Okta then no longer finds', async () => {
    const user = nextUser();
    expect(await sessionStatus(user.id)).toBe(200);
    await h.run('users.clearSessions', { user: user.profile.login, oauthTokens: true });
    expect(await sessionStatus(user.id)).toBe(404);
  });

  it('a retried clearSessions whose first answer was lost succeeds on a user without sessions', async () => {
    const user = nextUser();
    const path = `/api/v1/users/${user.id}/sessions`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, latencyMs: 2500, count: 1 });
    await h.run('users.clearSessions', { user: user.id, activityOptions: lostAnswer });
    expect(await requestsTo(path)).toEqual([204, 204]);
    expect(await sessionStatus(user.id)).toBe(404);
  });

  it('clearSessions of a user who does not exist fails with OktaNotFound', async () => {
    const failure = await activityFailureOf(h.run('users.clearSessions', { user: '00uDoesNotExist000000' }));
    expect(failure.type).toBe('OktaNotFound');
  });
});
