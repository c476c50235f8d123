import { OktaErrorType } from '../common/errors.js';
import { oktaFailure } from './failures.js';
import { mapOktaError, unansweredFailure, type OktaErrorBody } from './okta-errors.js';
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
      throw unansweredFailure(
        err,
        `${req.method} ${url.pathname}`,
        url.host,
        timeout.aborted ? this.timeoutMs : undefined,
      );
    }
  }
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
