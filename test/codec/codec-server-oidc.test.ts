import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetch, type Fetch } from '../../activities/transport.js';
import { startCodecServer, type CodecServer, type CodecServerOidcAuth } from '../../client/codec-server.js';
import { ensureTls, type EmulatorTls } from 'temporal-okta-emulator/tls';
import { AesGcmPayloadCodec } from '../../worker/codec.js';
import { generateCodecKey } from '../../worker/keys.js';
import { fromWire, keyringOf, payloadOf, profile, toWire, type WirePayload } from './helpers.js';

/**
 * The codec server in production mode, over TLS, against a real OIDC issuer on HTTPS: a discovery document
 * and a JWKS served from a local CA's certificate, and access tokens signed with the issuer's key, as the
 * Web UI's "pass access token" sends them (`Authorization: Bearer <the signed-in user's access token>`).
 */

const UI_ORIGIN = 'https://temporal.companyabc.example';
const AUDIENCE = 'api://temporal-ui';
const ALLOWED_USER = 'grace.hopper@companyabc.example';
const ALLOWED_GROUP = 'temporal-admins';
const keys = keyringOf(generateCodecKey('server-key'));
const codec = new AesGcmPayloadCodec(keys);

let stateDir: string;
let tls: EmulatorTls;
let trusting: Fetch;
let issuerServer: Server;
let issuer: string;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let server: CodecServer;
let jwks: { keys: object[] };
const logged: string[] = [];

/** An access token as the issuer mints it for the Web UI: RS256, its key id, five minutes. */
function accessToken(
  claims: JWTPayload,
  { key = signingKey, iss = issuer, aud = AUDIENCE, exp = '5m' as string | number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'issuer-key' })
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key);
}

/** An OIDC issuer on HTTPS with the local CA's certificate: its discovery document and its keys. */
async function startIssuer(keySet: { keys: object[] }): Promise<{ server: Server; issuer: string }> {
  let self = '';
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const body =
      req.url === '/oauth2/default/.well-known/openid-configuration'
        ? { issuer: self, jwks_uri: `${self}/v1/keys` }
        : req.url === '/oauth2/default/v1/keys'
          ? keySet
          : undefined;
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `https://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/default`;
  return { server, issuer: self };
}

function oidcAuth(overrides: Partial<CodecServerOidcAuth> = {}): CodecServerOidcAuth {
  return {
    kind: 'oidc',
    issuer,
    audience: AUDIENCE,
    allowedUsers: [ALLOWED_USER],
    allowedGroups: [ALLOWED_GROUP],
    fetch: trusting,
    ...overrides,
  };
}

async function decode(authorization?: string): Promise<Response> {
  const [encrypted] = await codec.encode([payloadOf(profile)]);
  return trusting(`${server.url}/decode`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Namespace': 'default',
      Origin: UI_ORIGIN,
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: JSON.stringify({ payloads: [toWire(encrypted!)] }),
  });
}

async function decodedProfile(response: Response): Promise<unknown> {
  const { payloads } = (await response.json()) as { payloads: WirePayload[] };
  return defaultPayloadConverter.fromPayload(fromWire(payloads[0]!));
}

async function refusal(response: Response): Promise<string> {
  const text = await response.text();
  expect(text).not.toContain(profile.login);
  return (JSON.parse(text) as { error: string }).error;
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'codec-oidc-'));
  tls = await ensureTls({ stateDir, domain: 'issuer.companyabc.example' });
  trusting = createFetch({ ca: tls.caPem });
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  jwks = {
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'issuer-key', alg: 'RS256', use: 'sig' }],
  };

  ({ server: issuerServer, issuer } = await startIssuer(jwks));

  server = await startCodecServer({
    keys,
    auth: oidcAuth(),
    tls: { cert: tls.certPem, key: tls.keyPem },
    allowedOrigins: [UI_ORIGIN],
    logger: { error: (line) => logged.push(line) },
  });
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => issuerServer?.close(resolve));
  issuerServer?.closeAllConnections();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('codec server with OIDC access tokens, over TLS', () => {
  it('serves HTTPS with the given certificate', async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect({ host: hostname, port: Number(port), ca: tls.caPem });
    const presented = await new Promise<string>((resolve, reject) => {
      socket.once('secureConnect', () => resolve(socket.getPeerX509Certificate()!.fingerprint256));
      socket.once('error', reject);
    }).finally(() => socket.destroy());

    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(presented).toBe(new X509Certificate(tls.certPem).fingerprint256);
  });

  it("decodes for an allowed user's access token", async () => {
    const response = await decode(`Bearer ${await accessToken({ sub: ALLOWED_USER })}`);

    expect(response.status).toBe(200);
    expect(await decodedProfile(response)).toEqual(profile);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  it('matches the allowed user whatever the case of the login', async () => {
    const response = await decode(`Bearer ${await accessToken({ sub: ALLOWED_USER.toUpperCase() })}`);

    expect(response.status).toBe(200);
  });

  it('decodes for a member of an allowed group', async () => {
    const token = await accessToken({
      sub: 'alan.turing@companyabc.example',
      groups: ['Everyone', ALLOWED_GROUP],
    });

    const response = await decode(`Bearer ${token}`);

    expect(response.status).toBe(200);
    expect(await decodedProfile(response)).toEqual(profile);
  });

  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const response = await decode();

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="codec-server"/);
    expect(await refusal(response)).toContain('Missing bearer token');
  });

  it('refuses an expired token with 401 saying it expired', async () => {
    const expired = await accessToken({ sub: ALLOWED_USER }, { exp: Math.floor(Date.now() / 1000) - 120 });

    const response = await decode(`Bearer ${expired}`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await refusal(response)).toBe('The access token has expired.');
  });

  it('refuses a token for another audience with 401 naming the expected one', async () => {
    const token = await accessToken({ sub: ALLOWED_USER }, { aud: 'api://another-app' });

    const response = await decode(`Bearer ${token}`);

    expect(response.status).toBe(401);
    expect(await refusal(response)).toContain(`not for this codec server (audience ${AUDIENCE})`);
  });

  it('refuses a token that names another issuer with 401, even signed with the right key', async () => {
    const token = await accessToken(
      { sub: ALLOWED_USER },
      { iss: 'https://elsewhere.example/oauth2/default' },
    );

    const response = await decode(`Bearer ${token}`);

    expect(response.status).toBe(401);
    expect(await refusal(response)).toBe(`The access token was not issued by ${issuer}.`);
  });

  it("refuses a token signed by a key that is not the issuer's with 401", async () => {
    const token = await accessToken({ sub: ALLOWED_USER }, { key: strangerKey });

    const response = await decode(`Bearer ${token}`);

    expect(response.status).toBe(401);
    expect(await refusal(response)).toBe(`The access token is not signed by a key of ${issuer}.`);
  });

  it('refuses a bearer that is not a JWT with 401', async () => {
    const response = await decode('Bearer an-opaque-static-secret-0123456789');

    expect(response.status).toBe(401);
    expect(await refusal(response)).toBe('The bearer token is not a signed JWT access token.');
  });

  it('refuses the valid token of a user neither allowed nor in an allowed group with 403 naming the user', async () => {
    const token = await accessToken({ sub: 'mallory@companyabc.example', groups: ['Everyone'] });

    const response = await decode(`Bearer ${token}`);

    expect(response.status).toBe(403);
    expect(await refusal(response)).toContain(
      '"mallory@companyabc.example" is not allowed to decode payloads',
    );
  });

  it('reads the user and groups from the claims it is told to', async () => {
    const custom = await startCodecServer({
      keys,
      auth: oidcAuth({ allowedUsers: [], allowedGroups: ['Ops'], groupsClaim: 'roles' }),
      allowedOrigins: [UI_ORIGIN],
    });
    try {
      const allowed = await accessToken({ sub: 'ops@companyabc.example', roles: ['Ops'] });
      const inGroupsOnly = await accessToken({ sub: 'ops@companyabc.example', groups: ['Ops'] });
      const call = (token: string) =>
        fetch(`${custom.url}/decode`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ payloads: [] }),
        });

      expect((await call(allowed)).status).toBe(200);
      expect((await call(inGroupsOnly)).status).toBe(403);
    } finally {
      await custom.close();
    }
  });

  it("answers 503, not 401, when the issuer's keys cannot be fetched", async () => {
    // Its own issuer, stopped once the codec server has read the discovery document.
    const { server: stopped, issuer: own } = await startIssuer(jwks);
    const codecServer = await startCodecServer({ keys, auth: oidcAuth({ issuer: own }) });
    await new Promise((resolve) => stopped.close(resolve));
    stopped.closeAllConnections();
    try {
      const token = await accessToken({ sub: ALLOWED_USER }, { iss: own });
      const response = await fetch(`${codecServer.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ payloads: [] }),
      });

      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toBe(
        `Could not get the signing keys of ${own}; try again.`,
      );
    } finally {
      await codecServer.close();
    }
  });

  it('never logs a token it was given', () => {
    // Every request above went through this server's logger; nothing it logged may carry a JWT.
    expect(logged.join('\n')).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it("refuses to start when the issuer's discovery document names another issuer", async () => {
    const wrong = issuer.replace('127.0.0.1', 'localhost');

    await expect(startCodecServer({ keys, auth: oidcAuth({ issuer: wrong }) })).rejects.toThrow(
      `names the issuer "${issuer}", not ${wrong}`,
    );
  });

  it('refuses to start without an allowed user or group', async () => {
    await expect(
      startCodecServer({ keys, auth: oidcAuth({ allowedUsers: [], allowedGroups: [] }) }),
    ).rejects.toThrow('at least one allowed user or group');
  });
});
