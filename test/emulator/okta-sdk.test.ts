import okta from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fetch } from '../../activities/transport.js';
import { orgClient } from 'temporal-okta-emulator/org';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { ORG } from './org-tokens.js';

/**
 * Okta's official Node SDK as an independent client of the emulator. The SDK lets callers supply the
 * request executor that performs its HTTP calls (README, "Building a Custom Request Executor"); this one
 * hands them to the project's transport, which trusts the emulator's CA and sends
 * `companyabc.okta.com` connections to the loopback port, so the SDK keeps the org URL, TLS and
 * certificate checks of a real org.
 */
class TransportRequestExecutor extends okta.RequestExecutor {
  constructor(private readonly fetchVia: Fetch) {
    super();
  }

  override fetch(
    request: Parameters<okta.RequestExecutor['fetch']>[0],
  ): ReturnType<okta.RequestExecutor['fetch']> {
    this.emit('request', request);
    const { url, method, headers, body } = request as {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    };
    return this.fetchVia(url, { method: method?.toUpperCase(), headers, body }).then((response) => {
      this.emit('response', response);
      // The SDK reads status, headers.get/forEach, text() and json(): a WHATWG Response provides them.
      return response as unknown as Awaited<ReturnType<okta.RequestExecutor['fetch']>>;
    });
  }
}

const SEEDED_USERS = 12;
let t: TestOrg;
let sdk: okta.Client;
const requests: string[] = [];

beforeAll(async () => {
  t = await startTestOrg({ seedUsers: SEEDED_USERS });
  const requestExecutor = new TransportRequestExecutor(t.fetch);
  requestExecutor.on('request', (request: { url: string }) => requests.push(request.url));
  // The SDK's response cache would answer repeated GETs itself; every call here must reach the org.
  sdk = new okta.Client({
    orgUrl: ORG.origin,
    token: t.org.apiToken,
    requestExecutor,
    cacheMiddleware: null,
  });
});
afterAll(() => t?.close());

/** Drains one of the SDK's collections, which fetches the next page itself when a page runs out. */
async function all<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item) items.push(item);
  return items;
}

describe('the Okta Node SDK (SSWS token) against the emulator over TLS', () => {
  let userId: string;
  const login = `sdk.${Date.now()}@example.com`;

  it('creates a user with a password, active', async () => {
    const user = await sdk.userApi.createUser({
      body: {
        profile: { login, email: login, firstName: 'Grace', lastName: 'Sdk' },
        credentials: { password: { value: 'Correct-Horse-Battery-9' } },
      },
      activate: true,
    });
    expect(user.status).toBe('ACTIVE');
    expect(user.profile?.login).toBe(login);
    userId = user.id!;
  });

  it('gets the user by id and by login', async () => {
    expect((await sdk.userApi.getUser({ userId })).profile?.email).toBe(login);
    expect((await sdk.userApi.getUser({ userId: login })).id).toBe(userId);
  });

  it('lists users across several pages with its own Link-header pagination', async () => {
    requests.length = 0;
    const users = await all(await sdk.userApi.listUsers({ limit: 5 }));
    const pageRequests = requests.filter((url) => url.startsWith(`${ORG.origin}/api/v1/users?`));
    expect(pageRequests.length).toBeGreaterThanOrEqual(3);
    expect(pageRequests.slice(1).every((url) => url.includes('after='))).toBe(true);
    expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
    expect(users.map((u) => u.id)).toContain(userId);
  });

  it('adds the user to a new group and lists the group’s members', async () => {
    const group = await sdk.groupApi.createGroup({
      group: { profile: { name: `SDK group ${Date.now()}`, description: 'sdk' } },
    });
    await sdk.groupApi.assignUserToGroup({ groupId: group.id!, userId });
    const members = await all(await sdk.groupApi.listGroupUsers({ groupId: group.id!, limit: 1 }));
    expect(members.map((m) => m.id)).toEqual([userId]);
    await sdk.groupApi.deleteGroup({ groupId: group.id! });
  });

  it('deactivates and deletes the user; then the user is not found', async () => {
    await sdk.userApi.deactivateUser({ userId });
    expect((await sdk.userApi.getUser({ userId })).status).toBe('DEPROVISIONED');
    await sdk.userApi.deleteUser({ userId });
    const err = await sdk.userApi.getUser({ userId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(okta.OktaApiError);
    expect(err).toMatchObject({ status: 404, errorCode: 'E0000007' });
  });
});

describe('the Okta Node SDK (private key OAuth) against the emulator over TLS', () => {
  function oauthClient(app: string, scopes: string[]): okta.Client {
    const c = orgClient(t.org, app);
    return new okta.Client({
      orgUrl: ORG.origin,
      authorizationMode: 'PrivateKey',
      clientId: c.clientId,
      scopes,
      privateKey: JSON.stringify(c.privateKeyJwk),
      keyId: c.privateKeyJwk!.kid,
      requestExecutor: new TransportRequestExecutor(t.fetch),
      cacheMiddleware: null,
    });
  }

  it('gets a token for the service app and lists users with it', async () => {
    const users = await all(
      await oauthClient('service', ['okta.users.read']).userApi.listUsers({ limit: 200 }),
    );
    expect(users.length).toBeGreaterThan(0);
  });

  it('surfaces 403 E0000006 when the service-readonly app creates a user', async () => {
    const readonly = oauthClient('service-readonly', ['okta.users.read']);
    const login = `sdk.readonly.${Date.now()}@example.com`;
    const err = await readonly.userApi
      .createUser({ body: { profile: { login, email: login, firstName: 'No', lastName: 'Write' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(okta.OktaApiError);
    expect(err).toMatchObject({ status: 403, errorCode: 'E0000006' });
  });
});
