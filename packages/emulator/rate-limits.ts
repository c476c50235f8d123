/**
 * Okta-style rate limits: each endpoint family has a request budget per window (one minute by
 * default). Every API response carries `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
 * `X-Rate-Limit-Reset` (epoch seconds at which the window ends); past the budget the caller gets
 * 429 E0000047 until then.
 */
export const RateLimitFamilies = {
  /** `GET|POST /api/v1/users` (list, search, create). */
  users: 'users',
  /** `/api/v1/users/{id}` and everything below it (get, update, lifecycle, delete, groups). */
  usersById: 'users-by-id',
  /** `GET|POST /api/v1/groups`. */
  groups: 'groups',
  /** `/api/v1/groups/{id}` and below (get, update, delete, members). */
  groupsById: 'groups-by-id',
  /** The org authorization server, `/oauth2/v1/*`. */
  oauth2: 'oauth2',
  /** Any other `/api/v1/*` path. */
  apiDefault: 'api-default',
} as const;

/** One endpoint family, such as `users` or `oauth2`. */
export type RateLimitFamily = (typeof RateLimitFamilies)[keyof typeof RateLimitFamilies];

/** The rate-limit family of a Management API path or route path, like Okta's per-endpoint buckets. */
export function managementRateLimitFamily(pathname: string): RateLimitFamily {
  if (/^\/api\/v1\/users\/?$/.test(pathname)) return 'users';
  if (pathname.startsWith('/api/v1/users/')) return 'users-by-id';
  if (/^\/api\/v1\/groups\/?$/.test(pathname)) return 'groups';
  if (pathname.startsWith('/api/v1/groups/')) return 'groups-by-id';
  return 'api-default';
}

/**
 * Per-minute budgets close to those of a production Okta org (Workforce Identity, one-app
 * plan defaults): users and groups collections are tighter than single-object endpoints.
 */
export const defaultRateLimitBudgets: Readonly<Record<RateLimitFamily, number>> = {
  users: 600,
  'users-by-id': 2000,
  groups: 500,
  'groups-by-id': 1000,
  oauth2: 600,
  'api-default': 1200,
};

/** The outcome of one request against a family's budget. */
export type RateLimitDecision = { limited: boolean; headers: Record<string, string> };

/** Counts requests per family and decides when to answer 429. */
export type RateLimiter = {
  /** Counts one request (`now` in epoch milliseconds) and returns the headers to send. */
  take(family: RateLimitFamily, now?: number): RateLimitDecision;
  /** The current budgets. */
  readonly budgets: Readonly<Record<RateLimitFamily, number>>;
  /** Replaces some budgets and restarts every window (for test controls). */
  configure(budgets: Partial<Record<RateLimitFamily, number>>): void;
  /** Forgets every window, so every family has its full budget again. */
  reset(): void;
};

/**
 * Creates a rate limiter with fixed windows that open on the first request of a family.
 *
 * @example
 * const limits = createRateLimiter({ users: 5 });
 * const { limited, headers } = limits.take('users');
 */
export function createRateLimiter(
  budgets: Partial<Record<RateLimitFamily, number>> = {},
  windowSeconds = 60,
): RateLimiter {
  if (!(windowSeconds > 0)) throw new RangeError(`windowSeconds must be positive, got ${windowSeconds}`);
  const current: Record<RateLimitFamily, number> = { ...defaultRateLimitBudgets };
  const windows = new Map<RateLimitFamily, { resetAtMs: number; used: number }>();

  const configure = (next: Partial<Record<RateLimitFamily, number>>): void => {
    for (const [family, budget] of Object.entries(next) as [RateLimitFamily, number | undefined][]) {
      if (budget === undefined) continue;
      if (!(family in defaultRateLimitBudgets)) throw new RangeError(`Unknown rate-limit family "${family}"`);
      if (!Number.isInteger(budget) || budget < 0) {
        throw new RangeError(
          `Rate-limit budget for "${family}" must be a non-negative integer, got ${budget}`,
        );
      }
      current[family] = budget;
    }
    windows.clear();
  };
  configure(budgets);

  return {
    budgets: current,
    configure,
    reset: () => windows.clear(),
    take(family, now = Date.now()) {
      const limit = current[family];
      let window = windows.get(family);
      if (!window || now >= window.resetAtMs) {
        // Reset is whole epoch seconds, so the window ends on a second boundary.
        window = { resetAtMs: Math.ceil((now + windowSeconds * 1000) / 1000) * 1000, used: 0 };
        windows.set(family, window);
      }
      const limited = window.used >= limit;
      if (!limited) window.used += 1;
      return {
        limited,
        headers: {
          'X-Rate-Limit-Limit': String(limit),
          'X-Rate-Limit-Remaining': String(Math.max(0, limit - window.used)),
          'X-Rate-Limit-Reset': String(window.resetAtMs / 1000),
        },
      };
    },
  };
}
