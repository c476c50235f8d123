import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportJWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { USE_DPOP_NONCE_DESCRIPTION } from 'temporal-okta-emulator/auth/provider';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { MANAGEMENT_SPEC, OAUTH_SPEC, openApiValidator } from '../helpers/openapi.js';
import { assertionFields, ORG, serviceConfig } from './org-tokens.js';

/**
 * DPoP nonces as Okta does them, and the Management API's checks of DPoP proofs as a resource server.
 * Tokens come from openid-client (real client credentials with private_key_jwt for the `service-dpop`
 * app); the proofs sent to the API are made here with jose, so each test can get one thing wrong.
 */

let t: TestOrg;
let keys: client.CryptoKeyPair;
let accessToken: string;

const USERS = `${ORG.origin}/api/v1/users`;

beforeAll(async () => {
  t = await startTestOrg({ seedUsers: 3 });
  keys = await client.randomDPoPKeyPair('ES256');
  const config = await serviceConfig(t, 'service-dpop');
  const DPoP = client.getDPoPHandle(config, keys);
  accessToken = (await client.clientCredentialsGrant(config, { scope: 'okta.users.read' }, { DPoP }))
    .access_token;
});
afterAll(() => t?.close());
beforeEach(() => t.controls.clearRequests());
afterEach(() => t.controls.configureDpopNonce({}));

interface ProofClaims {
  htm?: string;
  htu?: string;
  ath?: string;
  nonce?: string;
  iat?: number;
  jti?: string;
}

/** A DPoP proof (RFC 9449 section 4.2) signed with `signer`; by default right for `GET /api/v1/users`. */
async function proof(claims: ProofClaims = {}, signer: client.CryptoKeyPair = keys): Promise<string> {
  const jwk = await exportJWK(signer.publicKey);
  const payload: Record<string, unknown> = {
    htm: 'GET',
    htu: USERS,
    ath: createHash('sha256').update(accessToken).digest('base64url'),
    ...claims,
  };
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .setJti(claims.jti ?? randomUUID())
    .sign(signer.privateKey);
}

/** `GET /api/v1/users?limit=1` with the DPoP-bound token and the given proof. */
async function listUsers(dpop: string, url = `${USERS}?limit=1`): Promise<Response> {
  return t.fetch(url, {
    headers: { authorization: `DPoP ${accessToken}`, dpop, accept: 'application/json' },
  });
}

/** The nonce the Management API hands out now (every answer to an accepted DPoP request carries it). */
async function currentNonce(): Promise<string> {
  const res = await listUsers(await proof());
  await res.body?.cancel();
  expect(res.status).toBe(200);
  return res.headers.get('dpop-nonce')!;
}

function challenge(res: Response): string {
  return res.headers.get('www-authenticate') ?? '';
}

describe('the token endpoint', () => {
  /** A raw client credentials request of the DPoP-required app with the given proof. */
  async function tokenRequest(dpop: string): Promise<Response> {
    return t.fetch(ORG.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', dpop },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'okta.users.read',
        ...(await assertionFields(t, 'service-dpop', ORG.token)),
      }).toString(),
    });
  }

  it('answers a proof without a nonce with 400 use_dpop_nonce, Okta description and a DPoP-Nonce header', async () => {
    const res = await tokenRequest(await proof({ htm: 'POST', htu: ORG.token, ath: undefined }));
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body).toEqual({ error: 'use_dpop_nonce', error_description: USE_DPOP_NONCE_DESCRIPTION });
    expect(res.headers.get('dpop-nonce')).toMatch(/^[\w-]{20,}$/);
    openApiValidator(OAUTH_SPEC).assertResponse({ operationId: 'token', status: 400, body });
  });

  it('issues a DPoP-bound token to a proof that carries the nonce it was given', async () => {
    const first = await tokenRequest(await proof({ htm: 'POST', htu: ORG.token, ath: undefined }));
    await first.body?.cancel();
    const nonce = first.headers.get('dpop-nonce')!;
    const res = await tokenRequest(await proof({ htm: 'POST', htu: ORG.token, ath: undefined, nonce }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'DPoP' });
  });

  it('refuses a nonce the Management API issued: each server accepts only its own', async () => {
    const nonce = await currentNonce();
    const res = await tokenRequest(await proof({ htm: 'POST', htu: ORG.token, ath: undefined, nonce }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'use_dpop_nonce' });
  });

  it("costs openid-client one retry: its first proof has no nonce, the retry has the server's", async () => {
    const config = await serviceConfig(t, 'service-dpop');
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'okta.users.read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const statuses = (await t.controls.requests()).requests
      .filter((r) => r.path === '/oauth2/v1/token')
      .map((r) => r.status);
    expect(statuses).toEqual([400, 200]);
  });
});

describe('the Management API as a DPoP resource server', () => {
  it('accepts a proof without a nonce, as Okta does today, and hands out its nonce with the answer', async () => {
    const res = await listUsers(await proof());
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(1);
    expect(res.headers.get('dpop-nonce')).toMatch(/^[\w-]{20,}$/);
  });

  it('accepts a proof with its current nonce', async () => {
    const res = await listUsers(await proof({ nonce: await currentNonce() }));
    await res.body?.cancel();
    expect(res.status).toBe(200);
  });

  it('answers a stale nonce with 401 use_dpop_nonce, the new nonce and an Okta error body', async () => {
    const stale = await currentNonce();
    await t.controls.rotateDpopNonce();
    const res = await listUsers(await proof({ nonce: stale }));
    const body = await res.json();
    expect(res.status).toBe(401);
    expect(challenge(res)).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    const fresh = res.headers.get('dpop-nonce');
    expect(fresh).toMatch(/^[\w-]{20,}$/);
    expect(fresh).not.toBe(stale);
    const spec = openApiValidator(MANAGEMENT_SPEC);
    const { operationId } = spec.operation({ method: 'GET', path: '/api/v1/users' });
    spec.assertResponse({ operationId, status: 401, body });
    const retry = await listUsers(await proof({ nonce: fresh! }));
    await retry.body?.cancel();
    expect(retry.status).toBe(200);
  });

  it('refuses a proof without a nonce with use_dpop_nonce when configured to require one', async () => {
    await t.controls.configureDpopNonce({ requireNonce: true });
    const res = await listUsers(await proof());
    await res.body?.cancel();
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain('error="use_dpop_nonce"');
    expect(res.headers.get('dpop-nonce')).toBeTruthy();
  });

  it('rotates its nonce after the configured number of requests and announces the new one in that answer', async () => {
    await t.controls.configureDpopNonce({ rotateAfterRequests: 2 });
    const first = await currentNonce();
    const second = await listUsers(await proof({ nonce: first }));
    await second.body?.cancel();
    expect(second.status).toBe(200);
    const next = second.headers.get('dpop-nonce');
    expect(next).not.toBe(first);
    const stale = await listUsers(await proof({ nonce: first }));
    await stale.body?.cancel();
    expect(stale.status).toBe(401);
    const fresh = await listUsers(await proof({ nonce: next! }));
    await fresh.body?.cancel();
    expect(fresh.status).toBe(200);
  });

  it('rotates its nonce once it is older than the configured age', async () => {
    await t.controls.configureDpopNonce({ rotateAfterSeconds: 1 });
    const nonce = await currentNonce();
    await sleep(1_100);
    const res = await listUsers(await proof({ nonce }));
    await res.body?.cancel();
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain('error="use_dpop_nonce"');
  });

  it('refuses a proof whose ath is not the hash of the access token', async () => {
    const ath = createHash('sha256').update(`${accessToken}x`).digest('base64url');
    const res = await listUsers(await proof({ ath }));
    await res.body?.cancel();
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain('error="invalid_dpop_proof"');
  });

  it('refuses a proof without ath', async () => {
    const res = await listUsers(await proof({ ath: undefined }));
    await res.body?.cancel();
    expect(challenge(res)).toContain('error="invalid_dpop_proof"');
  });

  it('refuses a proof whose htu is another URL', async () => {
    const res = await listUsers(await proof({ htu: `${ORG.origin}/api/v1/groups` }));
    await res.body?.cancel();
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain('error="invalid_dpop_proof"');
  });

  it('compares htu without query and fragment', async () => {
    const res = await listUsers(await proof({ htu: `${USERS}?limit=99#top` }), `${USERS}?limit=1`);
    await res.body?.cancel();
    expect(res.status).toBe(200);
  });

  it('refuses a proof whose htm is another method', async () => {
    const res = await listUsers(await proof({ htm: 'POST' }));
    await res.body?.cancel();
    expect(challenge(res)).toContain('error="invalid_dpop_proof"');
  });

  it('refuses a proof signed with a key other than the one the token is bound to (cnf.jkt)', async () => {
    const res = await listUsers(await proof({}, await client.randomDPoPKeyPair('ES256')));
    await res.body?.cancel();
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain('error="invalid_dpop_proof"');
  });

  it('refuses a replayed proof: the same jti twice', async () => {
    const once = await proof();
    const first = await listUsers(once);
    await first.body?.cancel();
    expect(first.status).toBe(200);
    const again = await listUsers(once);
    await again.body?.cancel();
    expect(again.status).toBe(401);
    expect(challenge(again)).toContain('error="invalid_dpop_proof"');
  });

  it('refuses a proof whose iat is more than five minutes old', async () => {
    const res = await listUsers(await proof({ iat: Math.floor(Date.now() / 1000) - 301 }));
    await res.body?.cancel();
    expect(challenge(res)).toContain('error="invalid_dpop_proof"');
  });
});
