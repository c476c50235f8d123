import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OktaUser } from '../../common/contract.js';
import { actInParallel } from './workflows.js';
import { newProfile, startActionsHarness, type ActionsHarness } from './harness.js';

/**
 * One worker paces its calls from Okta's rate-limit headers: with a small budget and many creates at once,
 * no request draws a 429 and the run ends close to the floor. The emulator's window is 15 s instead of
 * Okta's minute, so the test takes seconds; the pacing does not depend on the window's length.
 */

const WINDOW_SECONDS = 15;
const BUDGET = 15;
const CREATES = 45;

let h: ActionsHarness;
beforeAll(async () => {
  h = await startActionsHarness({ emulator: { rateLimitWindowSeconds: WINDOW_SECONDS } });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Sets budgets through the emulator's controls, which also restarts every window. */
async function setBudgets(budgets: Record<string, number>): Promise<void> {
  const res = await h.t.fetch(`https://${h.t.org.domain}/__emulator/rate-limits`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${h.t.org.adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify(budgets),
  });
  expect(res.status).toBeLessThan(300);
}

describe('pacing from the rate-limit headers', () => {
  it('creates many users on a small budget with no 429, close to the floor the budget allows', async () => {
    await setBudgets({ users: BUDGET });
    await h.t.controls.clearRequests();

    const users = await h.execute<OktaUser[]>(actInParallel.name, [
      h.session,
      'users.create',
      // Attempts long enough to wait for their window in the worker (a shorter one fails the attempt with
      // OktaRateLimited and Temporal retries it at the reset, which also works but costs a round trip).
      Array.from({ length: CREATES }, (_, i) => ({
        profile: newProfile(`paced${i}`),
        activityOptions: { startToCloseTimeout: '2 minutes' },
      })),
    ]);

    expect(new Set(users.map((u) => u.id)).size).toBe(CREATES);
    const creates = (await h.t.controls.requests()).requests.filter(
      (r) => r.method === 'POST' && r.path === '/api/v1/users',
    );
    expect(creates.map((r) => r.status)).toEqual(Array(CREATES).fill(200));
    // The floor: the budget's windows one after the other, the first opened by the first create (the
    // emulator ends a window on a whole second: up to 1 s more). What pacing may add per reset: up to 1 s
    // because Okta's Date header has whole seconds, the 250 ms margin, and the time the window's first
    // requests take to open new TLS connections (the old ones idled out during the hold).
    const resets = Math.ceil(CREATES / BUDGET) - 1;
    const floorMs = resets * WINDOW_SECONDS * 1000;
    const times = creates.map((r) => Date.parse(r.at));
    const elapsedMs = Math.max(...times) - Math.min(...times);
    expect(elapsedMs).toBeGreaterThanOrEqual(floorMs);
    expect(elapsedMs).toBeLessThan(floorMs + 1000 + resets * 2500);
  }, 120_000);
});
