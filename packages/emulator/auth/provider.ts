import { randomBytes } from 'node:crypto';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuthState } from './adapter.js';
import { OIDC_SCOPES, publicJwk, type OrgCredentials, type SeededClient } from './clients.js';
import { OKTA_SCOPE_CATALOGUE } from './okta-scopes.js';

/** Where Okta's org authorization server serves each endpoint (issuer `https://{domain}`). */
export const OAUTH2_ROUTES = {
  authorization: '/oauth2/v1/authorize',
  token: '/oauth2/v1/token',
  jwks: '/oauth2/v1/keys',
  revocation: '/oauth2/v1/revoke',
  introspection: '/oauth2/v1/introspect',
  userinfo: '/oauth2/v1/userinfo',
  end_session: '/oauth2/v1/logout',
  pushed_authorization_request: '/oauth2/v1/par',
} as const;

/** The DPoP proof algorithms Okta accepts (its discovery documents list exactly these). */
export const DPOP_SIGNING_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512'] as const;

/** Okta's description of a token request whose DPoP proof lacks the server's current nonce. */
export const USE_DPOP_NONCE_DESCRIPTION = 'Authorization server requires nonce in DPoP proof.';

/** Path prefix of the sign-in and consent pages (the interaction), outside `/oauth2/v1/`. */
export const SIGN_IN_PATH = '/login/interaction/';

/** Okta's answer when a client assertion is addressed to anything but the endpoint invoked. */
export const WRONG_AUDIENCE_DESCRIPTION =
  'The audience claim for client_assertion must be the endpoint invoked for the request.';

export interface AuthorizationServerOptions {
  /** The org domain, e.g. `companyabc.okta.com`; the issuer is `https://{domain}`. */
  domain: string;
  credentials: OrgCredentials;
  state: AuthState;
  /** Lifetime of access tokens; Okta's is one hour. */
  accessTokenTtlSeconds: number;
}

/**
 * Creates an `oidc-provider` instance configured as an Okta org authorization server: Okta's routes,
 * the okta.* scopes enforced per client, private_key_jwt with Okta's audience rule, client secrets,
 * authorization code with mandatory PKCE, rotating refresh tokens, revocation, introspection and DPoP
 * with server nonces (a proof without the current nonce gets 400 `use_dpop_nonce` and a `DPoP-Nonce`).
 *
 * The caller serves it behind TLS and must set `X-Forwarded-Proto: https` and `X-Forwarded-Host: {domain}`
 * on every request (the provider runs with `proxy = true`), so its URLs are those of the org domain.
 */
export function createAuthorizationServer(options: AuthorizationServerOptions): Provider {
  const { credentials, accessTokenTtlSeconds: ttl } = options;
  const admin = credentials.admin;
  const provider = new Provider(`https://${options.domain}`, {
    adapter: options.state.Adapter,
    clients: credentials.clients.map(clientMetadata),
    jwks: { keys: [credentials.signingKey] },
    cookies: { keys: credentials.cookieKeys },
    routes: OAUTH2_ROUTES,
    // Every okta.* scope Okta publishes, so one an app was not granted (okta.apps.read included) is
    // refused with invalid_scope, as Okta does, instead of being ignored as a scope nobody knows.
    scopes: [...OIDC_SCOPES, ...OKTA_SCOPE_CATALOGUE],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: { dPoPSigningAlgValues: [...DPOP_SIGNING_ALGORITHMS] },
    responseTypes: ['code'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: tokenBelongsToCaller },
      revocation: { enabled: true, allowedPolicy: revokeOnlyThisAccessToken },
      userinfo: { enabled: true },
      // Okta answers a DPoP-required app's first token request (a proof without a nonce) with 400
      // use_dpop_nonce and a DPoP-Nonce header. oidc-provider's nonces change every minute and stay
      // valid for a few; the secret lives as long as the process, like the tokens.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
    },
    pkce: { required: () => true },
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      AuthorizationCode: 300,
      IdToken: 3600,
      RefreshToken: 90 * 24 * 3600,
      Interaction: 3600,
      Session: 2 * 3600,
      Grant: 90 * 24 * 3600,
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${SIGN_IN_PATH}${interaction.uid}`,
    },
    findAccount: (_ctx: unknown, sub: string) =>
      sub === admin.userId
        ? {
            accountId: sub,
            claims: () => ({
              sub,
              name: 'Org Admin',
              preferred_username: admin.login,
              email: admin.login,
              email_verified: true,
              locale: 'en_US',
              zoneinfo: 'America/Los_Angeles',
            }),
          }
        : undefined,
    // Okta issues refresh tokens to apps allowed the refresh_token grant; every use rotates them.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    assertJwtClientAuthClaimsAndHeader: assertOktaAssertionAudience,
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
      ctx.set('Content-Type', 'application/json; charset=utf-8');
      ctx.body = out;
    },
  });
  provider.proxy = true;
  ignoreUnsolicitedDpopProofs(provider);
  allowAnyLoopbackPort(provider);
  answerDpopErrorsLikeOkta(provider);
  return provider;
}

/**
 * An app may revoke or introspect only the tokens issued to it. Another app's token is not revoked and
 * introspects as `{ "active": false }`; both endpoints still answer 200, as RFC 7009 and RFC 7662 ask.
 */
async function tokenBelongsToCaller(
  _ctx: KoaContextWithOIDC,
  client: { clientId: string },
  token: { clientId?: string },
): Promise<boolean> {
  return token.clientId === client.clientId;
}

/**
 * Okta: "Revoking an access token doesn't revoke the associated refresh token." oidc-provider would revoke
 * every token of the access token's grant (the refresh token included), so an access token is destroyed
 * here and oidc-provider is told to stop (the endpoint still answers 200). Refresh tokens keep
 * oidc-provider's behaviour, which matches Okta's: their access tokens go too.
 */
async function revokeOnlyThisAccessToken(
  ctx: KoaContextWithOIDC,
  client: { clientId: string },
  token: { clientId?: string; kind?: string; destroy(): Promise<void> },
): Promise<boolean> {
  if (!(await tokenBelongsToCaller(ctx, client, token))) return false;
  if (token.kind === 'AccessToken') {
    await token.destroy();
    return false;
  }
  return true;
}

/**
 * Okta binds tokens to a DPoP proof only for apps that require DPoP; other apps' token requests get a
 * Bearer token even when they carry a proof (Okta's SDKs send one on every token request).
 * oidc-provider would bind the token whenever a proof is present, so the `DPoP` header of a token
 * request is hidden from it once the authenticated client turns out not to require DPoP.
 */
function ignoreUnsolicitedDpopProofs(provider: Provider): void {
  provider.use(async (ctx, next) => {
    const proof = ctx.req.headers.dpop;
    if (ctx.method === 'POST' && ctx.path === OAUTH2_ROUTES.token && proof !== undefined) {
      Object.defineProperty(ctx.req.headers, 'dpop', {
        configurable: true,
        enumerable: true,
        // Read by oidc-provider only after client authentication, when `ctx.oidc.client` is known.
        get: () => {
          const client = (ctx.oidc as typeof ctx.oidc | undefined)?.client;
          return client && !client.dpopBoundAccessTokens ? undefined : proof;
        },
      });
    }
    await next();
  });
}

/** Okta requires a client assertion's `aud` to be exactly the URL of the endpoint invoked. */
async function assertOktaAssertionAudience(
  ctx: KoaContextWithOIDC,
  claims: { aud?: unknown },
): Promise<void> {
  const expected = ctx.oidc.urlFor(ctx.oidc.route);
  const aud = claims.aud;
  if (aud === expected || (Array.isArray(aud) && aud.length === 1 && aud[0] === expected)) return;
  const err = new errors.InvalidClientAuth(`aud must be ${expected}`);
  err.error_description = WRONG_AUDIENCE_DESCRIPTION;
  throw err;
}

/**
 * oidc-provider answers a DPoP-required client's token request without a proof with `invalid_grant`;
 * Okta answers 400 `invalid_dpop_proof`. A proof without the current nonce gets `use_dpop_nonce` from
 * both, with Okta's description. Error events run after the body is set, so it can be replaced; the
 * `DPoP-Nonce` header oidc-provider set stays.
 */
function answerDpopErrorsLikeOkta(provider: Provider): void {
  provider.on('grant.error', (...args: unknown[]) => {
    const [ctx, err] = args as [KoaContextWithOIDC, { error?: string; error_detail?: string }];
    if (err.error_detail === 'DPoP proof JWT not provided') {
      ctx.status = 400;
      ctx.body = { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' };
    } else if (err.error === 'use_dpop_nonce') {
      ctx.body = { error: 'use_dpop_nonce', error_description: USE_DPOP_NONCE_DESCRIPTION };
    }
  });
}

function clientMetadata(c: SeededClient): Record<string, unknown> {
  const usesCode = c.grantTypes.includes('authorization_code');
  return {
    client_id: c.clientId,
    client_name: c.name,
    ...(c.clientSecret ? { client_secret: c.clientSecret } : {}),
    ...(c.privateKeyJwk ? { jwks: { keys: [publicJwk(c.privateKeyJwk)] } } : {}),
    token_endpoint_auth_method: c.authMethod,
    grant_types: c.grantTypes,
    response_types: usesCode ? ['code'] : [],
    redirect_uris: c.redirectUris ?? [],
    scope: c.scopes.join(' '),
    dpop_bound_access_tokens: c.dpopRequired,
  };
}

/**
 * RFC 8252 §7.3: a loopback redirect URI matches whatever port the app listens on. oidc-provider does
 * this for `native` clients only. Okta's web apps match the registered URI exactly, port included: the
 * emulator deliberately accepts any port on a loopback host, so the CLI, the tests and the demo can
 * listen on a free port (documented in emulator/README.md).
 */
function allowAnyLoopbackPort(provider: Provider): void {
  const proto = provider.Client.prototype;
  const original = proto.redirectUriAllowed;
  proto.redirectUriAllowed = function redirectUriAllowed(this: typeof proto, value: string): boolean {
    if (original.call(this, value)) return true;
    const withoutPort = stripLoopbackPort(value);
    return withoutPort !== undefined && this.redirectUris.some((r) => stripLoopbackPort(r) === withoutPort);
  };
}

function stripLoopbackPort(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname))
    return undefined;
  url.port = '';
  return url.href;
}
