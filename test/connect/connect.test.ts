import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivitiesWith, createOktaActivities } from '../../activities/create-activities.js';
import { createTokenCache, type TokenCache } from '../../activities/token-cache.js';
import type { ConnectInput } from '../../common/contract.js';
import { OktaErrorType } from '../../common/errors.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { EXTRA_CONNECTIONS, rejectionOf, startConnectTestOrg, type ConnectTestOrg } from './org.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/** One session keyring for every worker of this file, as a fleet shares one. */
const sessionKeys = testSessionKeys();

/**
 * The Connect activity (docs/ARCHITECTURE.md §2) called directly, as a worker runs it: real connections file,
 * real openid-client, the emulated org over TLS under its own domain. Workflow-level behaviour (which
 * failures the workflow sees, retries) is in connect-workflows.test.ts.
 */

const BUILD_ID = 'connect-test-build';
const ALL_SCOPES = ['okta.groups.manage', 'okta.groups.read', 'okta.users.manage', 'okta.users.read'];
/** What the `okta-automation` connection requests beyond the four it requires. */
const LIFECYCLE_SCOPES = [
  'okta.apps.manage',
  'okta.apps.read',
  'okta.logs.read',
  'okta.roles.manage',
  'okta.roles.read',
];
const TOKEN = 'POST /oauth2/v1/token';

let t: ConnectTestOrg;
let tokens: TokenCache;
let activities: ReturnType<typeof createOktaActivities>;

beforeAll(async () => {
  t = await startConnectTestOrg();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  tokens = createTokenCache();
  activities = createActivitiesWith(
    { connections: t.connections, buildId: BUILD_ID, sessionKeys },
    { tokens },
  );
  await t.controls.clearRequests();
});
afterEach(async () => {
  await t.controls.clearFaults();
});

function input(connection: string, domain: string = t.domain): ConnectInput {
  return {
    domain,
    connection,
    session: { kind: 'local', name: 'okta' },
    workflowId: 'connect-test',
    runId: 'run-1',
  };
}

async function connectFailure(connection: string, domain?: string): Promise<ApplicationFailure> {
  const err = await rejectionOf(activities.oktaConnect(input(connection, domain)));
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

async function requestCount(endpoint: string): Promise<number> {
  return (await t.controls.requests()).counts[endpoint] ?? 0;
}

describe('Connect accepts the domain forms of section 2', () => {
  it.each([
    ['the bare org domain', (d: string) => d],
    ['an https:// prefix', (d: string) => `https://${d}`],
    ['an https:// prefix and a trailing slash', (d: string) => `https://${d}/`],
    ['upper case and surrounding spaces', (d: string) => `  HTTPS://${d.toUpperCase()}/ `],
  ])('%s, and records the normalised domain in the session', async (_name, form) => {
    const session = await activities.oktaConnect(input(EMULATOR_CONNECTIONS.service, form(t.domain)));
    expect(session.domain).toBe(t.domain);
  });
});

describe('Connect rejects a malformed domain with OktaInvalidDomain before any network call', () => {
  it.each([
    ['whitespace only', '   '],
    ['the http scheme', 'http://companyabc.okta.com'],
    ['a path', 'https://companyabc.okta.com/oauth2/default'],
    ['a query', 'companyabc.okta.com?x=1'],
    ['a fragment', 'companyabc.okta.com#top'],
    ['user info', 'https://admin@companyabc.okta.com'],
    ['a port', 'companyabc.okta.com:8443'],
    ['an IPv4 address', '127.0.0.1'],
    ['an IPv6 address', '[::1]'],
    ['a wildcard', '*.okta.com'],
    ['the admin console host', 'companyabc-admin.okta.com'],
    ['a doubled suffix', 'companyabc.okta.com.com'],
    ['an undeclared custom domain', 'login.companyabc.com'],
    ["Okta's apex domain", 'okta.com'],
  ])('%s', async (_name, domain) => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service, domain);
    expect(failure.type).toBe(OktaErrorType.OktaInvalidDomain);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/Enter|declare/);
    expect((await t.controls.requests()).requests).toHaveLength(0);
  });

  it('an empty domain is refused earlier, as OktaInvalidInput naming the domain field', async () => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service, '');
    expect(failure.type).toBe(OktaErrorType.OktaInvalidInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('domain:');
  });

  it('names the org domain to use instead of the admin console host', async () => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service, 'https://companyabc-admin.okta.com/');
    expect(failure.message).toContain('Enter "companyabc.okta.com" instead');
  });
});

describe('Connect with each grant and client authentication', () => {
  it('client credentials with private_key_jwt: a Bearer token with the four required okta.* scopes and the apps, logs and roles ones the connection requests, one token request', async () => {
    const session = await activities.oktaConnect(input(EMULATOR_CONNECTIONS.service));
    expect([...session.scopes].sort()).toEqual([...ALL_SCOPES, ...LIFECYCLE_SCOPES].sort());
    expect(
      (
        await tokens.get(t.connections.get(session.connection)!, () =>
          Promise.reject(new Error('not cached')),
        )
      ).tokenType,
    ).toBe('Bearer');
    const { requests } = await t.controls.requests();
    expect(requests.filter((r) => r.path === '/oauth2/v1/token').map((r) => [r.grantType, r.status])).toEqual(
      [['client_credentials', 200]],
    );
  });

  it('client credentials with DPoP: a DPoP-bound token that passed the API probe', async () => {
    const session = await activities.oktaConnect(input(EMULATOR_CONNECTIONS.dpop));
    expect(
      (
        await tokens.get(t.connections.get(session.connection)!, () =>
          Promise.reject(new Error('not cached')),
        )
      ).tokenType,
    ).toBe('DPoP');
    const probe = (await t.controls.requests()).requests.find((r) => r.path === '/api/v1/users');
    expect(probe?.status).toBe(200);
  });

  it.each([
    ['client_secret_basic', EMULATOR_CONNECTIONS.web],
    ['client_secret_post', EXTRA_CONNECTIONS.webPost],
  ])(
    'authorization code + PKCE with %s: once authorised, Connect uses the refresh-token grant',
    async (_method, name) => {
      await t.authorize(name);
      try {
        await t.controls.clearRequests();
        const session = await activities.oktaConnect(input(name));
        expect([...session.scopes]).toEqual(expect.arrayContaining(ALL_SCOPES));
        const grants = (await t.controls.requests()).requests
          .filter((r) => r.path === '/oauth2/v1/token')
          .map((r) => r.grantType);
        expect(grants).toEqual(['refresh_token']);
      } finally {
        await rm(join(t.dir, `${name}.refresh-token`), { force: true });
      }
    },
  );

  it('authorization code + PKCE with DPoP: Connect refreshes into a DPoP-bound token that passed the API probe', async () => {
    await t.authorize(EMULATOR_CONNECTIONS.webDpop);
    try {
      await t.controls.clearRequests();
      const session = await activities.oktaConnect(input(EMULATOR_CONNECTIONS.webDpop));
      expect(
        (
          await tokens.get(t.connections.get(session.connection)!, () =>
            Promise.reject(new Error('not cached')),
          )
        ).tokenType,
      ).toBe('DPoP');
      const { requests } = await t.controls.requests();
      // The code exchange, in this process too, left the token endpoint's nonce: one refresh request.
      expect(
        requests.filter((r) => r.path === '/oauth2/v1/token').map((r) => [r.grantType, r.status]),
      ).toEqual([['refresh_token', 200]]);
      expect(requests.filter((r) => r.path === '/api/v1/users').map((r) => r.status)).toEqual([200]);
    } finally {
      await rm(join(t.dir, `${EMULATOR_CONNECTIONS.webDpop}.refresh-token`), { force: true });
    }
  });

  it('SSWS: no token request, no scopes, and the API probe succeeds with the API token', async () => {
    const session = await activities.oktaConnect(input(EMULATOR_CONNECTIONS.ssws));
    expect(session.scopes).toEqual([]);
    expect(await requestCount(TOKEN)).toBe(0);
    expect(await requestCount('GET /api/v1/users')).toBe(1);
  });

  it('returns a session value that holds none of the tokens the emulator issued', async () => {
    const session = await activities.oktaConnect(input(EMULATOR_CONNECTIONS.service));
    const issued = await t.controls.tokens();
    expect(issued.length).toBeGreaterThan(0);
    const json = JSON.stringify(session);
    for (const token of issued) expect(json).not.toContain(token.value);
    expect(session).toMatchObject({
      kind: 'local',
      name: 'okta',
      connection: 'okta-automation',
      buildId: BUILD_ID,
    });
  });
});

describe("Connect's failures, each with its stable type and what to do", () => {
  it('OktaDomainMismatch names both domains', async () => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service, 'acme.okta.com');
    expect(failure.type).toBe(OktaErrorType.OktaDomainMismatch);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('acme.okta.com');
    expect(failure.message).toContain(`configured for ${t.domain}`);
  });

  it('OktaConnectionNotFound lists the configured connection names', async () => {
    const failure = await connectFailure('okta-automaton');
    expect(failure.type).toBe(OktaErrorType.OktaConnectionNotFound);
    expect(failure.nonRetryable).toBe(true);
    for (const name of t.connections.keys()) expect(failure.message).toContain(`"${name}"`);
    expect(failure.message).toContain('same connections file');
  });

  it('OktaIssuerMismatch when discovery reports another issuer', async () => {
    await t.controls.addFault({
      pathPrefix: '/.well-known/',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { issuer: 'https://acme.okta.com', token_endpoint: 'https://acme.okta.com/oauth2/v1/token' },
    });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaIssuerMismatch);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('"https://acme.okta.com"');
    expect(failure.message).toContain("Use the org's own domain");
  });

  it('OktaDiscoveryFailed when neither discovery document exists', async () => {
    await t.controls.addFault({ pathPrefix: '/.well-known/', status: 404 });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaDiscoveryFailed);
    expect(failure.nonRetryable).toBe(true);
  });

  it('OktaMissingScopes names the refused manage scopes and where to grant them', async () => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.readonly);
    expect(failure.type).toBe(OktaErrorType.OktaMissingScopes);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('okta.users.manage');
    expect(failure.message).toContain('okta.groups.manage');
    expect(failure.message).toContain('"Okta API Scopes"');
  });

  it('OktaInvalidClient when the private key is not registered on the app', async () => {
    const failure = await connectFailure(EXTRA_CONNECTIONS.unregisteredKey);
    expect(failure.type).toBe(OktaErrorType.OktaInvalidClient);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('public key matches the configured private key');
  });

  it('OktaAuthorizationRequired when the authorization-code connection was never authorised', async () => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.web);
    expect(failure.type).toBe(OktaErrorType.OktaAuthorizationRequired);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('temporal-okta connections authorize okta-web');
  });

  it('OktaForbidden when the probe call answers 403, saying the app probably lacks an admin role', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 403, count: 1 });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaForbidden);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('"Admin roles"');
  });

  it('OktaInvalidToken when the org refuses the fresh token on the probe call', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 401, count: 1 });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaInvalidToken);
    expect(failure.nonRetryable).toBe(true);
  });

  it('OktaUnavailable is retryable when the token endpoint answers 503', async () => {
    await t.controls.addFault({ pathPrefix: '/oauth2/v1/token', status: 503, count: 1 });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaUnavailable);
    expect(failure.nonRetryable).toBe(false);
  });

  it('OktaUnavailable is retryable when the org cannot be reached at all', async () => {
    await t.controls.addFault({ pathPrefix: '/.well-known/', drop: true });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaUnavailable);
    expect(failure.nonRetryable).toBe(false);
  });

  it('OktaRateLimited is retryable, with a retry delay from X-Rate-Limit-Reset, on the token request', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 30;
    await t.controls.addFault({
      pathPrefix: '/oauth2/v1/token',
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      count: 1,
    });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaRateLimited);
    expect(failure.nonRetryable).toBe(false);
    expect(Number(failure.nextRetryDelay)).toBeGreaterThan(20_000);
  });

  it('OktaRateLimited is retryable, with a retry delay from X-Rate-Limit-Reset, on the probe call', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 30;
    await t.controls.addFault({
      pathPrefix: '/api/v1/users',
      method: 'GET',
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      count: 1,
    });
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaRateLimited);
    expect(failure.nonRetryable).toBe(false);
    expect(Number(failure.nextRetryDelay)).toBeGreaterThan(20_000);
  });
});

describe('Connect to an org served under a custom domain', () => {
  const CUSTOM = 'login.companyabc.com';
  let custom: ConnectTestOrg;
  let customActivities: ReturnType<typeof createOktaActivities>;

  beforeAll(async () => {
    custom = await startConnectTestOrg({ domain: CUSTOM });
    customActivities = createOktaActivities({
      connections: custom.connections,
      buildId: BUILD_ID,
      sessionKeys,
    });
  });
  afterAll(async () => {
    await custom?.close();
  });

  it('accepts the custom domain the named connection declares', async () => {
    const session = await customActivities.oktaConnect(
      input(EMULATOR_CONNECTIONS.service, `https://${CUSTOM.toUpperCase()}/`),
    );
    expect(session.domain).toBe(CUSTOM);
  });

  it('rejects that custom domain with a connection declared for another org', async () => {
    const failure = await connectFailure(EMULATOR_CONNECTIONS.service, CUSTOM);
    expect(failure.type).toBe(OktaErrorType.OktaInvalidDomain);
    expect(failure.message).toContain(`declare it as the connection's "domain"`);
  });
});
