import * as oidc from 'openid-client';
import { OktaErrorType } from '../common/errors.js';
import type { Connection, OAuthConnection } from './connections.js';
import { dpopHandle } from './dpop.js';
import { oktaFailure } from './failures.js';
import { configurationOf, stateOf } from './oauth-configuration.js';
import { toOktaFailure } from './okta-errors.js';
import { atStore, exclusively, StoreOperationError, storeOf } from './refresh-token-access.js';
import { RefreshTokenStoreError } from './refresh-token-store.js';
import { Secret } from './secret.js';

/**
 * The token grants of a connection, with the real `openid-client` (docs/ARCHITECTURE.md §3 and §4):
 * client credentials, the refresh-token grant with rotation, the one-time authorization-code flow, and
 * SSWS API tokens. Discovery and client authentication are in `oauth-configuration.ts`, DPoP in
 * `dpop.ts`; every failure is an `ApplicationFailure` with a stable type, made by {@link toOktaFailure}.
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

/** What the CLI keeps between printing the sign-in URL and receiving the callback. Holds the PKCE verifier. */
export interface PendingAuthorization {
  /** The connection being authorised. */
  readonly connection: OAuthConnection;
  /** The redirect URI the sign-in returns to. */
  readonly redirectUri: string;
  /** The `state` the callback must carry. */
  readonly state: string;
  /** The PKCE code verifier: a secret until the code is exchanged. */
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
