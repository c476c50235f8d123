import { describe, expect, it } from 'vitest';
import type { Token } from '../../activities/oauth.js';
import { createTokenCache } from '../../activities/token-cache.js';

const DOMAIN = 'companyabc.okta.com';

function token(id: number, expiresAt: number | undefined, domain = DOMAIN): Token {
  return { accessToken: `access-${id}`, tokenType: 'Bearer', domain, expiresAt, scopes: ['okta.users.read'] };
}

/** Loaded connections, as the cache sees them: a name and a domain, compared by identity. */
function connection(name: string, domain = DOMAIN) {
  return { name, domain };
}
const c1 = connection('c1');
const c2 = connection('c2');

/** An acquire function that counts calls and returns tokens valid for `ttlMs` on the given clock. */
function counter(clock: { t: number }, ttlMs = 3_600_000) {
  const state = { calls: 0 };
  const acquire = async () => token(++state.calls, clock.t + ttlMs);
  return { state, acquire };
}

describe('token cache', () => {
  it('asks for one token per connection while it is valid', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    await cache.get(c1, acquire);
    clock.t = 30 * 60_000;
    const again = await cache.get(c1, acquire);
    expect(state.calls).toBe(1);
    expect(again.accessToken).toBe('access-1');
  });

  it('coalesces concurrent misses into a single token request', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => cache.get(c1, acquire)));
    expect(state.calls).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['access-1']));
  });

  it('keeps connections apart', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    await cache.get(c1, acquire);
    await cache.get(c2, acquire);
    expect(state.calls).toBe(2);
  });

  it('refreshes within the skew before expiry', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t, refreshSkewSeconds: 60 });
    const { state, acquire } = counter(clock);
    await cache.get(c1, acquire);
    clock.t = 3_600_000 - 59_000;
    expect((await cache.get(c1, acquire)).accessToken).toBe('access-2');
    expect(state.calls).toBe(2);
  });

  it('does not refresh on every call when the token lives shorter than the skew', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t, refreshSkewSeconds: 60 });
    const { state, acquire } = counter(clock, 30_000);
    await cache.get(c1, acquire);
    clock.t = 10_000;
    await cache.get(c1, acquire);
    expect(state.calls).toBe(1);
  });

  it('keeps a token without expiry (SSWS) until it is invalidated', async () => {
    const cache = createTokenCache({ now: () => 10 ** 12 });
    let calls = 0;
    const acquire = async () => token(++calls, undefined);
    await cache.get(c1, acquire);
    await cache.get(c1, acquire);
    expect(calls).toBe(1);
  });

  it('does not cache a failed request, so the next call asks again', async () => {
    const cache = createTokenCache();
    let calls = 0;
    const failing = async (): Promise<Token> => {
      calls++;
      throw new Error('unavailable');
    };
    await expect(cache.get(c1, failing)).rejects.toThrow('unavailable');
    await expect(cache.get(c1, failing)).rejects.toThrow('unavailable');
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('gets a new token after invalidate', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { acquire } = counter(clock);
    const first = await cache.get(c1, acquire);
    cache.invalidate(c1, first);
    expect((await cache.get(c1, acquire)).accessToken).toBe('access-2');
  });

  it('keeps a newer token when an older rejected one is invalidated', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { acquire } = counter(clock);
    const first = await cache.get(c1, acquire);
    cache.invalidate(c1, first);
    await cache.get(c1, acquire);
    cache.invalidate(c1, first);
    expect((await cache.get(c1, acquire)).accessToken).toBe('access-2');
  });

  it('forgets a dropped connection and hands back the token a request in flight obtains', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    const inFlight = cache.get(c1, acquire);
    const dropped = await cache.drop(c1);
    expect(dropped.map((t) => t.accessToken)).toEqual([(await inFlight).accessToken]);
    expect(cache.size).toBe(0);
    await cache.get(c1, acquire);
    expect(state.calls).toBe(2);
  });

  it('hands back both the cached token and a refresh in flight when dropped', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { acquire } = counter(clock);
    await cache.get(c1, acquire);
    clock.t = 3_600_000 - 30_000; // within the refresh skew: the next call refreshes, the old token still holds
    const refreshing = cache.get(c1, acquire);
    expect((await cache.drop(c1)).map((t) => t.accessToken)).toEqual(['access-1', 'access-2']);
    expect((await refreshing).accessToken).toBe('access-2');
    expect(cache.size).toBe(0);
  });

  it('never hands a token to another connection object of the same name and domain', async () => {
    const cache = createTokenCache();
    let calls = 0;
    const acquire = async () => token(++calls, 10 ** 15);
    await cache.get(c1, acquire);
    const reloaded = connection('c1');
    expect((await cache.get(reloaded, acquire)).accessToken).toBe('access-2');
    expect((await cache.get(reloaded, acquire)).accessToken).toBe('access-2');
  });

  it('keeps connections of the same name for different domains apart', async () => {
    const cache = createTokenCache();
    let calls = 0;
    const other = connection('c1', 'other.okta.com');
    await cache.get(c1, async () => token(++calls, 10 ** 15));
    const forOther = await cache.get(other, async () => token(++calls, 10 ** 15, other.domain));
    expect(forOther.domain).toBe('other.okta.com');
    expect(calls).toBe(2);
  });

  it('refuses a token issued for another domain than its connection', async () => {
    const cache = createTokenCache();
    await expect(cache.get(c1, async () => token(1, 10 ** 15, 'other.okta.com'))).rejects.toThrow(
      'a token for other.okta.com was obtained for a connection of companyabc.okta.com',
    );
    expect(cache.size).toBe(0);
  });

  it('evicts expired entries first when over its bound, even when they are not the oldest', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t, maxEntries: 2 });
    const [oldest, expiring, newest] = [connection('oldest'), connection('expiring'), connection('newest')];
    await cache.get(oldest, async () => token(1, 10 ** 9));
    await cache.get(expiring, async () => token(2, 1_000));
    clock.t = 5_000;
    await cache.get(newest, async () => token(3, 10 ** 9));
    expect(cache.size).toBe(2);
    let calls = 0;
    await cache.get(oldest, async () => token(++calls, 10 ** 9));
    await cache.get(newest, async () => token(++calls, 10 ** 9));
    expect(calls).toBe(0);
  });
});
