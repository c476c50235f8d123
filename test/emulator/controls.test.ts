import { importJWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orgClient } from 'temporal-okta-emulator/org';
import { defaultRateLimitBudgets } from 'temporal-okta-emulator/rate-limits';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';

let t: TestOrg;
const origin = 'https://companyabc.okta.com';

beforeAll(async () => {
  t = await startTestOrg();
});
afterAll(() => t?.close());
afterEach(() => t.controls.clearFaults());

async function getToken(scope = 'okta.users.read'): Promise<string> {
  const c = orgClient(t.org, 'service');
  const jwk = c.privateKeyJwk!;
  const key = { key: (await importJWK(jwk, jwk.alg)) as client.CryptoKey, kid: jwk.kid };
  const config = await client.discovery(
    new URL(origin),
    c.clientId,
    undefined,
    client.PrivateKeyJwt(key, {
      [client.modifyAssertion]: (_h, payload) => {
        payload.aud = `${origin}/oauth2/v1/token`;
      },
    }),
    { [client.customFetch]: t.fetch },
  );
  return (await client.clientCredentialsGrant(config, { scope })).access_token;
}

const users = (token?: string) =>
  t.fetch(`${origin}/api/v1/users?limit=1`, token ? { headers: { authorization: `SSWS ${token}` } } : {});

describe('test controls', () => {
  it('refuses every control without the admin secret', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${t.org.apiToken}`]) {
      const res = await t.fetch(
        `${origin}/__emulator/tokens`,
        authorization ? { headers: { authorization } } : {},
      );
      expect(res.status).toBe(401);
    }
  });

  it('answers the next N matching requests with the injected status, then serves normally', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 503, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await users(t.org.apiToken)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('leaves requests of another method or path alone', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/groups', status: 500 });
    await t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'POST', status: 500 });
    expect((await users(t.org.apiToken)).status).toBe(200);
  });

  it('never fires a fault whose fraction is 0 and always fires one whose fraction is 1', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/users', status: 500, fraction: 0 });
    expect((await users(t.org.apiToken)).status).toBe(200);
    await t.controls.addFault({ pathPrefix: '/api/v1/users', status: 429, fraction: 1, count: 1 });
    const res = await users(t.org.apiToken);
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ errorCode: 'E0000047' });
  });

  it('delays matching requests by the injected latency', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/users', latencyMs: 300, count: 1 });
    const started = performance.now();
    const res = await users(t.org.apiToken);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('drops the connection of a matching request without a response', async () => {
    await t.controls.addFault({ pathPrefix: '/oauth2/v1/token', drop: true, count: 1 });
    await expect(getToken()).rejects.toThrow();
    await expect(getToken()).resolves.toEqual(expect.any(String));
  });

  it('serves a request whose response it drops, so a create takes effect though the caller sees no answer', async () => {
    await t.controls.clearRequests();
    const { id } = await t.controls.addFault({
      pathPrefix: '/api/v1/users',
      method: 'POST',
      dropResponse: true,
      count: 1,
    });
    const login = 'lost.answer@example.com';
    const create = t.fetch(`${origin}/api/v1/users?activate=false`, {
      method: 'POST',
      headers: { authorization: `SSWS ${t.org.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { login, email: login, firstName: 'Lost', lastName: 'Answer' } }),
    });

    await expect(create).rejects.toThrow();
    const found = await t.fetch(`${origin}/api/v1/users/${encodeURIComponent(login)}`, {
      headers: { authorization: `SSWS ${t.org.apiToken}` },
    });
    expect(found.status).toBe(200);
    expect((await t.controls.requests()).requests).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/api/v1/users', status: 0, faultId: id }),
    );
  });

  it('rejects a fault with nothing to do', async () => {
    const res = await t.fetch(`${origin}/__emulator/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.org.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pathPrefix: '/api/v1/users' }),
    });
    expect(res.status).toBe(400);
  });

  it('counts token requests per endpoint with the client id and grant type', async () => {
    await t.controls.clearRequests();
    await getToken();
    await getToken();
    const log = await t.controls.requests();
    expect(log.counts['POST /oauth2/v1/token']).toBe(2);
    const entry = log.requests.find((r) => r.path === '/oauth2/v1/token');
    expect(entry).toMatchObject({
      method: 'POST',
      status: 200,
      clientId: orgClient(t.org, 'service').clientId,
      grantType: 'client_credentials',
    });
  });

  it('lists every access token issued, so tests can search logs for leaks', async () => {
    const token = await getToken();
    const tokens = await t.controls.tokens();
    expect(tokens).toContainEqual(
      expect.objectContaining({
        kind: 'access_token',
        value: token,
        clientId: orgClient(t.org, 'service').clientId,
      }),
    );
  });

  it('revokes every issued access token: the next API call with one gets 401 E0000011, a new token works', async () => {
    const [first, second] = [await getToken(), await getToken()];
    const call = (token: string) =>
      t.fetch(`${origin}/api/v1/users?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call(first)).status).toBe(200);

    expect(await t.controls.revokeTokens()).toBeGreaterThanOrEqual(2);

    for (const token of [first, second]) {
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await res.json()).toMatchObject({ errorCode: 'E0000011' });
    }
    expect((await call(await getToken())).status).toBe(200);
  });

  it('applies rate-limit budgets set through the client: past the budget a call gets 429 E0000047', async () => {
    await t.controls.setRateLimits({ users: 1 });
    try {
      expect((await users(t.org.apiToken)).status).toBe(200);
      const limited = await users(t.org.apiToken);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ errorCode: 'E0000047' });
    } finally {
      await t.controls.setRateLimits({ users: defaultRateLimitBudgets.users });
    }
  });

  it('reset with empty forgets issued tokens and empties the org; seed fills it again', async () => {
    const token = await getToken();
    await t.controls.reset({ empty: true });
    const res = await t.fetch(`${origin}/api/v1/users?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(await t.controls.tokens()).toEqual([]);
    expect(await (await users(t.org.apiToken)).json()).toEqual([]);
    await t.controls.seed({ users: 3 });
    expect(await (await users(t.org.apiToken)).json()).toHaveLength(1);
  });
});
