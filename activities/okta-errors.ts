import type { ApplicationFailure } from '@temporalio/common';
import * as oidc from 'openid-client';
import { OktaErrorType } from '../common/errors.js';
import type { Connection } from './connections.js';
import { oktaFailure } from './failures.js';
import { StoreOperationError } from './refresh-token-access.js';
import { RefreshTokenStoreError } from './refresh-token-store.js';

/**
 * Okta's errors as our error types, in one place (docs/ARCHITECTURE.md §5): the rate-limit rule, the
 * Management API's answers ({@link mapOktaError}), Connect's probe ({@link probeFailure}), and the
 * errors of discovery, the OAuth endpoints, protected requests, the network and the refresh-token store
 * ({@link toOktaFailure}). Every message says what was wrong and how to fix it, names the connection or
 * the request, and never holds a secret.
 */

/** Where an error happened: it decides which error type fits an otherwise ambiguous failure. */
export type OAuthStep = 'discovery' | 'token' | 'refresh' | 'authorization' | 'api';

/** Okta's error body (`Error` in the Management API spec). */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
  errorCauses?: { errorSummary?: string }[];
}

// The rate-limit rule: every 429 (Management API, OAuth endpoints, Connect's probe) and every pacing
// hold that gives up is retried after the delay computed here (docs/ARCHITECTURE.md §5).

/** Added to the rate-limit reset time so the retry lands just after the window, not on its edge. */
export const RATE_LIMIT_MARGIN_MS = 1_000;
/** Okta's rate-limit windows are one minute long: the wait when a 429 says nothing of its reset. */
const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Milliseconds until Okta's rate-limit window resets: `X-Rate-Limit-Reset` (epoch seconds) less the
 * response's own `Date`, so that a skewed worker clock does not matter (the worker's clock only when the
 * response has no `Date`); never negative. `undefined` when the reset header is missing or unusable.
 */
export function untilRateLimitReset(headers: Headers, now: number = Date.now()): number | undefined {
  const raw = headers.get('x-rate-limit-reset');
  const reset = raw === null || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const date = Date.parse(headers.get('date') ?? '');
  return Math.max(0, reset * 1000 - (Number.isFinite(date) ? date : now));
}

/**
 * {@link untilRateLimitReset} plus {@link RATE_LIMIT_MARGIN_MS} (one second), so the retry lands in the
 * next window; `undefined` when the reset header is missing or unusable.
 */
export function rateLimitResetDelayMs(headers: Headers, now: number = Date.now()): number | undefined {
  const until = untilRateLimitReset(headers, now);
  return until === undefined ? undefined : until + RATE_LIMIT_MARGIN_MS;
}

/**
 * How long to wait before retrying a 429, the one rule for every path: the window's reset
 * (`X-Rate-Limit-Reset`) less the response's `Date`, plus one second ({@link rateLimitResetDelayMs});
 * else a `Retry-After` header (seconds or an HTTP date, at least one second); else one window, a minute.
 *
 * @example
 * // Date: Tue, 01 Dec 2026 10:00:00 GMT, X-Rate-Limit-Reset: 1796119203 (10:00:03)
 * rateLimitRetryDelayMs(response.headers); // 4000
 */
export function rateLimitRetryDelayMs(headers: Headers, now: number = Date.now()): number {
  const reset = rateLimitResetDelayMs(headers, now);
  if (reset !== undefined) return reset;
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return Math.max(1000, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(1000, date - now);
  }
  return RATE_LIMIT_WINDOW_MS;
}

/** @deprecated The same as {@link rateLimitRetryDelayMs}, the one rule for rate-limit retry delays. */
export const retryDelayFromHeaders = rateLimitRetryDelayMs;

/** What a rate-limit failure's message says about the retry. */
export function retryingIn(delay: number): string {
  return `retrying in ${Math.ceil(delay / 1000)} s`;
}

// The Management API's answers.

function causes(body: OktaErrorBody | undefined): string[] {
  return (body?.errorCauses ?? []).map((c) => c.errorSummary ?? '').filter(Boolean);
}

function describeBody(body: OktaErrorBody | undefined, status: number): string {
  const summary = body?.errorSummary ?? `HTTP ${status}`;
  const list = causes(body);
  const code = body?.errorCode
    ? ` (${body.errorCode}${body.errorId ? `, errorId ${body.errorId}` : ''})`
    : '';
  return `${summary}${list.length ? `: ${list.join('; ')}` : ''}${code}`;
}

/**
 * Maps an error answer of the Management API to the package's typed failure. The README's "Error types"
 * (how Okta's answers map) documents it; keep both in step.
 */
export function mapOktaError(
  response: Response,
  body: OktaErrorBody | undefined,
  operation: string,
): ApplicationFailure {
  const status = response.status;
  const text = describeBody(body, status);
  const details = body?.errorCode
    ? [{ status, errorCode: body.errorCode, errorCauses: causes(body) }]
    : [{ status }];
  const fail = (type: OktaErrorType, message: string, extra: { nextRetryDelay?: number } = {}) =>
    oktaFailure(type, `${operation}: ${message}`, { details, ...extra });

  if (status === 429) {
    const delay = rateLimitRetryDelayMs(response.headers);
    return fail(OktaErrorType.OktaRateLimited, `rate limited by Okta; ${retryingIn(delay)}. ${text}`, {
      nextRetryDelay: delay,
    });
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
 * A Management API request that got no answer: OktaUnavailable, retried, saying whether it timed out
 * (`timeoutMs`) or could not reach the org. A failure already mapped (by the session's authorizer) is
 * kept as it is.
 */
export function unansweredFailure(
  err: unknown,
  request: string,
  host: string,
  timeoutMs: number | undefined,
): ApplicationFailure {
  if (timeoutMs !== undefined) {
    return oktaFailure(
      OktaErrorType.OktaUnavailable,
      `${request} on ${host} got no answer within ${timeoutMs} ms.`,
      { cause: err instanceof Error ? safeCause(err) : undefined },
    );
  }
  if (isApplicationFailure(err)) return err;
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
  return oktaFailure(OktaErrorType.OktaUnavailable, `Could not reach ${host} for ${request}: ${reason}.`, {
    cause: err instanceof Error ? safeCause(err) : undefined,
  });
}

function isApplicationFailure(err: unknown): err is ApplicationFailure {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ApplicationFailure';
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

// Connect's probe.

/**
 * Connect's probe (one authenticated call, docs/ARCHITECTURE.md §2) was refused: a 403 most often means
 * the Okta app has no admin role, a 401 that Okta refuses even a fresh token; a 429 is retried at the
 * reset and any other answer as OktaUnavailable.
 */
export function probeFailure(
  connection: Connection,
  request: string,
  response: Response,
  body: OktaErrorBody | undefined,
): ApplicationFailure {
  const okta = body?.errorCode ? ` Okta said: ${body.errorSummary} (${body.errorCode}).` : '';
  if (response.status === 403) {
    return oktaFailure(
      OktaErrorType.OktaForbidden,
      `The token of connection "${connection.name}" is valid but may not read users in ${connection.domain}.${okta} ` +
        'This usually means the Okta app has no admin role: in the Admin Console open the app, tab "Admin roles", ' +
        'and assign a role that can manage users and groups (for example Group Administrator or Super Administrator).',
    );
  }
  if (response.status === 401) {
    return oktaFailure(
      OktaErrorType.OktaInvalidToken,
      `${connection.domain} refused the fresh token of connection "${connection.name}".${okta} ` +
        'Check that the Okta app is active and whether it requires DPoP ("dpop": true on the connection).',
    );
  }
  const answered = `${request} on ${connection.domain} answered ${response.status}`;
  if (response.status === 429) {
    const delay = rateLimitRetryDelayMs(response.headers);
    return oktaFailure(OktaErrorType.OktaRateLimited, `${answered}; ${retryingIn(delay)}.${okta}`, {
      nextRetryDelay: delay,
    });
  }
  return oktaFailure(OktaErrorType.OktaUnavailable, `${answered}.${okta}`);
}

// Discovery, the OAuth endpoints, protected requests, the network and the refresh-token store.

/**
 * Maps any error from discovery, token requests, the refresh-token store or API transport to an
 * `ApplicationFailure` with a stable {@link OktaErrorType} and a message saying what to fix. Messages name
 * the connection and domain; they never contain tokens, secrets or keys. The README's "Error types"
 * documents the mapping; keep both in step.
 */
export function toOktaFailure(err: unknown, connection: Connection, step: OAuthStep): ApplicationFailure {
  if (isApplicationFailure(err)) return err;
  if (err instanceof StoreOperationError) return storeFailure(err, connection, step);
  if (err instanceof RefreshTokenStoreError) {
    return oktaFailure(
      OktaErrorType.OktaConnectionMisconfigured,
      `For ${whoOf(connection)}, ${err.message}.`,
    );
  }
  if (isIssuerMismatch(err)) return issuerMismatch(err as oidc.ClientError, connection);
  const failure = oauthFailureOf(err, connection, step);
  for (const mapCase of OAUTH_CASES) {
    const mapped = mapCase(failure);
    if (mapped) return mapped;
  }
  return misconfigured(failure);
}

/** What the cases of {@link toOktaFailure} know of a failure: where it happened and what Okta said. */
interface OAuthFailure {
  readonly err: unknown;
  readonly connection: Connection;
  readonly step: OAuthStep;
  /** `connection "name" (domain)`, for messages. */
  readonly who: string;
  /** The Okta app, by client id when there is one, for messages. */
  readonly app: string;
  /** A copy of the error that is safe to attach ({@link safeCause}). */
  readonly cause: Error | undefined;
  /** The OAuth error code (`invalid_client`, …) of a response body or a `WWW-Authenticate` challenge. */
  readonly error: string | undefined;
  readonly description: string | undefined;
  readonly response: Response | undefined;
  readonly status: number | undefined;
}

/** One case: the failure when the case applies, else undefined. Tried in order. */
type OAuthCase = (f: OAuthFailure) => ApplicationFailure | undefined;

function whoOf(connection: Connection): string {
  return `connection "${connection.name}" (${connection.domain})`;
}

function oauthFailureOf(err: unknown, connection: Connection, step: OAuthStep): OAuthFailure {
  let error: string | undefined;
  let description: string | undefined;
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    error = err.error;
    description = err.error_description;
  } else if (err instanceof oidc.WWWAuthenticateChallengeError) {
    const challenge = err.cause[0]?.parameters;
    error = challenge?.error;
    description = challenge?.error_description;
  }
  const response = responseOf(err);
  const clientId = connection.type === 'oauth2' ? connection.clientId : undefined;
  return {
    err,
    connection,
    step,
    who: whoOf(connection),
    app: clientId ? `the Okta app with client id ${clientId}` : 'the Okta app',
    cause: err instanceof Error ? safeCause(err) : undefined,
    error,
    description,
    response,
    status: response?.status ?? (err instanceof oidc.ResponseBodyError ? err.status : undefined),
  };
}

function fail(f: OAuthFailure, type: OktaErrorType, message: string): ApplicationFailure {
  return oktaFailure(type, message, { cause: f.cause });
}

/** Okta error descriptions are safe to show; keep them short and on one line. */
function said(text: string | undefined): string {
  if (!text) return '';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return ` Okta said: "${oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine}".`;
}

function issuerMismatch(err: oidc.ClientError, connection: Connection): ApplicationFailure {
  const found = (err.cause as { body?: { issuer?: unknown } } | undefined)?.body?.issuer;
  return oktaFailure(
    OktaErrorType.OktaIssuerMismatch,
    `The authorization server at ${connection.domain} reports issuer ${JSON.stringify(found)} instead of ` +
      `"https://${connection.domain}" for ${whoOf(connection)}. Use the org's own domain (the org ` +
      `authorization server), not an alias or a custom authorization server.`,
  );
}

const rateLimited: OAuthCase = (f) => {
  if (f.status !== 429) return undefined;
  const delay = rateLimitRetryDelayMs(f.response?.headers ?? new Headers());
  return oktaFailure(
    OktaErrorType.OktaRateLimited,
    `${f.connection.domain} rate-limited the ${f.step} request of ${f.who}; ${retryingIn(delay)}.`,
    { cause: f.cause, nextRetryDelay: delay },
  );
};

/** What to check after `invalid_client`, by the connection's client authentication and grant. */
function clientAuthenticationHint(connection: Connection): string {
  const oauth = connection.type === 'oauth2' ? connection : undefined;
  if (oauth?.clientAuth.method === 'private_key_jwt') {
    return ' Check that the app\'s public key matches the configured private key (and "kid"), and that the app uses "Public key / Private key" client authentication.';
  }
  if (oauth?.grant.type === 'client_credentials') {
    return ' Note: for okta.* scopes with client credentials, Okta accepts only private_key_jwt.';
  }
  return " Check the client id and the client secret, and the app's client authentication method.";
}

/** Okta rejected the access token: `invalid_token`, or a 401 from the API. */
const rejectedToken = (f: OAuthFailure, status = '') =>
  fail(
    f,
    OktaErrorType.OktaInvalidToken,
    `Okta rejected the access token of ${f.who}${status}.${said(f.description)}`,
  );

/** Okta rejected the client authentication: `invalid_client`, or a 401 from an OAuth endpoint. */
const rejectedClient = (f: OAuthFailure, status = '', hint = '') =>
  fail(
    f,
    OktaErrorType.OktaInvalidClient,
    `Okta rejected the client authentication of ${f.who}${status}.${said(f.description)}${hint}`,
  );

const unavailableNow = (f: OAuthFailure) =>
  fail(
    f,
    OktaErrorType.OktaUnavailable,
    `Okta is temporarily unavailable for ${f.who}.${said(f.description)}`,
  );

/** The OAuth error codes (RFC 6749, 6750, 9449) of token responses and `WWW-Authenticate` challenges. */
const OAUTH_ERRORS = new Map<string, (f: OAuthFailure) => ApplicationFailure>([
  ['invalid_client', (f) => rejectedClient(f, '', clientAuthenticationHint(f.connection))],
  [
    'unauthorized_client',
    (f) =>
      fail(
        f,
        OktaErrorType.OktaInvalidClient,
        `${f.app} is not allowed to use this grant for ${f.who}.${said(f.description)} Enable the grant ` +
          `type in the app's General Settings.`,
      ),
  ],
  [
    'invalid_scope',
    (f) =>
      fail(
        f,
        OktaErrorType.OktaMissingScopes,
        `Okta refused the requested scopes (${f.connection.type === 'oauth2' ? f.connection.scopes.join(' ') : ''}) ` +
          `for ${f.who}.${said(f.description)} Grant them on the "Okta API Scopes" tab of ${f.app}.`,
      ),
  ],
  [
    'invalid_grant',
    (f) =>
      fail(
        f,
        OktaErrorType.OktaAuthorizationRequired,
        f.step === 'authorization'
          ? `The authorization code for ${f.who} was rejected (expired, already used, or the PKCE verifier ` +
              `or redirect URI does not match).${said(f.description)} Run the authorization again.`
          : `The stored refresh token of ${f.who} is no longer valid (expired, revoked, or rotated by ` +
              `another process).${said(f.description)} Run "temporal-okta connections authorize ` +
              `${f.connection.name}" again.`,
      ),
  ],
  [
    'access_denied',
    (f) =>
      fail(
        f,
        OktaErrorType.OktaForbidden,
        `Access was denied for ${f.who}.${said(f.description)} Check that the signed-in admin is assigned ` +
          `to ${f.app} and consented to its scopes.`,
      ),
  ],
  [
    'use_dpop_nonce',
    (f) =>
      fail(f, OktaErrorType.OktaUnavailable, `Okta kept asking ${f.who} for a new DPoP nonce; will retry.`),
  ],
  [
    'invalid_dpop_proof',
    (f) =>
      fail(
        f,
        OktaErrorType.OktaConnectionMisconfigured,
        `Okta rejected the DPoP proof of ${f.who}.${said(f.description)} If ${f.app} requires DPoP, set ` +
          `"dpop": true on the connection; otherwise turn DPoP off on the app or set "dpop": false.`,
      ),
  ],
  ['invalid_token', (f) => rejectedToken(f)],
  [
    'insufficient_scope',
    (f) =>
      fail(
        f,
        OktaErrorType.OktaMissingScopes,
        `The token of ${f.who} lacks a scope this call needs.${said(f.description)} Grant it on the "Okta ` +
          `API Scopes" tab of ${f.app}.`,
      ),
  ],
  ['temporarily_unavailable', unavailableNow],
  ['server_error', unavailableNow],
]);

const oauthError: OAuthCase = (f) => (f.error === undefined ? undefined : OAUTH_ERRORS.get(f.error)?.(f));

const serverError: OAuthCase = (f) =>
  f.status !== undefined && f.status >= 500
    ? fail(
        f,
        OktaErrorType.OktaUnavailable,
        `${f.connection.domain} answered HTTP ${f.status} to the ${f.step} request of ${f.who}.`,
      )
    : undefined;

const networkFailure: OAuthCase = (f) => {
  const code = networkCode(f.err);
  const domain = f.connection.domain;
  if (code === undefined) return undefined;
  if (code === 'ENOTFOUND') {
    return fail(
      f,
      f.step === 'discovery' ? OktaErrorType.OktaDiscoveryFailed : OktaErrorType.OktaUnavailable,
      `${domain} does not resolve (DNS: no such host) for ${f.who}. Check the domain's spelling.`,
    );
  }
  if (/CERT|SELF_SIGNED|TLS|SSL|ERR_TLS/.test(code)) {
    return fail(
      f,
      OktaErrorType.OktaConnectionMisconfigured,
      `The TLS certificate of ${domain} is not trusted for ${f.who} (${code}). For the local emulator set ` +
        `"development.caFile" on the connection; otherwise check proxies that intercept TLS.`,
    );
  }
  if (code.startsWith('E') || code.startsWith('UND_ERR')) {
    return fail(f, OktaErrorType.OktaUnavailable, `Could not reach ${domain} for ${f.who} (${code}).`);
  }
  return undefined;
};

const timedOut: OAuthCase = (f) =>
  isTimeout(f.err)
    ? fail(
        f,
        OktaErrorType.OktaUnavailable,
        `The ${f.step} request of ${f.who} to ${f.connection.domain} timed out.`,
      )
    : undefined;

const discoveryFailed: OAuthCase = (f) =>
  f.step === 'discovery'
    ? fail(
        f,
        OktaErrorType.OktaDiscoveryFailed,
        `Could not read the org authorization server metadata of ${f.connection.domain} for ${f.who}` +
          `${f.status ? ` (HTTP ${f.status})` : ''}: neither /.well-known/oauth-authorization-server nor ` +
          `/.well-known/openid-configuration is valid metadata. Check that the domain is an Okta org.`,
      )
    : undefined;

const refused: OAuthCase = (f) => {
  if (f.status === 401) {
    return f.step === 'api' ? rejectedToken(f, ' (HTTP 401)') : rejectedClient(f, ' (HTTP 401)');
  }
  if (f.status === 403) {
    return fail(
      f,
      OktaErrorType.OktaForbidden,
      `Okta refused the ${f.step} request of ${f.who} (HTTP 403).${said(f.description)}`,
    );
  }
  return undefined;
};

/** What no case took: most likely the connection does not match the Okta app. */
function misconfigured(f: OAuthFailure): ApplicationFailure {
  const what = f.error ? ` with ${f.error}` : f.status ? ` with HTTP ${f.status}` : '';
  const text = f.description ?? (f.err instanceof Error ? f.err.message : undefined);
  return fail(
    f,
    OktaErrorType.OktaConnectionMisconfigured,
    `The ${f.step} request of ${f.who} failed${what}.${said(text)} Check the connection's configuration ` +
      `against ${f.app}.`,
  );
}

const OAUTH_CASES: readonly OAuthCase[] = [
  rateLimited,
  oauthError,
  serverError,
  networkFailure,
  timedOut,
  discoveryFailed,
  refused,
];

export function isIssuerMismatch(err: unknown): boolean {
  return err instanceof oidc.ClientError && err.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';
}

/** The resource server's 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` (RFC 9449 section 9). */
export function isUseDpopNonceChallenge(err: oidc.WWWAuthenticateChallengeError): boolean {
  return err.cause.some((c) => c.scheme === 'dpop' && c.parameters.error === 'use_dpop_nonce');
}

const TRANSIENT_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Whether trying again may help: a 429, a 5xx, a transient network error or a timeout. */
export function isTransient(err: unknown): boolean {
  const status = responseOf(err)?.status;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const code = networkCode(err);
  if (code !== undefined && TRANSIENT_NETWORK.has(code)) return true;
  return isTimeout(err);
}

function isTimeout(err: unknown): boolean {
  return err instanceof oidc.ClientError && (err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT');
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('OAUTH_')) return code;
  }
  return undefined;
}

function responseOf(err: unknown): Response | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (e instanceof Response) return e;
    const response = (e as { response?: unknown }).response;
    if (response instanceof Response) return response;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A failed refresh-token store operation as a failure: OktaConnectionMisconfigured when the store needs
 * fixing first (its key, an unreadable file), else the retryable OktaRefreshTokenStoreFailed. Messages
 * name the store; a foreign store error is shown by name and code only, as its message may quote a token.
 */
function storeFailure(err: StoreOperationError, connection: Connection, step: OAuthStep): ApplicationFailure {
  const who = whoOf(connection);
  const cause = err.cause;
  const ours = cause instanceof RefreshTokenStoreError;
  if (ours && !cause.retryable) {
    return oktaFailure(OktaErrorType.OktaConnectionMisconfigured, `For ${who}, ${cause.message}.`);
  }
  const code = (cause as { code?: unknown } | undefined)?.code;
  const name = cause instanceof Error ? cause.name : typeof cause;
  const reason = typeof code === 'string' ? code : ours ? cause.message : name;
  const safe = ours
    ? safeCause(cause)
    : Object.assign(new Error(`${name} from the refresh-token store`), {
        name,
        ...(typeof code === 'string' ? { code } : {}),
      });
  const store = err.location ? `the refresh-token store ${err.location}` : 'its refresh-token store';
  const reauthorize = `"temporal-okta connections authorize ${connection.name}"`;
  if (err.keptInMemory) {
    return oktaFailure(
      OktaErrorType.OktaRefreshTokenStoreFailed,
      `Okta rotated the refresh token of ${who}, but the new one could not be written to ${store} ` +
        `(${reason}). This worker keeps it in memory and writes it before its next refresh: fix the store ` +
        `before the worker restarts, or run ${reauthorize} again afterwards.`,
      { cause: safe },
    );
  }
  if (err.operation === 'lock' && ours) {
    // The file store's own words: which lock, held for how long, and when it is taken over.
    return oktaFailure(OktaErrorType.OktaRefreshTokenStoreFailed, `For ${who}, ${cause.message}.`, {
      cause: safe,
    });
  }
  return oktaFailure(
    OktaErrorType.OktaRefreshTokenStoreFailed,
    `Could not ${err.operation} ${store} of ${who} (${reason}).` +
      (step === 'authorization'
        ? ` The authorization was not saved: fix the store, then run ${reauthorize} again.`
        : ' Will retry; check the store if this persists.'),
    { cause: safe },
  );
}

/**
 * A cause safe to attach to a failure: name, message and code only (openid-client errors hold the HTTP
 * response and request options, which may include credentials).
 */
function safeCause(err: Error): Error {
  const copy = new Error(err.message.length > 300 ? `${err.message.slice(0, 300)}…` : err.message);
  copy.name = err.name;
  const code = (err as { code?: unknown }).code ?? networkCode(err);
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  return copy;
}
