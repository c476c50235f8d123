import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { MANAGEMENT_SPEC, openApiValidator, type OpenApiValidator } from '../helpers/openapi.js';
import { ORG, serviceConfig, serviceToken } from './org-tokens.js';

// Everything here goes over TLS to the emulator started by startEmulator, under the org's real domain,
// with real tokens from its authorization server: nothing is stubbed.
const SEEDED_USERS = 450;
let t: TestOrg;
let spec: OpenApiValidator;
let manageToken: string;

beforeAll(async () => {
  spec = openApiValidator(MANAGEMENT_SPEC);
  t = await startTestOrg({ seedUsers: SEEDED_USERS });
  manageToken = await serviceToken(t, 'service', 'okta.users.manage okta.groups.manage');
});
afterAll(() => t?.close());
afterEach(() => setRateLimits({ users: 600, 'users-by-id': 600 }));

type Answer = { status: number; headers: Headers; body: unknown };

async function api(method: string, url: string, token: string, body?: unknown): Promise<Answer> {
  const res = await t.fetch(new URL(url, ORG.origin), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Validates a response against the Management API operation its method and path resolve to. */
function expectConforms(method: string, url: string, answer: Answer): void {
  const { operationId } = spec.operation({ method, path: new URL(url, ORG.origin).pathname });
  spec.assertResponse({ operationId, status: answer.status, body: answer.body });
}

function nextLink(headers: Headers): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
}

async function setRateLimits(budgets: Record<string, number>): Promise<void> {
  const res = await t.fetch(`${ORG.origin}/__emulator/rate-limits`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${t.org.adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify(budgets),
  });
  expect(res.status).toBe(200);
}

const newUser = (login: string) => ({ profile: { login, email: login, firstName: 'Ada', lastName: 'Tls' } });

describe('the Management API over TLS with real OAuth tokens', () => {
  it('lists every seeded user that is not DEPROVISIONED exactly once by following absolute Link headers', async () => {
    const token = await serviceToken(t, 'service', 'okta.users.read');
    const ids = new Set<string>();
    let url: string | undefined = '/api/v1/users?limit=200';
    let pages = 0;
    while (url && pages < 10) {
      const page = await api('GET', url, token);
      expect(page.status).toBe(200);
      for (const user of page.body as { id: string }[]) ids.add(user.id);
      url = nextLink(page.headers);
      if (url) expect(url).toMatch(/^https:\/\/companyabc\.okta\.com\/api\/v1\/users\?/);
      pages++;
    }
    // Like Okta, a plain list leaves out DEPROVISIONED users; a search finds them.
    const deprovisioned = await api(
      'GET',
      `/api/v1/users?limit=200&search=${encodeURIComponent('status eq "DEPROVISIONED"')}`,
      token,
    );
    const deprovisionedCount = (deprovisioned.body as unknown[]).length;
    expect(deprovisionedCount).toBeGreaterThan(0);
    expect(pages).toBe(3);
    expect(ids.size).toBe(SEEDED_USERS - deprovisionedCount);
  });

  it('creates (PROVISIONED without a password), reads, deactivates and deletes a user with a service token', async () => {
    const login = `tls.lifecycle.${Date.now()}@example.com`;
    const created = await api('POST', '/api/v1/users?activate=true', manageToken, newUser(login));
    expect(created).toMatchObject({ status: 200, body: { status: 'PROVISIONED', profile: { login } } });
    const id = (created.body as { id: string }).id;
    expect((await api('GET', `/api/v1/users/${id}`, manageToken)).body).toMatchObject({
      id,
      profile: { login },
    });
    expect((await api('POST', `/api/v1/users/${id}/lifecycle/deactivate`, manageToken)).status).toBe(200);
    expect((await api('GET', `/api/v1/users/${id}`, manageToken)).body).toMatchObject({
      status: 'DEPROVISIONED',
    });
    expect((await api('DELETE', `/api/v1/users/${id}`, manageToken)).status).toBe(204);
    expect((await api('GET', `/api/v1/users/${id}`, manageToken)).status).toBe(404);
  });

  it('answers 403 E0000006 with an insufficient_scope challenge when a service-readonly token writes', async () => {
    const token = await serviceToken(t, 'service-readonly', 'okta.users.read okta.groups.read');
    expect((await api('GET', '/api/v1/users?limit=1', token)).status).toBe(200);
    const refused = await api('POST', '/api/v1/users', token, newUser(`readonly.${Date.now()}@example.com`));
    expect(refused).toMatchObject({ status: 403, body: { errorCode: 'E0000006' } });
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(refused.headers.get('www-authenticate')).toMatch(/scope="okta\.users\.manage"/);
  });

  it('answers 401 E0000011 to a token its app revoked', async () => {
    const token = await serviceToken(t, 'service', 'okta.users.read');
    await client.tokenRevocation(await serviceConfig(t, 'service', ORG.revoke), token);
    const refused = await api('GET', '/api/v1/users?limit=1', token);
    expect(refused).toMatchObject({
      status: 401,
      body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
    });
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('does not let one app revoke another app’s token', async () => {
    const token = await serviceToken(t, 'service', 'okta.users.read');
    await client.tokenRevocation(await serviceConfig(t, 'service-readonly', ORG.revoke), token);
    expect((await api('GET', '/api/v1/users?limit=1', token)).status).toBe(200);
  });

  it('tells another app that introspects a token it did not issue that the token is inactive', async () => {
    const token = await serviceToken(t, 'service', 'okta.users.read');
    const other = await client.tokenIntrospection(
      await serviceConfig(t, 'service-readonly', ORG.introspect),
      token,
    );
    expect(other).toEqual({ active: false });
    const own = await client.tokenIntrospection(await serviceConfig(t, 'service', ORG.introspect), token);
    expect(own.active).toBe(true);
  });

  it('answers 429 E0000047 with X-Rate-Limit headers past the budget', async () => {
    await setRateLimits({ users: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await api('GET', '/api/v1/users?limit=1', manageToken));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    const limited = answers[2]!;
    expect(limited.body).toMatchObject({ errorCode: 'E0000047' });
    expect(limited.headers.get('x-rate-limit-limit')).toBe('2');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset - Date.now() / 1000).toBeGreaterThan(0);
    expect(reset - Date.now() / 1000).toBeLessThanOrEqual(61);
  });
});

describe('tokens for the Management API', () => {
  it('refuses an okta.* scope the app was not granted, okta.apps.read included, with invalid_scope', async () => {
    for (const scope of ['okta.users.manage', 'okta.apps.read']) {
      const err = await serviceToken(t, 'service-readonly', scope).catch((e: unknown) => e);
      expect(err, scope).toMatchObject({ error: 'invalid_scope' });
    }
  });

  it('issues a Bearer token to an app that does not require DPoP even when the request carries a proof', async () => {
    const config = await serviceConfig(t, 'service');
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'okta.users.read' }, { DPoP });
    expect(tokens.token_type).toBe('bearer');
    expect((await api('GET', '/api/v1/users?limit=1', tokens.access_token)).status).toBe(200);
  });
});

describe('a sample of Management API responses over TLS conforms to management-minimal.yaml', () => {
  it('list, get, create, 400, 401, 403, 404 and 429 responses conform', async () => {
    const readOnly = await serviceToken(t, 'service-readonly', 'okta.users.read');
    const login = `tls.contract.${Date.now()}@example.com`;
    const samples: [string, string, string, unknown?][] = [
      ['GET', '/api/v1/users?limit=3', manageToken],
      ['GET', '/api/v1/groups?limit=3', manageToken],
      ['POST', '/api/v1/users?activate=false', manageToken, newUser(login)],
      ['POST', '/api/v1/users', manageToken, { profile: { login: 'not-an-email' } }],
      ['GET', '/api/v1/users?limit=1', 'not-a-token'],
      ['POST', '/api/v1/users', readOnly, newUser(`x.${login}`)],
      ['GET', '/api/v1/users/00uDoesNotExist00000', manageToken],
    ];
    const statuses = [];
    for (const [method, url, token, body] of samples) {
      const answer = await api(method, url, token, body);
      expectConforms(method, url, answer);
      statuses.push(answer.status);
    }
    const id = (
      (await api('GET', `/api/v1/users/${encodeURIComponent(login)}`, manageToken)).body as { id: string }
    ).id;
    const fetched = await api('GET', `/api/v1/users/${id}`, manageToken);
    expectConforms('GET', `/api/v1/users/${id}`, fetched);
    await setRateLimits({ users: 0 });
    const limited = await api('GET', '/api/v1/users', manageToken);
    expectConforms('GET', '/api/v1/users', limited);
    expect([...statuses, fetched.status, limited.status]).toEqual([
      200, 200, 200, 400, 401, 403, 404, 200, 429,
    ]);
  });
});

describe('reset', () => {
  it('restores the start seed with the same ids and forgets issued tokens', async () => {
    const before = (await api('GET', '/api/v1/users?limit=5', manageToken)).body as { id: string }[];
    const login = `reset.${Date.now()}@example.com`;
    expect((await api('POST', '/api/v1/users', manageToken, newUser(login))).status).toBe(200);
    await t.controls.reset();
    expect((await api('GET', '/api/v1/users?limit=1', manageToken)).status).toBe(401);
    manageToken = await serviceToken(t, 'service', 'okta.users.manage okta.groups.manage');
    const after = (await api('GET', '/api/v1/users?limit=5', manageToken)).body as { id: string }[];
    expect(after.map((u) => u.id)).toEqual(before.map((u) => u.id));
    expect((await api('GET', `/api/v1/users/${encodeURIComponent(login)}`, manageToken)).status).toBe(404);
  });
});
