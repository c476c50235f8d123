import type { Token } from './oauth.js';

/**
 * Who a cached token belongs to: a loaded connection (its name and the org domain it is configured for).
 * A token is cached under both and handed out only to the very connection object it was obtained for,
 * and only while its domain is that connection's domain.
 */
export interface TokenOwner {
  readonly name: string;
  readonly domain: string;
}

/**
 * The worker-process token cache of docs/ARCHITECTURE.md §3, §11: connection -> access token. Every session
 * of a connection shares the connection's token in this process, so token requests are bounded by worker
 * processes, not by sessions or activities: one request per connection per process while the token is
 * valid, a refresh shortly before expiry, and after an invalid-token 401 one fresh token and one retry.
 * It holds tokens only in memory and never logs them.
 */
export interface TokenCache {
  /**
   * The connection's cached token, or a new one from `acquire` on a miss, near expiry or after
   * {@link TokenCache.invalidate}. Concurrent misses share one `acquire` call; a failed `acquire` is not
   * cached (the next call tries again). A token is never returned for another connection object, nor for a
   * domain other than the one it was issued for.
   */
  get(owner: TokenOwner, acquire: () => Promise<Token>): Promise<Token>;
  /**
   * Forgets the connection's token after Okta rejected it. Pass the rejected token so that a token another
   * caller already replaced it with is kept. Returns true when the rejected token was the cached one (or
   * none was given), false when it had already been replaced or dropped.
   */
  invalidate(owner: TokenOwner, rejected?: Token): boolean;
  /**
   * Forgets the connection's token (Disconnect) and resolves to every token it held: the cached one and
   * the one a request in flight obtains (which no longer fills the cache), so the caller can revoke them.
   */
  drop(owner: TokenOwner): Promise<Token[]>;
  /** Number of connections with a cached or pending token (for metrics and tests). */
  readonly size: number;
}

export interface TokenCacheOptions {
  /** Clock in epoch milliseconds (tests). Default `Date.now`. */
  now?: () => number;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60. */
  refreshSkewSeconds?: number;
  /** Upper bound on cached connections; expired entries go first, then the oldest. Default 1 000. */
  maxEntries?: number;
}

interface Entry {
  owner: TokenOwner;
  token?: Token;
  obtainedAt?: number;
  pending?: Promise<Token>;
}

/** The cache key: a connection's name and domain, which no name or domain can forge (neither holds NUL). */
function keyOf(owner: TokenOwner): string {
  return `${owner.name}\u0000${owner.domain}`;
}

/**
 * Creates a token cache. One per worker process, passed to `createOktaActivities`.
 *
 * @example
 * const tokens = createTokenCache();
 * const token = await tokens.get(connection, () => requestToken(connection));
 */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  const now = options.now ?? Date.now;
  const skewMs = (options.refreshSkewSeconds ?? 60) * 1000;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, Entry>();

  function isFresh(entry: Entry, at: number): boolean {
    const { token, obtainedAt } = entry;
    if (!token || token.domain !== entry.owner.domain) return false;
    if (token.expiresAt === undefined) return true;
    const lifetime = token.expiresAt - (obtainedAt ?? at);
    return at < token.expiresAt - Math.min(skewMs, Math.max(0, lifetime / 2));
  }

  function evict(): void {
    if (entries.size <= maxEntries) return;
    const at = now();
    for (const [key, entry] of entries) {
      if (!entry.pending && !isFresh(entry, at)) entries.delete(key);
    }
    for (const key of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(key);
    }
  }

  /** The entry of exactly this connection object; an entry left by another object of the same name goes. */
  function entryOf(owner: TokenOwner): Entry | undefined {
    const key = keyOf(owner);
    const entry = entries.get(key);
    if (entry && entry.owner !== owner) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function get(owner: TokenOwner, acquire: () => Promise<Token>): Promise<Token> {
    const key = keyOf(owner);
    let entry = entryOf(owner);
    if (entry && isFresh(entry, now())) return Promise.resolve(entry.token!);
    if (entry?.pending) return entry.pending;
    if (!entry) {
      entry = { owner };
      entries.set(key, entry);
    }
    const current = entry;
    const pending = (async () => {
      const token = await acquire();
      if (token.domain !== owner.domain) {
        throw new Error(`a token for ${token.domain} was obtained for a connection of ${owner.domain}`);
      }
      return token;
    })().then(
      (token) => {
        if (entries.get(key) === current && current.pending === pending) {
          current.token = token;
          current.obtainedAt = now();
          current.pending = undefined;
        }
        return token;
      },
      (err: unknown) => {
        if (current.pending === pending) current.pending = undefined;
        if (entries.get(key) === current && !current.token) entries.delete(key);
        throw err;
      },
    );
    current.pending = pending;
    evict();
    return pending;
  }

  return {
    get,
    invalidate(owner, rejected) {
      const entry = entryOf(owner);
      if (!entry) return false;
      if (rejected !== undefined && entry.token !== rejected) return false;
      entry.token = undefined;
      entry.obtainedAt = undefined;
      return true;
    },
    async drop(owner) {
      const entry = entryOf(owner);
      if (!entry) return [];
      entries.delete(keyOf(owner));
      const inFlight = await entry.pending?.catch(() => undefined);
      return [entry.token, inFlight].filter((token): token is Token => token !== undefined);
    },
    get size() {
      return entries.size;
    },
  };
}
