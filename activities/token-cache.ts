import type { Token } from './oauth.js';

/**
 * The worker-process token cache of DESIGN section 3: session id -> access token. One token request per
 * session per process while the token is valid; a refresh shortly before expiry; after an invalid-token
 * 401, one fresh token and one retry. It holds tokens only in memory and never logs them.
 */
export interface TokenCache {
  /**
   * The session's cached token, or a new one from `acquire` on a miss, near expiry or after
   * {@link TokenCache.invalidate}. Concurrent misses share one `acquire` call; a failed `acquire` is not
   * cached (the next call tries again).
   */
  get(sessionId: string, acquire: () => Promise<Token>): Promise<Token>;
  /**
   * Forgets the session's token after Okta rejected it. Pass the rejected token so that a token another
   * caller already replaced it with is kept.
   */
  invalidate(sessionId: string, rejected?: Token): void;
  /**
   * Forgets the session entirely (Disconnect) and returns the token it held, so the caller can revoke
   * it; an `acquire` in flight no longer fills the cache.
   */
  drop(sessionId: string): Token | undefined;
  /** Number of sessions with a cached or pending token (for metrics and tests). */
  readonly size: number;
}

export interface TokenCacheOptions {
  /** Clock in epoch milliseconds (tests). Default `Date.now`. */
  now?: () => number;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60. */
  refreshSkewSeconds?: number;
  /** Upper bound on cached sessions; expired entries go first, then the oldest. Default 10 000. */
  maxEntries?: number;
}

interface Entry {
  token?: Token;
  obtainedAt?: number;
  pending?: Promise<Token>;
}

/**
 * Creates a token cache. One per worker process, passed to `createOktaActivities`.
 *
 * @example
 * const tokens = createTokenCache();
 * const token = await tokens.get(session.id, () => requestToken(connection));
 */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  const now = options.now ?? Date.now;
  const skewMs = (options.refreshSkewSeconds ?? 60) * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();

  function isFresh(entry: Entry, at: number): boolean {
    const { token, obtainedAt } = entry;
    if (!token) return false;
    if (token.expiresAt === undefined) return true;
    const lifetime = token.expiresAt - (obtainedAt ?? at);
    return at < token.expiresAt - Math.min(skewMs, Math.max(0, lifetime / 2));
  }

  function evict(): void {
    if (entries.size <= maxEntries) return;
    const at = now();
    for (const [id, entry] of entries) {
      if (!entry.pending && !isFresh(entry, at)) entries.delete(id);
    }
    for (const id of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(id);
    }
  }

  function get(sessionId: string, acquire: () => Promise<Token>): Promise<Token> {
    let entry = entries.get(sessionId);
    if (entry && isFresh(entry, now())) return Promise.resolve(entry.token!);
    if (entry?.pending) return entry.pending;
    if (!entry) {
      entry = {};
      entries.set(sessionId, entry);
    }
    const owner = entry;
    const pending = (async () => acquire())().then(
      (token) => {
        if (entries.get(sessionId) === owner && owner.pending === pending) {
          owner.token = token;
          owner.obtainedAt = now();
          owner.pending = undefined;
        }
        return token;
      },
      (err: unknown) => {
        if (owner.pending === pending) owner.pending = undefined;
        if (entries.get(sessionId) === owner && !owner.token) entries.delete(sessionId);
        throw err;
      },
    );
    owner.pending = pending;
    evict();
    return pending;
  }

  function invalidate(sessionId: string, rejected?: Token): void {
    const entry = entries.get(sessionId);
    if (!entry) return;
    if (rejected === undefined || entry.token === rejected) {
      entry.token = undefined;
      entry.obtainedAt = undefined;
    }
  }

  return {
    get,
    invalidate,
    drop(sessionId) {
      const token = entries.get(sessionId)?.token;
      entries.delete(sessionId);
      return token;
    },
    get size() {
      return entries.size;
    },
  };
}
