import { OktaErrorType } from '../common/errors.js';
import { oktaFailure } from './failures.js';
import { RATE_LIMIT_MARGIN_MS, retryingIn, untilRateLimitReset } from './okta-errors.js';

/**
 * Paces requests from Okta's rate-limit headers, per org and endpoint family, in one worker process.
 *
 * Okta answers every request with `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset`
 * (epoch seconds at which the family's window ends). The pacer keeps, per family, what is left of the
 * window (the last `Remaining`, less the requests sent since) and, once it is spent, holds further requests
 * of that family until the reset, measured against the response's own `Date` as
 * {@link untilRateLimitReset} does, so a skewed worker clock does not matter. When it knows nothing of
 * a family's window (at start, and after each reset) it sends one request alone and learns from its answer;
 * so a process alone almost never sees a 429, and processes sharing an org see at most the requests they
 * had in flight when the budget ran out. A hold that would run past the activity's deadline fails the
 * attempt with `OktaRateLimited` and `nextRetryDelay` = the reset instead, without calling Okta.
 */
export interface RateLimitPacer {
  /**
   * Waits until a request of `family` on `origin` may be sent and counts it against the window. Call the
   * returned function with the response's headers and status once it arrives (without, when none came).
   */
  acquire(
    origin: string,
    family: string,
    options?: { signal?: AbortSignal; deadline?: number },
  ): Promise<(response?: { headers: Headers; status: number }) => void>;
}

/** Added to a window's reset before a held request goes, so it lands in the next window. */
export const PACING_MARGIN_MS = 250;

interface Window {
  /** Whether `remaining` and `resetAt` describe the current window. */
  known: boolean;
  limit: number;
  /** `X-Rate-Limit-Reset` of the window described (epoch seconds). */
  reset: number;
  /** Local time (ms) after which the window has reset. */
  resetAt: number;
  /** Requests this process may still send in the window. */
  remaining: number;
  /** Whether another client spent this family's budget in the window (Okta counted more than we sent). */
  shared: boolean;
  /** Whether Okta answered 429 in this window: it refused the window, so nothing more goes into it. */
  refused: boolean;
  inFlight: number;
  /** Requests waiting for an answer or a reset, woken on every answer. */
  waiters: Set<() => void>;
}

/**
 * The rate-limit family of a Management API path, after Okta's per-endpoint buckets: the collection
 * (`/api/v1/users`: list, search, create) and the objects in it (`/api/v1/users/{id}` and below) are
 * separate families; likewise for groups and every other `/api/v1/{resource}`.
 */
export function rateLimitFamily(pathname: string): string {
  const parts = pathname.split('/').filter(Boolean);
  if (parts[0] !== 'api' || !parts[2]) return pathname;
  const collection = `/${parts.slice(0, 3).join('/')}`;
  return parts.length === 3 ? collection : `${collection}/{id}`;
}

function header(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  const value = raw === null || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** Resolves after `ms`, or earlier when `wake` is called; rejects when `signal` aborts. */
function sleep(ms: number, waiters: Set<() => void>, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      done();
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(done, Math.max(0, ms));
    waiters.add(done);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Creates a pacer; give one to every client of a worker process (`createOktaActivities` does).
 *
 * @example
 * const release = await pacer.acquire('https://companyabc.okta.com', rateLimitFamily('/api/v1/users'));
 * const response = await fetch(url);
 * release(response);
 */
export function createRateLimitPacer(): RateLimitPacer {
  const windows = new Map<string, Window>();

  const windowOf = (key: string): Window => {
    let w = windows.get(key);
    if (!w) {
      w = {
        known: false,
        limit: 0,
        reset: 0,
        resetAt: 0,
        remaining: 0,
        shared: false,
        refused: false,
        inFlight: 0,
        waiters: new Set(),
      };
      windows.set(key, w);
    }
    return w;
  };

  const learn = (w: Window, response: { headers: Headers; status: number }, now: number): void => {
    const limit = header(response.headers, 'x-rate-limit-limit');
    const remaining = header(response.headers, 'x-rate-limit-remaining');
    const reset = header(response.headers, 'x-rate-limit-reset');
    if (limit === undefined || remaining === undefined || reset === undefined) return;
    // An answer from a window already over (after a rollover, until the new window's first answer, the
    // window is known but its reset is not: the old reset marks what is stale).
    if (w.known && (reset < w.reset || (w.resetAt === Infinity && reset <= w.reset))) return;
    // `Date` has whole seconds, so the delay is at worst overestimated: the earliest estimate is the best.
    const resetAt = now + (untilRateLimitReset(response.headers, now) ?? 0) + PACING_MARGIN_MS;
    const left = (response.status === 429 ? 0 : remaining) - w.inFlight;
    if (!w.known || reset > w.reset || limit !== w.limit) {
      Object.assign(w, { known: true, limit, reset, resetAt, remaining: left, refused: false });
    } else {
      // Alone, Okta cannot have counted more than this process sent: less left than we think means
      // another process (or integration) draws on the same budget.
      if (left < w.remaining) w.shared = true;
      w.resetAt = Math.min(w.resetAt, resetAt);
      w.remaining = Math.min(w.remaining, left);
    }
    if (response.status === 429) Object.assign(w, { refused: true, shared: true });
  };

  return {
    async acquire(origin, family, { signal, deadline } = {}) {
      const w = windowOf(`${origin} ${family}`);
      for (;;) {
        if (signal?.aborted) throw signal.reason as Error;
        const now = Date.now();
        if (w.known && now >= w.resetAt) {
          // A new window. Alone on the budget last window: it is whole again, send at once and learn its
          // reset from the first answer. Shared: send one request alone and learn what the others left.
          if (w.shared) w.known = false;
          else Object.assign(w, { remaining: w.limit, resetAt: Infinity });
          Object.assign(w, { shared: false, refused: false });
        }
        let wait: number | undefined;
        if (!w.known) {
          if (w.inFlight === 0) break; // the one request that learns the window
        } else if (w.remaining > 0) {
          w.remaining -= 1;
          break;
        } else if (w.resetAt !== Infinity) {
          wait = w.resetAt - now;
          // After a 429 the window is Okta's to refuse, and past the deadline the attempt cannot wait:
          // fail it now, without calling Okta, and let Temporal retry it at the reset, as after a 429.
          if (w.refused || (deadline !== undefined && now + wait > deadline)) {
            // The same delay as after a 429: the reset, plus one second (rateLimitRetryDelayMs).
            const delay = wait - PACING_MARGIN_MS + RATE_LIMIT_MARGIN_MS;
            throw oktaFailure(
              OktaErrorType.OktaRateLimited,
              `Okta's rate limit for ${family} on ${origin} is spent until its window resets; ` +
                `${retryingIn(delay)}.`,
              { nextRetryDelay: delay },
            );
          }
        }
        // Wait for the reset, or for an answer that tells more (the window's reset, a 429).
        await sleep(wait ?? 60_000, w.waiters, signal);
      }
      w.inFlight += 1;
      let released = false;
      return (response) => {
        if (released) return;
        released = true;
        w.inFlight -= 1;
        if (response) learn(w, response, Date.now());
        for (const wake of [...w.waiters]) wake();
      };
    },
  };
}
