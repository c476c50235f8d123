import { describe, expect, it } from 'vitest';
import type { Token } from '../../activities/oauth.js';
import { createTokenCache } from '../../activities/token-cache.js';

function token(id: number, expiresAt: number | undefined): Token {
  return { accessToken: `access-${id}`, tokenType: 'Bearer', expiresAt, scopes: ['okta.users.read'] };
}

/** An acquire function that counts calls and returns tokens valid for `ttlMs` on the given clock. */
function counter(clock: { t: number }, ttlMs = 3_600_000) {
  const state = { calls: 0 };
  const acquire = async () => token(++state.calls, clock.t + ttlMs);
  return { state, acquire };
}

describe('token cache', () => {
  it('asks for one token per session while it is valid', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    await cache.get('s1', acquire);
    clock.t = 30 * 60_000;
    const again = await cache.get('s1', acquire);
    expect(state.calls).toBe(1);
    expect(again.accessToken).toBe('access-1');
  });

  it('coalesces concurrent misses into a single token request', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => cache.get('s1', acquire)));
    expect(state.calls).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['access-1']));
  });

  it('keeps sessions apart', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    await cache.get('s1', acquire);
    await cache.get('s2', acquire);
    expect(state.calls).toBe(2);
  });

  it('refreshes within the skew before expiry', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t, refreshSkewSeconds: 60 });
    const { state, acquire } = counter(clock);
    await cache.get('s1', acquire);
    clock.t = 3_600_000 - 59_000;
    expect((await cache.get('s1', acquire)).accessToken).toBe('access-2');
    expect(state.calls).toBe(2);
  });

  it('does not refresh on every call when the token lives shorter than the skew', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t, refreshSkewSeconds: 60 });
    const { state, acquire } = counter(clock, 30_000);
    await cache.get('s1', acquire);
    clock.t = 10_000;
    await cache.get('s1', acquire);
    expect(state.calls).toBe(1);
  });

  it('keeps a token without expiry (SSWS) until it is invalidated', async () => {
    const cache = createTokenCache({ now: () => 10 ** 12 });
    let calls = 0;
    const acquire = async () => token(++calls, undefined);
    await cache.get('s1', acquire);
    await cache.get('s1', acquire);
    expect(calls).toBe(1);
  });

  it('does not cache a failed request, so the next call asks again', async () => {
    const cache = createTokenCache();
    let calls = 0;
    const failing = async (): Promise<Token> => {
      calls++;
      throw new Error('unavailable');
    };
    await expect(cache.get('s1', failing)).rejects.toThrow('unavailable');
    await expect(cache.get('s1', failing)).rejects.toThrow('unavailable');
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('gets a new token after invalidate', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { acquire } = counter(clock);
    const first = await cache.get('s1', acquire);
    cache.invalidate('s1', first);
    expect((await cache.get('s1', acquire)).accessToken).toBe('access-2');
  });

  it('keeps a newer token when an older rejected one is invalidated', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { acquire } = counter(clock);
    const first = await cache.get('s1', acquire);
    cache.invalidate('s1', first);
    await cache.get('s1', acquire);
    cache.invalidate('s1', first);
    expect((await cache.get('s1', acquire)).accessToken).toBe('access-2');
  });

  it('forgets a dropped session, including a request in flight', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t });
    const { state, acquire } = counter(clock);
    const inFlight = cache.get('s1', acquire);
    cache.drop('s1');
    await inFlight;
    expect(cache.size).toBe(0);
    await cache.get('s1', acquire);
    expect(state.calls).toBe(2);
  });

  it('evicts expired sessions first when over its bound', async () => {
    const clock = { t: 0 };
    const cache = createTokenCache({ now: () => clock.t, maxEntries: 2 });
    await cache.get('old', async () => token(1, 1_000));
    clock.t = 5_000;
    await cache.get('a', async () => token(2, 10 ** 9));
    await cache.get('b', async () => token(3, 10 ** 9));
    expect(cache.size).toBe(2);
    let calls = 0;
    await cache.get('a', async () => token(++calls, 10 ** 9));
    expect(calls).toBe(0);
  });
});
