import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConnections, type Connection, type OAuthConnection } from '../../activities/connections.js';
import { discoverOrg } from '../../activities/oauth-configuration.js';
import {
  assertRequiredScopes,
  finishAuthorization,
  requestToken,
  startAuthorization,
} from '../../activities/oauth.js';
import { protectedRequest } from '../../activities/protected-request.js';
import { revokeAccessToken } from '../../activities/token-revocation.js';
import { OktaErrorType } from '../../common/errors.js';
import { authorizeWithScriptedAdmin, orgClient, startTestOrg, type TestOrg } from 'temporal-okta-emulator';

let t: TestOrg;
let dir: string;
const env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  t = await startTestOrg({ seedUsers: 3 });
  dir = await mkdtemp(join(tmpdir(), 'okta-oauth-'));
  for (const name of ['service', 'service-dpop', 'service-readonly']) {
    await writeFile(join(dir, `${name}.jwk.json`), JSON.stringify(orgClient(t.org, name).privateKeyJwk), {
      mode: 0o600,
    });
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(join(dir, 'unregistered.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }), {
    mode: 0o600,
  });
  env.WEB_SECRET = orgClient(t.org, 'web').clientSecret;
  env.WEB_POST_SECRET = orgClient(t.org, 'web-post').clientSecret;
  env.WEB_DPOP_SECRET = orgClient(t.org, 'web-dpop').clientSecret;
  env.STORE_KEY = randomBytes(32).toString('base64');
  env.API_TOKEN = t.org.apiToken;
  env.WRONG_TOKEN = `00${randomBytes(20).toString('hex')}`;
});
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await t.controls.clearFaults();
});

/** A connection to the emulated org, reached over TLS under its real domain. */
async function connection(config: Record<string, unknown>): Promise<Connection> {
  const name = 'test';
  const connections = await parseConnections(
    {
      connections: {
        [name]: {
          domain: t.org.domain,
          development: { connectTo: new URL(t.org.url).host, caFile: t.org.caFile },
          ...config,
        },
      },
    },
    { baseDir: dir, env },
  );
  return connections.get(name)!;
}

const service = (name: string, over: Record<string, unknown> = {}) =>
  connection({
    clientId: orgClient(t.org, name).clientId,
    grant: { type: 'client_credentials' },
    clientAuth: { method: 'private_key_jwt', privateKey: { file: `${name}.jwk.json` } },
    ...over,
  });

const WEB_SECRETS = { web: 'WEB_SECRET', 'web-post': 'WEB_POST_SECRET', 'web-dpop': 'WEB_DPOP_SECRET' };

const web = (client: 'web' | 'web-post' | 'web-dpop', store: string, over: Record<string, unknown> = {}) =>
  connection({
    clientId: orgClient(t.org, client).clientId,
    grant: {
      type: 'authorization_code',
      redirectUri: orgClient(t.org, client).redirectUris?.[0] ?? 'http://127.0.0.1/callback',
      refreshTokenStore: { path: store, encryptionKey: { env: 'STORE_KEY' } },
    },
    clientAuth: {
      method: client === 'web-post' ? 'client_secret_post' : 'client_secret_basic',
      clientSecret: { env: WEB_SECRETS[client] },
    },
    ...over,
  });

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

async function listOneUser(c: Connection, token: Awaited<ReturnType<typeof requestToken>>): Promise<number> {
  const response = await protectedRequest(c, token, {
    method: 'GET',
    url: `https://${t.org.domain}/api/v1/users?limit=1`,
  });
  await response.body?.cancel();
  return response.status;
}

async function authorize(c: OAuthConnection) {
  const { url, pending } = await startAuthorization(c);
  const callback = await authorizeWithScriptedAdmin({ org: t.org, fetch: t.fetch, authorizationUrl: url });
  return finishAuthorization(pending, callback);
}

describe('discovery', () => {
  it('reads the org authorization server metadata whose issuer is https://{domain}', async () => {
    const config = await discoverOrg((await service('service')) as OAuthConnection);
    expect(config.serverMetadata().issuer).toBe(`https://${t.org.domain}`);
    expect(config.serverMetadata().token_endpoint).toBe(`https://${t.org.domain}/oauth2/v1/token`);
  });

  it('fails with OktaIssuerMismatch when the metadata names another issuer', async () => {
    const issuer = `https://other.okta.com`;
    await t.controls.addFault({
      pathPrefix: '/.well-known/',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { issuer, token_endpoint: `${issuer}/oauth2/v1/token` },
    });
    const err = await failure(discoverOrg((await service('service')) as OAuthConnection));
    expect(err.type).toBe(OktaErrorType.OktaIssuerMismatch);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('other.okta.com');
  });

  it('fails with a retryable OktaUnavailable when the org answers 503', async () => {
    await t.controls.addFault({ pathPrefix: '/.well-known/', status: 503 });
    const err = await failure(discoverOrg((await service('service')) as OAuthConnection));
    expect(err.type).toBe(OktaErrorType.OktaUnavailable);
    expect(err.nonRetryable).toBe(false);
  });
});

describe('client credentials', () => {
  it('with private_key_jwt (assertion audience = token endpoint) gets a Bearer token with the okta.* scopes that works on the API', async () => {
    const c = await service('service');
    const token = await requestToken(c);
    expect(token.tokenType).toBe('Bearer');
    expect([...token.scopes].sort()).toEqual([
      'okta.groups.manage',
      'okta.groups.read',
      'okta.users.manage',
      'okta.users.read',
    ]);
    expect(token.expiresAt! - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(() => assertRequiredScopes(c, token)).not.toThrow();
    expect(await listOneUser(c, token)).toBe(200);
  });

  it('keeps the access token out of JSON.stringify', async () => {
    const token = await requestToken(await service('service'));
    expect(JSON.stringify(token)).not.toContain(token.accessToken);
  });

  it('with DPoP gets a DPoP-bound token that works on the API with a proof', async () => {
    const c = await service('service-dpop', { dpop: true });
    const token = await requestToken(c);
    expect(token.tokenType).toBe('DPoP');
    expect(await listOneUser(c, token)).toBe(200);
  });

  it('without DPoP for an app that requires it fails with OktaConnectionMisconfigured, not retried', async () => {
    const err = await failure(requestToken(await service('service-dpop')));
    expect(err.type).toBe(OktaErrorType.OktaConnectionMisconfigured);
    expect(err.nonRetryable).toBe(true);
  });

  it('with DPoP for an app that issues Bearer tokens fails with OktaConnectionMisconfigured, not retried', async () => {
    const err = await failure(requestToken(await service('service', { dpop: true })));
    expect(err.type).toBe(OktaErrorType.OktaConnectionMisconfigured);
    expect(err.nonRetryable).toBe(true);
  });

  it('fails with OktaMissingScopes (invalid_scope) when the app was not granted a requested scope', async () => {
    const err = await failure(requestToken(await service('service-readonly')));
    expect(err.type).toBe(OktaErrorType.OktaMissingScopes);
    expect(err.message).toContain('Okta API Scopes');
  });

  it('fails with OktaInvalidClient when the key is not registered on the app', async () => {
    const c = await service('service', {
      clientAuth: { method: 'private_key_jwt', privateKey: { file: 'unregistered.pem' } },
    });
    const err = await failure(requestToken(c));
    expect(err.type).toBe(OktaErrorType.OktaInvalidClient);
    expect(err.nonRetryable).toBe(true);
  });

  it('fails with OktaRateLimited and a retry delay when the token endpoint answers 429', async () => {
    const c = await service('service');
    await discoverOrg(c as OAuthConnection);
    const reset = Math.ceil(Date.now() / 1000) + 30;
    await t.controls.addFault({
      pathPrefix: '/oauth2/v1/token',
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      count: 1,
    });
    const err = await failure(requestToken(c));
    expect(err.type).toBe(OktaErrorType.OktaRateLimited);
    expect(err.nonRetryable).toBe(false);
    expect(Number(err.nextRetryDelay)).toBeGreaterThan(20_000);
  });
});

describe('authorization code + PKCE and refresh tokens', () => {
  it('with client_secret_basic stores the refresh token encrypted and refreshes with rotation', async () => {
    const store = join(dir, 'web.token');
    const c = (await web('web', store)) as OAuthConnection;
    const first = await authorize(c);
    expect(first.tokenType).toBe('Bearer');
    const storedAfterAuthorize = await readFile(store, 'utf8');
    expect(storedAfterAuthorize).toContain('temporal-okta/refresh-token/v1');

    const refreshed = await requestToken(c);
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(await readFile(store, 'utf8')).not.toBe(storedAfterAuthorize);
    expect(await listOneUser(c, refreshed)).toBe(200);
    // The rotated token is the one stored: a second refresh works too.
    expect(await listOneUser(c, await requestToken(c))).toBe(200);
  });

  it('with client_secret_post completes the flow and refreshes', async () => {
    const c = (await web('web-post', join(dir, 'web-post.token'))) as OAuthConnection;
    await authorize(c);
    expect((await requestToken(c)).tokenType).toBe('Bearer');
  });

  it('serialises concurrent refreshes so rotation never loses the refresh token', async () => {
    const c = (await web('web', join(dir, 'web-concurrent.token'))) as OAuthConnection;
    await authorize(c);
    const tokens = await Promise.all([requestToken(c), requestToken(c), requestToken(c)]);
    expect(new Set(tokens.map((x) => x.accessToken)).size).toBe(3);
  });

  it('fails with OktaAuthorizationRequired before the connection was authorised', async () => {
    const err = await failure(requestToken(await web('web', join(dir, 'never.token'))));
    expect(err.type).toBe(OktaErrorType.OktaAuthorizationRequired);
    expect(err.message).toContain('temporal-okta connections authorize test');
  });

  it('fails with OktaConnectionMisconfigured when the refresh-token store becomes unreadable at run time', async () => {
    const store = join(dir, 'web-unreadable.token');
    const c = (await web('web', store)) as OAuthConnection;
    await authorize(c);
    // Running as root ignores file modes: a directory in the file's place is unreadable for anyone.
    await rm(store);
    await mkdir(store);
    const err = await failure(requestToken(c));
    expect(err.type).toBe(OktaErrorType.OktaConnectionMisconfigured);
    expect(err.nonRetryable).toBe(true);
  });

  it('refuses a callback whose state does not match', async () => {
    const c = (await web('web', join(dir, 'state.token'))) as OAuthConnection;
    const { pending } = await startAuthorization(c);
    await expect(finishAuthorization(pending, '/callback?code=abc&state=forged')).rejects.toBeInstanceOf(
      ApplicationFailure,
    );
  });
});

describe('SSWS API token', () => {
  it('needs no token request, has no scopes, and works on the API', async () => {
    const c = await connection({ type: 'ssws', apiToken: { env: 'API_TOKEN' } });
    const token = await requestToken(c);
    expect(token).toMatchObject({ tokenType: 'SSWS', scopes: [], expiresAt: undefined });
    expect(await listOneUser(c, token)).toBe(200);
  });

  it('gets 401 for a token the org does not know', async () => {
    const c = await connection({ type: 'ssws', apiToken: { env: 'WRONG_TOKEN' } });
    expect(await listOneUser(c, await requestToken(c))).toBe(401);
  });
});

describe('DPoP with the nonces Okta requires', () => {
  /** The statuses of the requests to `path` since the log was last cleared. */
  async function statuses(path: string): Promise<number[]> {
    return (await t.controls.requests()).requests.filter((r) => r.path === path).map((r) => r.status);
  }

  it('client credentials: the token endpoint asks for a nonce once and the token works on the API', async () => {
    const c = await service('service-dpop', { dpop: true });
    await discoverOrg(c as OAuthConnection);
    await t.controls.clearRequests();
    const token = await requestToken(c);
    expect(token.tokenType).toBe('DPoP');
    expect(await listOneUser(c, token)).toBe(200);
    expect(await statuses('/oauth2/v1/token')).toEqual([400, 200]);
    expect(await statuses('/api/v1/users')).toEqual([200]);
  });

  it('authorization code and refresh token: a DPoP-bound code exchange, refreshes and API calls', async () => {
    const c = (await web('web-dpop', join(dir, 'web-dpop.token'), { dpop: true })) as OAuthConnection;
    const first = await authorize(c);
    expect(first.tokenType).toBe('DPoP');
    const refreshed = await requestToken(c);
    expect(refreshed.tokenType).toBe('DPoP');
    expect(await listOneUser(c, refreshed)).toBe(200);
    expect(await listOneUser(c, await requestToken(c))).toBe(200);
  });

  it('revokes a DPoP-bound access token: the API refuses it afterwards', async () => {
    const c = await service('service-dpop', { dpop: true });
    const token = await requestToken(c);
    expect(await listOneUser(c, token)).toBe(200);
    await revokeAccessToken(c, token);
    expect(await listOneUser(c, token)).toBe(401);
  });

  it('a nonce rotation of the API costs one retry of the call, and no new token', async () => {
    const c = await service('service-dpop', { dpop: true });
    const token = await requestToken(c);
    await t.controls.clearRequests();
    expect(await listOneUser(c, token)).toBe(200);
    expect(await listOneUser(c, token)).toBe(200);
    await t.controls.rotateDpopNonce();
    expect(await listOneUser(c, token)).toBe(200);
    expect(await listOneUser(c, token)).toBe(200);
    expect(await statuses('/api/v1/users')).toEqual([200, 200, 401, 200, 200]);
    expect(await statuses('/oauth2/v1/token')).toEqual([]);
  });

  it("keeps the API's nonce apart from the token endpoint's: switching between them costs no refused request", async () => {
    const c = await service('service-dpop', { dpop: true });
    await listOneUser(c, await requestToken(c));
    await t.controls.clearRequests();
    expect(await listOneUser(c, await requestToken(c))).toBe(200);
    expect(await listOneUser(c, await requestToken(c))).toBe(200);
    expect(await statuses('/oauth2/v1/token')).toEqual([200, 200]);
    expect(await statuses('/api/v1/users')).toEqual([200, 200]);
  });

  it('answers a second use_dpop_nonce in a row with a retryable OktaUnavailable, not a 401 for the token', async () => {
    const c = await service('service-dpop', { dpop: true });
    const token = await requestToken(c);
    await t.controls.addFault({
      pathPrefix: '/api/v1/users',
      status: 401,
      headers: {
        'www-authenticate':
          'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof."',
        'dpop-nonce': 'a-nonce-that-is-refused-again',
      },
      body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
      count: 2,
    });
    const err = await failure(listOneUser(c, token));
    expect(err.type).toBe(OktaErrorType.OktaUnavailable);
    expect(err.nonRetryable).toBe(false);
  });
});
