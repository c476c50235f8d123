import { AsyncLocalStorage } from 'node:async_hooks';
import * as oidc from 'openid-client';
import type { Connection, OAuthConnection } from './connections.js';
import type { Secret } from './secret.js';
import { isIssuerMismatch, isTransient, toOktaFailure } from './okta-errors.js';
import { createFetch, type Fetch } from './transport.js';

/**
 * A connection's runtime state in this process and its `openid-client` configuration
 * (docs/ARCHITECTURE.md §2 and §4): the fetch its HTTP calls go through, discovery of the org
 * authorization server, and the client authentication its assertions and secrets are sent with.
 */

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

export function stateOf(connection: Connection): ConnectionState {
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

export function clientAuthentication(
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

/**
 * The signal of the protected-resource request in progress. openid-client's `fetchProtectedResource`
 * takes no signal of its own, so the connection's custom fetch picks it up from here.
 */
export const callerSignal = new AsyncLocalStorage<AbortSignal | undefined>();

function withCallerSignal(init: RequestInit): RequestInit {
  const caller = callerSignal.getStore();
  if (!caller) return init;
  return { ...init, signal: init.signal ? AbortSignal.any([init.signal, caller]) : caller };
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
export function configurationOf(connection: OAuthConnection): Promise<oidc.Configuration> {
  return stateOf(connection).configuration ?? discoverOrg(connection);
}
