import { importJWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRONG_AUDIENCE_DESCRIPTION } from 'temporal-okta-emulator/auth/provider';
import { orgClient, type OrgClient } from 'temporal-okta-emulator/org';
import { authorizeWithScriptedAdmin, startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';

let t: TestOrg;
const issuer = new URL('https://companyabc.okta.com');
const tokenEndpoint = 'https://companyabc.okta.com/oauth2/v1/token';

beforeAll(async () => {
  t = await startTestOrg();
});
afterAll(() => t?.close());

async function privateKey(c: OrgClient): Promise<client.PrivateKey> {
  const jwk = c.privateKeyJwk!;
  return { key: (await importJWK(jwk, jwk.alg)) as client.CryptoKey, kid: jwk.kid };
}

/** A private_key_jwt client whose assertions are addressed to the token endpoint, as Okta requires. */
async function serviceConfig(name: string, audience = tokenEndpoint): Promise<client.Configuration> {
  const c = orgClient(t.org, name);
  return client.discovery(
    issuer,
    c.clientId,
    undefined,
    client.PrivateKeyJwt(await privateKey(c), {
      [client.modifyAssertion]: (_header, payload) => {
        payload.aud = audience;
      },
    }),
    { [client.customFetch]: t.fetch },
  );
}

async function webConfig(name: 'web' | 'web-post', secret?: string): Promise<client.Configuration> {
  const c = orgClient(t.org, name);
  const auth = name === 'web' ? client.ClientSecretBasic : client.ClientSecretPost;
  return client.discovery(issuer, c.clientId, undefined, auth(secret ?? c.clientSecret!), {
    [client.customFetch]: t.fetch,
  });
}

/** Runs the authorization code flow with PKCE, signing in as the org admin, and exchanges the code. */
async function signIn(config: client.Configuration, scope: string) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const redirectUri = 'http://127.0.0.1:53682/callback';
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const callback = await authorizeWithScriptedAdmin({ org: t.org, fetch: t.fetch, authorizationUrl });
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
}

async function listUsers(authorization: string, extra: Record<string, string> = {}): Promise<Response> {
  return t.fetch('https://companyabc.okta.com/api/v1/users?limit=1', {
    headers: { authorization, ...extra },
  });
}

describe('discovery', () => {
  it('serves both discovery documents with the org domain as issuer and endpoints under /oauth2/v1/', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const doc = (await (await t.fetch(new URL(path, issuer))).json()) as Record<string, string>;
      expect(doc).toMatchObject({
        issuer: 'https://companyabc.okta.com',
        authorization_endpoint: 'https://companyabc.okta.com/oauth2/v1/authorize',
        token_endpoint: tokenEndpoint,
        jwks_uri: 'https://companyabc.okta.com/oauth2/v1/keys',
        revocation_endpoint: 'https://companyabc.okta.com/oauth2/v1/revoke',
        introspection_endpoint: 'https://companyabc.okta.com/oauth2/v1/introspect',
      });
    }
  });
});

describe('client credentials with private_key_jwt', () => {
  it('issues a one-hour access token with the requested okta.* scopes', async () => {
    const tokens = await client.clientCredentialsGrant(await serviceConfig('service'), {
      scope: 'okta.users.read okta.groups.manage',
    });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope).toBe('okta.users.read okta.groups.manage');
    expect((await listUsers(`Bearer ${tokens.access_token}`)).status).toBe(200);
  });

  it('refuses a client assertion whose audience is the issuer instead of the token endpoint', async () => {
    const config = await serviceConfig('service', 'https://companyabc.okta.com');
    const err = await client
      .clientCredentialsGrant(config, { scope: 'okta.users.read' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect(err).toMatchObject({ error: 'invalid_client', error_description: WRONG_AUDIENCE_DESCRIPTION });
  });

  it('refuses a scope the app was not granted with invalid_scope', async () => {
    const config = await serviceConfig('service-readonly');
    const err = await client
      .clientCredentialsGrant(config, { scope: 'okta.users.manage' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('authorization code with PKCE', () => {
  it('signs in the scripted admin and exchanges the code with client_secret_basic', async () => {
    const tokens = await signIn(await webConfig('web'), 'openid offline_access okta.users.read');
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'okta.users.read']));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.claims()?.iss).toBe('https://companyabc.okta.com');
    expect((await listUsers(`Bearer ${tokens.access_token}`)).status).toBe(200);
  });

  it('exchanges the code with client_secret_post', async () => {
    const tokens = await signIn(await webConfig('web-post'), 'openid okta.groups.read');
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const config = await webConfig('web', 'not-the-secret');
    const err = await signIn(config, 'openid okta.users.read').catch((e: unknown) => e);
    // A 401 with a Basic challenge: openid-client reports the challenge's error.
    expect(err).toMatchObject({
      status: 401,
      cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }],
    });
  });

  it('accepts the registered loopback redirect URI on any port and refuses another host', async () => {
    const config = await webConfig('web');
    const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    const authorize = (redirect_uri: string) =>
      authorizeWithScriptedAdmin({
        org: t.org,
        fetch: t.fetch,
        authorizationUrl: client.buildAuthorizationUrl(config, {
          redirect_uri,
          scope: 'okta.users.read',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      });
    const ok = await authorize('http://127.0.0.1:40000/callback');
    expect(ok.origin).toBe('http://127.0.0.1:40000');
    expect(ok.searchParams.get('code')).toEqual(expect.any(String));
    await expect(authorize('http://attacker.example:40000/callback')).rejects.toThrow(/HTTP 400/);
  });
});

describe('refresh tokens', () => {
  it('rotates the refresh token on every use and refuses the rotated-out one with invalid_grant', async () => {
    const config = await webConfig('web');
    const first = await signIn(config, 'openid offline_access okta.users.read');
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const err = await client.refreshTokenGrant(config, first.refresh_token!).catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('revocation', () => {
  it('makes a revoked access token useless: the API answers 401 E0000011 and introspection inactive', async () => {
    const { access_token } = await client.clientCredentialsGrant(await serviceConfig('service'), {
      scope: 'okta.users.read',
    });
    // Okta wants each client assertion addressed to the endpoint it is sent to.
    const revoke = await serviceConfig('service', 'https://companyabc.okta.com/oauth2/v1/revoke');
    await client.tokenRevocation(revoke, access_token);
    const res = await listUsers(`Bearer ${access_token}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errorCode: 'E0000011' });
    const introspect = await serviceConfig('service', 'https://companyabc.okta.com/oauth2/v1/introspect');
    expect((await client.tokenIntrospection(introspect, access_token)).active).toBe(false);
  });
});

describe('DPoP', () => {
  it('refuses a token request without a DPoP proof from an app that requires DPoP', async () => {
    const config = await serviceConfig('service-dpop');
    const err = await client
      .clientCredentialsGrant(config, { scope: 'okta.users.read' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect(err).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
  });

  it('binds the token to the proof key: it works with a DPoP proof and not as a bearer token', async () => {
    const config = await serviceConfig('service-dpop');
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'okta.users.read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const url = new URL('https://companyabc.okta.com/api/v1/users?limit=1');
    const ok = await client.fetchProtectedResource(config, tokens.access_token, url, 'GET', null, undefined, {
      DPoP,
    });
    expect(ok.status).toBe(200);
    const asBearer = await listUsers(`Bearer ${tokens.access_token}`);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP /);
  });
});

describe('token lifetime', () => {
  let short: TestOrg;
  beforeAll(async () => {
    short = await startTestOrg({ accessTokenTtlSeconds: 1, seedUsers: 5 });
  });
  afterAll(() => short?.close());

  it('answers 401 E0000011 with a WWW-Authenticate header once the access token has expired', async () => {
    const c = orgClient(short.org, 'service');
    const config = await client.discovery(
      issuer,
      c.clientId,
      undefined,
      client.PrivateKeyJwt(await privateKey(c), {
        [client.modifyAssertion]: (_h, payload) => {
          payload.aud = tokenEndpoint;
        },
      }),
      { [client.customFetch]: short.fetch },
    );
    const { access_token, expires_in } = await client.clientCredentialsGrant(config, {
      scope: 'okta.users.read',
    });
    expect(expires_in).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await short.fetch('https://companyabc.okta.com/api/v1/users?limit=1', {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });
});
