import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from 'temporal-okta-emulator/rate-limits';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { startHarness, type Harness } from './management-harness.js';

describe('the rate limiter', () => {
  it('counts Remaining down from the budget', () => {
    const limits = createRateLimiter({ users: 3 });
    const now = 1_700_000_000_000;
    expect([1, 2, 3].map(() => limits.take('users', now).headers['X-Rate-Limit-Remaining'])).toEqual([
      '2',
      '1',
      '0',
    ]);
  });

  it('limits past the budget until the window resets', () => {
    const limits = createRateLimiter({ groups: 1 }, 60);
    const now = 1_700_000_000_000;
    limits.take('groups', now);
    const refused = limits.take('groups', now + 1000);
    expect(refused.limited).toBe(true);
    expect(refused.headers['X-Rate-Limit-Reset']).toBe(String((now + 60_000) / 1000));
    expect(limits.take('groups', now + 60_000).limited).toBe(false);
  });

  it('keeps families apart', () => {
    const limits = createRateLimiter({ users: 1 });
    limits.take('users');
    expect(limits.take('users').limited).toBe(true);
    expect(limits.take('users-by-id').limited).toBe(false);
  });

  it('refuses an invalid budget', () => {
    expect(() => createRateLimiter({ users: -1 })).toThrow(/non-negative integer/);
  });
});

describe('rate limits on the Management API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ budgets: { users: 3 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('sends X-Rate-Limit headers and a Date on every response, success or error', async () => {
    for (const res of [
      await h.call('GET', '/api/v1/groups'),
      await h.call('GET', '/api/v1/users/00uDoesNotExist00000'),
    ]) {
      expect(res.headers['x-rate-limit-limit']).toMatch(/^\d+$/);
      expect(res.headers['x-rate-limit-remaining']).toMatch(/^\d+$/);
      expect(res.headers['x-rate-limit-reset']).toMatch(/^\d{10}$/);
      expect(Number.isNaN(Date.parse(String(res.headers.date)))).toBe(false);
      expect(res.headers['content-type']).toBe('application/json');
    }
  });

  it('answers 429 E0000047 past the budget, with Remaining 0 and Reset in epoch seconds within the minute', async () => {
    h.rateLimits.reset();
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await h.call('GET', '/api/v1/users?limit=1'));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(responses.map((r) => r.headers['x-rate-limit-remaining'])).toEqual(['2', '1', '0', '0']);
    const limited = responses[3]!;
    expect(limited.body).toMatchObject({
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
    });
    expect(limited.headers['x-rate-limit-limit']).toBe('3');
    const reset = Number(limited.headers['x-rate-limit-reset']);
    const date = Date.parse(String(limited.headers.date)) / 1000;
    expect(reset).toBeGreaterThan(date);
    expect(reset - date).toBeLessThanOrEqual(61);
  });

  it('does not limit another endpoint family when one is exhausted', async () => {
    h.rateLimits.reset();
    for (let i = 0; i < 4; i++) await h.call('GET', '/api/v1/users?limit=1');
    expect((await h.call('GET', '/api/v1/groups?limit=1')).status).toBe(200);
  });
});

describe('a rate-limit window on the emulated org, over TLS', () => {
  const WINDOW_SECONDS = 2;
  let t: TestOrg;
  beforeAll(async () => {
    t = await startTestOrg({ seedUsers: 2, rateLimitWindowSeconds: WINDOW_SECONDS });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** One `GET /api/v1/users`, with when it was sent and answered by this process's clock. */
  async function listUsers() {
    const sentAt = Date.now();
    const res = await t.fetch(`https://${t.org.domain}/api/v1/users?limit=1`, {
      headers: { authorization: `SSWS ${t.org.apiToken}`, accept: 'application/json' },
    });
    const body: unknown = await res.json();
    return {
      sentAt,
      answeredAt: Date.now(),
      status: res.status,
      body,
      limit: res.headers.get('x-rate-limit-limit'),
      remaining: res.headers.get('x-rate-limit-remaining'),
      resetMs: Number(res.headers.get('x-rate-limit-reset')) * 1000,
    };
  }

  it('refuses with 429 E0000047 from the spent budget until the reset, then grants the full budget again', async () => {
    expect((await t.controls.setRateLimits({ users: 3 })).users).toBe(3);

    const spent = [await listUsers(), await listUsers(), await listUsers()];
    expect(spent.map((r) => [r.status, r.remaining])).toEqual([
      [200, '2'],
      [200, '1'],
      [200, '0'],
    ]);
    const { resetMs } = spent[0]!;
    expect(spent.map((r) => r.resetMs)).toEqual([resetMs, resetMs, resetMs]);
    // The window opened with the first request and ends on a whole second, WINDOW_SECONDS later.
    expect(resetMs).toBeGreaterThanOrEqual(spent[0]!.sentAt + WINDOW_SECONDS * 1000);
    expect(resetMs).toBeLessThan(spent[0]!.answeredAt + (WINDOW_SECONDS + 1) * 1000);

    const refused = [];
    let next = await listUsers();
    while (next.status === 429 && Date.now() < resetMs + 10_000) {
      refused.push(next);
      await sleep(50);
      next = await listUsers();
    }
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.body).toMatchObject({ errorCode: 'E0000047' });
      expect([r.limit, r.remaining, r.resetMs]).toEqual(['3', '0', resetMs]);
      expect(r.sentAt).toBeLessThan(resetMs);
    }

    // The first request past the reset opens a new window with the whole budget.
    expect(next.status).toBe(200);
    expect(next.answeredAt).toBeGreaterThanOrEqual(resetMs);
    const renewed = [next, await listUsers(), await listUsers(), await listUsers()];
    expect(renewed.map((r) => [r.status, r.remaining])).toEqual([
      [200, '2'],
      [200, '1'],
      [200, '0'],
      [429, '0'],
    ]);
    expect(new Set(renewed.map((r) => r.resetMs))).toEqual(new Set([next.resetMs]));
    expect(next.resetMs).toBeGreaterThanOrEqual(resetMs + WINDOW_SECONDS * 1000);
  });
});
