import { AsyncLocalStorage } from 'node:async_hooks';
import * as oidc from 'openid-client';
import { OktaErrorType } from '../common/errors.js';
import { Secret, type Connection, type OAuthConnection } from './connections.js';
import { oktaFailure } from './failures.js';
import { isIssuerMismatch, isTransient, isUseDpopNonceChallenge, toOktaFailure } from './okta-errors.js';
import { StoreOperationError } from './refresh-token-access.js';
import { RefreshTokenStoreError, type RefreshTokenStore } from './refresh-token-store.js';
import { createFetch, type Fetch } from './transport.js';

/**
 * Token acquisition for a connection with the real `openid-client` (docs/ARCHITECTURE.md §2 to 4): discovery of
 * the org authorization server, client credentials with `private_key_jwt` or a client secret, the
 * refresh-token grant with rotation, the one-time authorization-code flow, DPoP, and SSWS API tokens.
 * Every failure is an `ApplicationFailure` with a stable type, made by {@link toOktaFailure}.
 */

/** An access token ready for API calls. It stays in the worker process: never return or log it. */
export interface Token {
  /** The access token (or SSWS API token). Not enumerable: `JSON.stringify` and `util.inspect` skip it. */
  readonly accessToken: string;
  readonly tokenType: 'Bearer' | 'DPoP' | 'SSWS';
  /** The org domain the token was issued for: it is only ever sent to `https://{domain}`. */
  readonly domain: string;
  /** Epoch milliseconds after which the token is no longer valid; `undefined` for an SSWS token. */
  readonly expiresAt: number | undefined;
  /** The granted scopes (empty for SSWS, which has no scopes). */
  readonly scopes: readonly string[];
  /**
   * The DPoP handle the token was obtained with, when it is DPoP-bound (not enumerable). API calls use
   * its twin for the Management API: the same key, apart from the token endpoint's nonces.
   */
  readonly dpop?: oidc.DPoPHandle;
}

interface ConnectionState {
  fetch: Fetch;
  configuration?: Promise<oidc.Configuration>;
  dpopKeys?: Promise<oidc.CryptoKeyPair>;
  dpopHandle?: oidc.DPoPHandle;
  /** A rotated refresh token the store refused: the next refresh writes it first, then uses it. */
  unstored?: UnstoredRefreshToken;
  /** Tail of the per-connection refresh queue: refreshes run one at a time within a process. */
  refreshQueue: Promise<unknown>;
}

interface UnstoredRefreshToken {
  /** The token it replaces, which the store still holds. */
  readonly replaced: Secret<string>;
  readonly token: Secret<string>;
}

// Per-connection runtime state (fetch, discovered metadata, DPoP key pair, refresh queue). Keyed by the
// loaded connection object, so it lives exactly as long as the connections do.
const states = new WeakMap<Connection, ConnectionState>();

// The Management API's DPoP handle for each token-endpoint handle: the same key pair, its own nonce. A
// handle remembers one server nonce per origin, and Okta serves its authorization server and its API at
// the same origin with nonces each accepts alone (RFC 9449 section 9). With one handle every switch
// between them cost a refused request; worse, a token response between an API call's use_dpop_nonce
// and its retry replaced the nonce the retry needed.
const resourceHandles = new WeakMap<oidc.DPoPHandle, oidc.DPoPHandle>();

function stateOf(connection: Connection): ConnectionState {
  let state = states.get(connection);
  if (!state) {
    state = { fetch: createFetch(connection.transport), refreshQueue: Promise.resolve() };
    states.set(connection, state);
  }
  return state;
}

/** The `fetch` a connection's HTTP calls go through (production: Node's; development: the emulator's). */
export function connectionFetch(connection: Connection): Fetch {
  return stateOf(connection).fetch;
}

function makeToken(fields: {
  accessToken: string;
  tokenType: Token['tokenType'];
  domain: string;
  expiresAt: number | undefined;
  scopes: readonly string[];
  dpop?: oidc.DPoPHandle;
}): Token {
  const token = {
    tokenType: fields.tokenType,
    domain: fields.domain,
    expiresAt: fields.expiresAt,
    scopes: Object.freeze([...fields.scopes]),
  };
  Object.defineProperty(token, 'accessToken', { value: fields.accessToken, enumerable: false });
  if (fields.dpop) Object.defineProperty(token, 'dpop', { value: fields.dpop, enumerable: false });
  return Object.freeze(token) as Token;
}

function clientAuthentication(
  connection: OAuthConnection,
  tokenEndpoint: () => string | undefined,
): oidc.ClientAuth {
  const auth = connection.clientAuth;
  switch (auth.method) {
    case 'private_key_jwt': {
      // Okta requires the assertion's audience to be the token endpoint; openid-client defaults to the issuer.
      const options: oidc.ModifyAssertionOptions = {
        [oidc.modifyAssertion]: (_header, payload) => {
          payload.aud = tokenEndpoint() ?? `${connection.issuer}/oauth2/v1/token`;
        },
      };
      const key = auth.privateKey.reveal();
      return oidc.PrivateKeyJwt(auth.kid ? { key, kid: auth.kid } : key, options);
    }
    case 'client_secret_basic':
      return oidc.ClientSecretBasic(auth.clientSecret.reveal());
    case 'client_secret_post':
      return oidc.ClientSecretPost(auth.clientSecret.reveal());
  }
}

async function discover(connection: OAuthConnection): Promise<oidc.Configuration> {
  const state = stateOf(connection);
  let configuration: oidc.Configuration | undefined;
  const auth = clientAuthentication(connection, () => configuration?.serverMetadata().token_endpoint);
  const customFetch: oidc.CustomFetch = (url, options) =>
    state.fetch(url, withCallerSignal(options as RequestInit));
  const attempt = (algorithm: 'oauth2' | 'oidc') =>
    oidc.discovery(new URL(connection.issuer), connection.clientId, undefined, auth, {
      [oidc.customFetch]: customFetch,
      algorithm,
    });
  try {
    configuration = await attempt('oauth2');
  } catch (first) {
    // The issuer check is final; anything else may just mean the org only serves openid-configuration.
    if (isIssuerMismatch(first) || isTransient(first)) throw toOktaFailure(first, connection, 'discovery');
    try {
      configuration = await attempt('oidc');
    } catch (second) {
      throw toOktaFailure(second, connection, 'discovery');
    }
  }
  return configuration;
}

/**
 * Reads the org authorization server's metadata (`/.well-known/oauth-authorization-server`, falling back
 * to `/.well-known/openid-configuration`) and checks that its issuer is `https://{domain}`. Always goes
 * to the network; the result is remembered for later token requests of this connection.
 *
 * @throws ApplicationFailure OktaIssuerMismatch, OktaDiscoveryFailed, OktaUnavailable or OktaRateLimited.
 */
export async function discoverOrg(connection: OAuthConnection): Promise<oidc.Configuration> {
  const state = stateOf(connection);
  const pending = discover(connection);
  state.configuration = pending;
  pending.catch(() => {
    if (state.configuration === pending) state.configuration = undefined;
  });
  return pending;
}

/** The connection's discovered configuration, discovering once per process (failures are not kept). */
function configurationOf(connection: OAuthConnection): Promise<oidc.Configuration> {
  return stateOf(connection).configuration ?? discoverOrg(connection);
}

async function dpopHandle(connection: OAuthConnection): Promise<oidc.DPoPHandle | undefined> {
  if (!connection.dpop) return undefined;
  const state = stateOf(connection);
  if (!state.dpopHandle) {
    // One key pair per connection and process: tokens bound to it are only usable by this worker.
    state.dpopKeys ??= oidc.randomDPoPKeyPair('ES256');
    const keys = await state.dpopKeys;
    const configuration = await configurationOf(connection);
    if (!state.dpopHandle) {
      const handle = oidc.getDPoPHandle(configuration, keys);
      resourceHandles.set(handle, oidc.getDPoPHandle(configuration, keys));
      state.dpopHandle = handle;
    }
  }
  return state.dpopHandle;
}

function storeOf(connection: OAuthConnection): RefreshTokenStore {
  if (connection.grant.type !== 'authorization_code') {
    throw new Error(`connection "${connection.name}" does not use the authorization code grant`);
  }
  return connection.grant.store;
}

async function atStore<T>(
  store: RefreshTokenStore,
  operation: 'read' | 'write',
  run: () => Promise<T>,
  keptInMemory = false,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new StoreOperationError(operation, store.location, keptInMemory, err);
  }
}

/** Runs `fn` inside the store's exclusive section (when it has one); failing to enter is a store failure. */
async function exclusively<T>(store: RefreshTokenStore, fn: () => Promise<T>): Promise<T> {
  if (!store.withLock) return fn();
  let failed: { error: unknown } | undefined;
  try {
    return await store.withLock(async () => {
      try {
        return await fn();
      } catch (err) {
        failed = { error: err };
        throw err;
      }
    });
  } catch (err) {
    if (failed) throw failed.error;
    throw new StoreOperationError('lock', store.location, false, err);
  }
}

function isInvalidGrant(err: unknown): boolean {
  return err instanceof oidc.ResponseBodyError && err.error === 'invalid_grant';
}

function tokenFromResponse(
  connection: OAuthConnection,
  response: oidc.TokenEndpointResponse,
  requested: readonly string[],
  dpop: oidc.DPoPHandle | undefined,
  now: number,
): Token {
  // RFC 6749 5.1: an omitted scope means the requested scopes were granted.
  const scopes = response.scope !== undefined ? response.scope.split(' ').filter(Boolean) : [...requested];
  const type = String(response.token_type).toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  if (connection.dpop && type !== 'DPoP') {
    throw oktaFailure(
      OktaErrorType.OktaConnectionMisconfigured,
      `Connection "${connection.name}" asks for DPoP-bound tokens but ${connection.domain} issued a ` +
        `${response.token_type} token: enable "Require Demonstrating Proof of Possession (DPoP)" on the Okta ` +
        `app, or set "dpop": false on the connection.`,
    );
  }
  return makeToken({
    accessToken: response.access_token,
    tokenType: type,
    domain: connection.domain,
    // Without expires_in, assume a short life rather than forever, so the token is re-requested.
    expiresAt: now + (response.expires_in ?? 300) * 1000,
    scopes,
    ...(type === 'DPoP' && dpop ? { dpop } : {}),
  });
}

/**
 * Obtains a fresh access token for the connection: client credentials, or the refresh-token grant, or,
 * for SSWS, the configured API token. Callers cache the result (see `createTokenCache`); this function
 * always asks Okta.
 *
 * A refresh runs one at a time per connection in this process, and inside the store's lock across
 * processes: read → grant → compareAndSwap. A rotated refresh token is stored before this returns; when
 * the store refuses it, it is kept in memory for the next refresh and this fails with the retryable
 * OktaRefreshTokenStoreFailed.
 *
 * @throws ApplicationFailure with an {@link OktaErrorType}, never containing a secret.
 */
export async function requestToken(connection: Connection): Promise<Token> {
  if (connection.type === 'ssws') {
    return makeToken({
      accessToken: connection.apiToken.reveal(),
      tokenType: 'SSWS',
      domain: connection.domain,
      expiresAt: undefined,
      scopes: [],
    });
  }
  const configuration = await configurationOf(connection);
  const dpop = await dpopHandle(connection);
  const options = dpop ? { DPoP: dpop } : undefined;

  if (connection.grant.type === 'client_credentials') {
    const now = Date.now();
    try {
      const response = await oidc.clientCredentialsGrant(
        configuration,
        { scope: connection.scopes.join(' ') },
        options,
      );
      return tokenFromResponse(connection, response, connection.scopes, dpop, now);
    } catch (err) {
      throw toOktaFailure(err, connection, 'token');
    }
  }

  const store = storeOf(connection);
  const state = stateOf(connection);
  const grant = (refreshToken: string) =>
    oidc.refreshTokenGrant(configuration, refreshToken, undefined, options);
  // Inside the store's lock, so no other process sends the same refresh token meanwhile: with
  // rotation, Okta treats the second use as a replay and revokes the whole chain.
  const refresh = async (): Promise<Token> => {
    // Read each time: another process may have rotated the token since this one last refreshed.
    let refreshToken = await atStore(store, 'read', () => store.read());
    const unstored = state.unstored;
    if (unstored) {
      if (refreshToken === unstored.replaced.reveal()) {
        const next = unstored.token.reveal();
        const swapped = await atStore(store, 'write', () => store.compareAndSwap(refreshToken, next), true);
        refreshToken = swapped ? next : await atStore(store, 'read', () => store.read());
      }
      // Written now, or the store moved on without it (a new authorization): its token wins.
      state.unstored = undefined;
    }
    if (refreshToken === undefined) {
      throw oktaFailure(
        OktaErrorType.OktaAuthorizationRequired,
        `Connection "${connection.name}" has not been authorised yet: run ` +
          `"temporal-okta connections authorize ${connection.name}" once, as an Okta admin.`,
      );
    }
    const now = Date.now();
    let response: oidc.TokenEndpointResponse;
    try {
      response = await grant(refreshToken);
    } catch (err) {
      if (!isInvalidGrant(err)) throw err;
      // Another process (a host outside this lock, a new authorization) may have replaced the token
      // after it was read: try once more with the one stored now.
      const current = await atStore(store, 'read', () => store.read());
      if (current === undefined || current === refreshToken) throw err;
      refreshToken = current;
      response = await grant(refreshToken);
    }
    const rotated = response.refresh_token;
    if (rotated && rotated !== refreshToken) {
      const replaced = refreshToken;
      // False: the store changed under us (a store without a lock, a new authorization); the stored
      // token wins and this one is dropped. The access token is still good.
      await atStore(store, 'write', () => store.compareAndSwap(replaced, rotated), true).catch((err) => {
        state.unstored = {
          replaced: new Secret(replaced, 'the stored refresh token'),
          token: new Secret(rotated, 'a rotated refresh token not yet stored'),
        };
        throw err;
      });
    }
    return tokenFromResponse(connection, response, connection.scopes, dpop, now);
  };
  const run = async (): Promise<Token> => {
    try {
      return await exclusively(store, refresh);
    } catch (err) {
      throw toOktaFailure(err, connection, 'refresh');
    }
  };
  const result = state.refreshQueue.then(run, run);
  state.refreshQueue = result.catch(() => undefined);
  return result;
}

/** The scopes the connection requires that the token was not granted (empty for SSWS: no scopes). */
export function missingScopes(connection: Connection, token: Token): string[] {
  if (connection.type === 'ssws') return [];
  return connection.requiredScopes.filter((scope) => !token.scopes.includes(scope));
}

/**
 * Fails with OktaMissingScopes when the token lacks a scope the connection requires, saying where to
 * grant it. SSWS tokens pass: they have no scopes to check.
 */
export function assertRequiredScopes(connection: Connection, token: Token): void {
  const missing = missingScopes(connection, token);
  if (missing.length === 0) return;
  throw oktaFailure(
    OktaErrorType.OktaMissingScopes,
    `The token for connection "${connection.name}" lacks ${missing.join(', ')}. In the Okta Admin Console, ` +
      `open the app (client id ${(connection as OAuthConnection).clientId}), tab "Okta API Scopes", and grant ` +
      `them${(connection as OAuthConnection).grant.type === 'authorization_code' ? '; then run "temporal-okta connections authorize ' + connection.name + '" again' : ''}.`,
    { details: [{ missingScopes: missing }] },
  );
}

export interface ProtectedRequest {
  method: string;
  url: URL | string;
  headers?: Record<string, string> | Headers;
  body?: string;
  /** Aborts the HTTP request itself (activity cancellation, request timeout). */
  signal?: AbortSignal;
}

/**
 * The signal of the protected-resource request in progress. openid-client's `fetchProtectedResource`
 * takes no signal of its own, so the connection's custom fetch picks it up from here.
 */
const callerSignal = new AsyncLocalStorage<AbortSignal | undefined>();

function withCallerSignal(init: RequestInit): RequestInit {
  const caller = callerSignal.getStore();
  if (!caller) return init;
  return { ...init, signal: init.signal ? AbortSignal.any([init.signal, caller]) : caller };
}

/**
 * Calls the Okta API with the token: Bearer, DPoP or SSWS. Resolves with the response for every HTTP
 * status, 401 included, so callers decide (e.g. refresh once); network failures reject with an
 * OktaUnavailable failure.
 *
 * With DPoP every request carries a fresh proof signed with the token's key and the API's latest nonce.
 * When Okta answers 401 `use_dpop_nonce` (its nonce rotated), openid-client's `fetchProtectedResource`
 * retries once with the nonce of that answer; the token stays valid and is kept. Should Okta refuse the
 * retry's nonce too, this rejects with a retryable OktaUnavailable failure instead of handing back a 401
 * that would read as an invalid token.
 */
export async function protectedRequest(
  connection: Connection,
  token: Token,
  request: ProtectedRequest,
): Promise<Response> {
  const url = new URL(request.url);
  const origin = `https://${connection.domain}`;
  if (url.origin !== origin || token.domain !== connection.domain) {
    // A token is bound to the org it was issued for: it never leaves for another host (docs/ARCHITECTURE.md §11).
    throw oktaFailure(
      OktaErrorType.OktaInvalidInput,
      `Refusing to send the token of connection "${connection.name}", issued for ${token.domain}, to ${url.origin}: ` +
        `a token is only ever sent to ${origin}.`,
    );
  }
  const headers = new Headers(request.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  try {
    if (token.tokenType === 'SSWS') {
      headers.set('authorization', `SSWS ${token.accessToken}`);
      return await connectionFetch(connection).call(undefined, url, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal: request.signal,
      });
    }
    if (connection.type !== 'oauth2') throw new Error('an OAuth token needs an OAuth connection');
    const configuration = await configurationOf(connection);
    return await callerSignal.run(request.signal, () =>
      oidc.fetchProtectedResource(
        configuration,
        token.accessToken,
        url,
        request.method,
        request.body,
        headers,
        token.tokenType === 'DPoP' && token.dpop
          ? { DPoP: resourceHandles.get(token.dpop) ?? token.dpop }
          : undefined,
      ),
    );
  } catch (err) {
    // A challenge (401 with WWW-Authenticate) is an answer, not a transport failure: hand it back,
    // unless it is a second use_dpop_nonce in a row, which says nothing about the token.
    if (err instanceof oidc.WWWAuthenticateChallengeError && !isUseDpopNonceChallenge(err))
      return err.response;
    throw toOktaFailure(err, connection, 'api');
  }
}

/** What the CLI keeps between printing the sign-in URL and receiving the callback. Holds the PKCE verifier. */
export interface PendingAuthorization {
  readonly connection: OAuthConnection;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeVerifier: string;
}

/**
 * Starts the one-time authorization-code flow (PKCE S256 and state) for an authorization-code
 * connection. Open `url` in a browser; pass the redirect to {@link finishAuthorization}.
 */
export async function startAuthorization(
  connection: OAuthConnection,
  redirectUri?: string,
): Promise<{ url: URL; pending: PendingAuthorization }> {
  if (connection.grant.type !== 'authorization_code') {
    throw oktaFailure(
      OktaErrorType.OktaConnectionMisconfigured,
      `Connection "${connection.name}" uses the ${connection.grant.type} grant: only authorization_code ` +
        `connections are authorised in a browser.`,
    );
  }
  const configuration = await configurationOf(connection);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const redirect = redirectUri ?? connection.grant.redirectUri;
  // offline_access asks Okta for the refresh token the workers live on.
  const scope = [...new Set(['openid', 'offline_access', ...connection.scopes])].join(' ');
  const parameters: Record<string, string> = {
    redirect_uri: redirect,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  const dpop = await dpopHandle(connection);
  // Binds the authorization code to this process's DPoP key (RFC 9449 section 10).
  if (dpop) parameters.dpop_jkt = await dpop.calculateThumbprint();
  return {
    url: oidc.buildAuthorizationUrl(configuration, parameters),
    pending: { connection, redirectUri: redirect, state, codeVerifier },
  };
}

/**
 * Completes the flow: checks `state`, exchanges the code with the PKCE verifier, and stores the refresh
 * token (encrypted) for the workers. `callbackUrl` is the URL the browser was redirected to (an absolute
 * URL, or the request path and query, resolved against the redirect URI).
 *
 * @returns the first access token (for `connections test`-style checks).
 */
export async function finishAuthorization(
  pending: PendingAuthorization,
  callbackUrl: URL | string,
): Promise<Token> {
  const { connection } = pending;
  const configuration = await configurationOf(connection);
  const dpop = await dpopHandle(connection);
  const url = new URL(callbackUrl, pending.redirectUri);
  const now = Date.now();
  let response: oidc.TokenEndpointResponse;
  try {
    response = await oidc.authorizationCodeGrant(
      configuration,
      url,
      { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state },
      undefined,
      dpop ? { DPoP: dpop } : undefined,
    );
  } catch (err) {
    throw toOktaFailure(err, connection, 'authorization');
  }
  if (!response.refresh_token) {
    throw oktaFailure(
      OktaErrorType.OktaAuthorizationRequired,
      `${connection.domain} issued no refresh token for connection "${connection.name}": enable the ` +
        `"Refresh Token" grant type on the Okta app and allow the offline_access scope, then authorise again.`,
    );
  }
  const refreshToken = response.refresh_token;
  const store = storeOf(connection);
  try {
    // Under the same lock as refreshes: the new token replaces whatever is stored, never mid-refresh.
    await exclusively(store, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await atStore(store, 'read', () => store.read());
        if (await atStore(store, 'write', () => store.compareAndSwap(current, refreshToken))) return;
      }
      throw new StoreOperationError(
        'write',
        store.location,
        false,
        new RefreshTokenStoreError('other processes kept changing it', { retryable: true }),
      );
    });
  } catch (err) {
    throw toOktaFailure(err, connection, 'authorization');
  }
  // A token this process could not store earlier belongs to the chain this authorization replaces.
  stateOf(connection).unstored = undefined;
  return tokenFromResponse(connection, response, connection.scopes, dpop, now);
}

/**
 * A fresh token that carries every scope the connection requires: what Connect checks once, and what a
 * worker checks again whenever it obtains a token for an existing session (a restart, another worker).
 *
 * @throws ApplicationFailure OktaMissingScopes, or any failure of {@link requestToken}.
 */
export async function requestScopedToken(connection: Connection): Promise<Token> {
  const token = await requestToken(connection);
  assertRequiredScopes(connection, token);
  return token;
}

/**
 * Revokes an access token at the org authorization server (Disconnect). The client assertion's audience
 * is the revocation endpoint, as Okta requires of every endpoint a `private_key_jwt` assertion is sent
 * to. SSWS API tokens are long-lived and shared by every session of the connection: they are never
 * revoked here.
 */
export async function revokeAccessToken(connection: Connection, token: Token): Promise<void> {
  if (connection.type !== 'oauth2') return;
  const metadata = (await configurationOf(connection)).serverMetadata();
  const endpoint = metadata.revocation_endpoint;
  if (!endpoint) return;
  const configuration = new oidc.Configuration(
    metadata,
    connection.clientId,
    undefined,
    clientAuthentication(connection, () => endpoint),
  );
  const state = stateOf(connection);
  configuration[oidc.customFetch] = (url, options) => state.fetch(url, options as RequestInit);
  try {
    await oidc.tokenRevocation(configuration, token.accessToken, { token_type_hint: 'access_token' });
  } catch (err) {
    throw toOktaFailure(err, connection, 'api');
  }
}
