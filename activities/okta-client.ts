import type { ApplicationFailure } from '@temporalio/common';
import { OktaErrorType } from '../common/errors.js';
import { oktaFailure } from './failures.js';
import { rateLimitFamily, type RateLimitPacer } from './rate-limit-pacer.js';

/**
 * Sends requests with a session's credentials. Implemented by the session layer on top of the token
 * cache and openid-client, so that Bearer, DPoP (a fresh proof per request) and SSWS look the same here.
 */
export interface OktaAuthorizer {
  /** Sends one request to the org with the session's current credentials. */
  send(
    url: URL,
    init: { method: string; headers: Headers; body?: string; signal: AbortSignal },
  ): Promise<Response>;
  /**
   * Forgets the current token after Okta called it invalid; the next `send` uses a fresh one. Returns
   * true when the refused token was still the one in use (Okta really refused it), false when another
   * call had already replaced it or a Disconnect had dropped it meanwhile.
   */
  invalidate(): boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OktaRequest {
  method: HttpMethod;
  /** A Management API path such as `/api/v1/users/00u1`, or an absolute URL on the org (a `next` link). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Statuses other than 2xx that the caller handles itself (for example 404 on an idempotent delete). */
  accept?: readonly number[];
}

export interface OktaResponse<T> {
  status: number;
  body: T;
  headers: Headers;
  /** The absolute `rel="next"` link, when Okta has more pages. */
  next?: string;
}

/** Okta's error body (`Error` in the Management API spec). */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
  errorCauses?: { errorSummary?: string }[];
}

export interface OktaClientOptions {
  /** The org domain, e.g. `companyabc.okta.com`. Requests never leave this origin. */
  domain: string;
  authorizer: OktaAuthorizer;
  /**
   * How long one HTTP request may take. Keep it below the activity's start-to-close timeout, so a hung
   * connection fails the attempt with a retryable error instead of timing the whole activity out.
   */
  requestTimeoutMs?: number;
  /** The activity's cancellation signal: cancelling the activity aborts the request in flight. */
  signal?: AbortSignal;
  /**
   * The worker process's pacer: requests of a family whose budget is spent wait for its reset instead of
   * drawing 429s. Without one, every request goes at once.
   */
  pacer?: RateLimitPacer;
  /**
   * When the last request may start (epoch ms), e.g. the activity's start-to-close deadline less the
   * request timeout: a pacing hold that would end later fails the attempt with `OktaRateLimited` instead.
   */
  deadline?: number;
}

/** Added to the rate-limit reset time so the retry lands just after the window, not on its edge. */
export const RATE_LIMIT_MARGIN_MS = 1_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The most invalid-token retries of one request: one for a refused token, the rest for replaced ones. */
const MAX_TOKEN_RETRIES = 3;

/**
 * A thin Management API client: one request at a time, Okta's errors mapped to typed failures, one
 * token refresh and retry on an invalid-token 401, rate limits turned into `nextRetryDelay`.
 */
export class OktaClient {
  readonly origin: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: OktaClientOptions) {
    this.origin = `https://${options.domain}`;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  async request<T>(req: OktaRequest): Promise<OktaResponse<T>> {
    const url = this.url(req);
    let response = await this.send(url, req);
    // An invalid-token 401: the token expired or was revoked early. One fresh token, one retry (docs/ARCHITECTURE.md
    // §3). A token that was already replaced, or dropped by a Disconnect on this worker while the
    // request was in flight, was not refused on its own account: that retry does not count, up to a bound.
    let refused = 0;
    for (let retry = 0; retry < MAX_TOKEN_RETRIES && response.status === 401; retry++) {
      if (!(await isInvalidToken(response))) break;
      if (this.options.authorizer.invalidate() && ++refused > 1) break;
      await response.body?.cancel(); // release the connection of the refused answer
      response = await this.send(url, req);
    }
    const body = await readBody(response);
    if (!response.ok && !(req.accept ?? []).includes(response.status)) {
      throw mapOktaError(response, body as OktaErrorBody | undefined, `${req.method} ${url.pathname}`);
    }
    return {
      status: response.status,
      body: body as T,
      headers: response.headers,
      next: nextLink(response, this.origin),
    };
  }

  private url(req: OktaRequest): URL {
    const url = new URL(req.path, this.origin);
    if (url.origin !== this.origin) {
      // A `next` link pointing elsewhere would send the session's token to another host.
      throw oktaFailure(
        OktaErrorType.OktaInvalidInput,
        `Refusing to send a request for ${this.origin} to ${url.origin}.`,
      );
    }
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async send(url: URL, req: OktaRequest): Promise<Response> {
    const headers = new Headers({ Accept: 'application/json' });
    let body: string | undefined;
    if (req.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(req.body);
    }
    const release = await this.options.pacer?.acquire(this.origin, rateLimitFamily(url.pathname), {
      signal: this.options.signal,
      deadline: this.options.deadline,
    });
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    try {
      const response = await this.options.authorizer.send(url, { method: req.method, headers, body, signal });
      release?.(response);
      return response;
    } catch (err) {
      release?.();
      if (this.options.signal?.aborted) throw this.options.signal.reason ?? err;
      if (timeout.aborted) {
        throw oktaFailure(
          OktaErrorType.OktaUnavailable,
          `${req.method} ${url.pathname} on ${url.host} got no answer within ${this.timeoutMs} ms.`,
          { cause: err as Error },
        );
      }
      if (isTemporalFailure(err)) throw err;
      throw oktaFailure(
        OktaErrorType.OktaUnavailable,
        `Could not reach ${url.host} for ${req.method} ${url.pathname}: ${describeNetworkError(err)}.`,
        { cause: err as Error },
      );
    }
  }
}

function isTemporalFailure(err: unknown): err is ApplicationFailure {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ApplicationFailure';
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function isInvalidToken(response: Response): Promise<boolean> {
  const challenge = response.headers.get('www-authenticate') ?? '';
  if (/invalid_token/i.test(challenge)) return true;
  const body = (await readBody(response.clone())) as OktaErrorBody | undefined;
  return body?.errorCode === 'E0000011';
}

/** Parses an RFC 8288 `Link` header into `rel` -> URL. */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    const rel = m && /rel="?([^";]+)"?/.exec(m[2]!);
    if (m && rel) for (const r of rel[1]!.split(/\s+/)) links[r] = m[1]!;
  }
  return links;
}

function nextLink(response: Response, origin: string): string | undefined {
  const next = parseLinkHeader(response.headers.get('link')).next;
  return next && new URL(next, origin).href;
}

/**
 * How long until Okta's rate-limit window resets: `X-Rate-Limit-Reset` (epoch seconds) measured against the
 * response's own `Date`, so that a skewed worker clock does not matter, plus a small margin. `undefined`
 * when the header is missing or unusable.
 */
export function rateLimitResetDelayMs(headers: Headers, now: number = Date.now()): number | undefined {
  const reset = Number(headers.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const date = Date.parse(headers.get('date') ?? '');
  const serverNow = Number.isFinite(date) ? date : now;
  return Math.max(0, reset * 1000 - serverNow) + RATE_LIMIT_MARGIN_MS;
}

/** How long to wait before retrying a 429: {@link rateLimitResetDelayMs}, or one window without the header. */
export function rateLimitRetryDelayMs(headers: Headers, now: number = Date.now()): number {
  return rateLimitResetDelayMs(headers, now) ?? 60_000; // Okta's windows are one minute long
}

function causes(body: OktaErrorBody | undefined): string[] {
  return (body?.errorCauses ?? []).map((c) => c.errorSummary ?? '').filter(Boolean);
}

function describe(body: OktaErrorBody | undefined, status: number): string {
  const summary = body?.errorSummary ?? `HTTP ${status}`;
  const list = causes(body);
  const code = body?.errorCode
    ? ` (${body.errorCode}${body.errorId ? `, errorId ${body.errorId}` : ''})`
    : '';
  return `${summary}${list.length ? `: ${list.join('; ')}` : ''}${code}`;
}

/**
 * Maps an Okta error response to the package's typed failure, in one place. The table in the README
 * ("Okta errors") documents it; keep both in step.
 */
export function mapOktaError(
  response: Response,
  body: OktaErrorBody | undefined,
  operation: string,
): ApplicationFailure {
  const status = response.status;
  const text = describe(body, status);
  const details = body?.errorCode
    ? [{ status, errorCode: body.errorCode, errorCauses: causes(body) }]
    : [{ status }];
  const fail = (type: OktaErrorType, message: string, extra: { nextRetryDelay?: number } = {}) =>
    oktaFailure(type, `${operation}: ${message}`, { details, ...extra });

  if (status === 429) {
    const delay = rateLimitRetryDelayMs(response.headers);
    return fail(
      OktaErrorType.OktaRateLimited,
      `rate limited by Okta; retrying in ${Math.ceil(delay / 1000)} s. ${text}`,
      {
        nextRetryDelay: delay,
      },
    );
  }
  if (status >= 500) return fail(OktaErrorType.OktaUnavailable, `Okta answered ${status}. ${text}`);
  if (status === 401) {
    return fail(
      OktaErrorType.OktaInvalidToken,
      `Okta refused the session's token even after a fresh one was obtained. ${text}. ` +
        'Check that the Okta app is active and whether it requires DPoP.',
    );
  }
  // Okta answers some state conflicts with 403 (E0000016, E0000038): check them before permissions.
  if (isConflict(body)) return fail(OktaErrorType.OktaConflict, text);
  const missingScope = status === 403 ? insufficientScope(response.headers) : undefined;
  if (missingScope !== undefined) {
    return oktaFailure(
      OktaErrorType.OktaMissingScopes,
      `${operation}: the session's token lacks the scope ${missingScope || 'this operation needs'}. ${text}. ` +
        'Grant it on the Okta app\'s "Okta API Scopes" tab and add it to the connection\'s "scopes", then connect again.',
      {
        details: [{ status, errorCode: body?.errorCode, missingScopes: missingScope ? [missingScope] : [] }],
      },
    );
  }
  if (status === 403) {
    return fail(
      OktaErrorType.OktaForbidden,
      `${text}. The token lacks a scope this operation needs, or the Okta app has no admin role allowing it ` +
        '(Admin Console: the app\'s "Okta API Scopes" and "Admin roles" tabs).',
    );
  }
  if (status === 404) return fail(OktaErrorType.OktaNotFound, text);
  if (status === 409) return fail(OktaErrorType.OktaConflict, text);
  if (status === 400 || status === 422) return fail(OktaErrorType.OktaValidationFailed, text);
  return fail(OktaErrorType.OktaValidationFailed, `unexpected HTTP ${status}. ${text}`);
}

/**
 * The scope an `insufficient_scope` challenge names (`WWW-Authenticate: Bearer ..., scope="okta.apps.read",
 * error="insufficient_scope"`, as Okta sends with a 403 E0000006 for a token without the operation's
 * scope): the scope, `''` when the challenge names none, undefined without such a challenge.
 */
function insufficientScope(headers: Headers): string | undefined {
  const challenge = headers.get('www-authenticate') ?? '';
  if (!/error="?insufficient_scope/i.test(challenge)) return undefined;
  return /(?:^|[\s,])scope="([^"]*)"/i.exec(challenge)?.[1]?.trim() ?? '';
}

/**
 * Okta codes for "the org's state does not allow this": existing login, wrong lifecycle state, a role
 * already assigned (E0000090).
 */
const CONFLICT_CODES = new Set(['E0000016', 'E0000038', 'E0000084', 'E0000090', 'E0000112']);

function isConflict(body: OktaErrorBody | undefined): boolean {
  if (!body?.errorCode) return false;
  if (CONFLICT_CODES.has(body.errorCode)) return true;
  return body.errorCode === 'E0000001' && causes(body).some((c) => /already exists/i.test(c));
}
