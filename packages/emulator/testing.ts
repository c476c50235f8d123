import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrgFetch, type Fetch } from './fetch.js';
import type { FaultSpecInput } from './faults.js';
import { orgTransport, type OrgDescription } from './org.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './server.js';
import type { IssuedToken } from './auth/adapter.js';
import type { ResourceNonceOptions } from './auth/dpop-nonces.js';
import type { RateLimitFamily } from './rate-limits.js';
import type { RequestLogEntry } from './request-log.js';

const MAX_STEPS = 10;

/**
 * Drives the authorization code flow without a browser: follows the authorize URL (built by
 * openid-client's `buildAuthorizationUrl`) to the emulator's sign-in page, signs in and consents as the
 * org admin, and returns the URL the browser would finally be sent to (the app's redirect URI with
 * `code` and `state`, or with `error` when the request was refused).
 *
 * @example
 * const callback = await authorizeWithScriptedAdmin({ org, fetch, authorizationUrl });
 * const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState });
 */
export async function authorizeWithScriptedAdmin(options: {
  org: Pick<OrgDescription, 'domain' | 'admin'>;
  /** A fetch that reaches the org, e.g. `createOrgFetch(await orgTransport(org))`. */
  fetch: Fetch;
  authorizationUrl: URL | string;
  /** Defaults to the org admin's credentials from org.json. */
  credentials?: { username: string; password: string };
}): Promise<URL> {
  const origin = `https://${options.org.domain}`;
  const credentials = options.credentials ?? {
    username: options.org.admin.login,
    password: options.org.admin.password,
  };
  const cookies = new Map<string, string>();
  let url = new URL(options.authorizationUrl);
  let form: URLSearchParams | undefined;

  for (let step = 0; step < MAX_STEPS; step++) {
    if (url.origin !== origin) return url;
    const res = await options.fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form.toString() } : {}),
    });
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    form = undefined;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      url = new URL(location, url);
      if (url.origin === origin && url.pathname.startsWith('/login/interaction/')) {
        form = new URLSearchParams(credentials);
      }
      continue;
    }
    const text = await res.text();
    throw new Error(
      `The authorization flow stopped at ${url.pathname} with HTTP ${res.status}: ${text.slice(0, 300)}`,
    );
  }
  throw new Error(`The authorization flow did not reach the redirect URI within ${MAX_STEPS} steps`);
}

/** A small client for the emulator's `/__emulator/*` test controls. */
export interface EmulatorControls {
  /** Restores the org's start seed (same ids) and forgets tokens, faults, the log and rate-limit windows. */
  reset(options?: { empty?: boolean }): Promise<void>;
  seed(options?: { users?: number; randomSeed?: number }): Promise<void>;
  addFault(spec: FaultSpecInput): Promise<{ id: string }>;
  /** Changes some rate-limit budgets and restarts every window; returns every family's budget. */
  setRateLimits(budgets: Partial<Record<RateLimitFamily, number>>): Promise<Record<RateLimitFamily, number>>;
  clearFaults(): Promise<void>;
  /** Sets how the Management API rotates its DPoP nonce (omitted options: defaults) and issues a new one. */
  configureDpopNonce(options: ResourceNonceOptions): Promise<void>;
  /** Rotates the Management API's DPoP nonce now: the next proof with the old one gets `use_dpop_nonce`. */
  rotateDpopNonce(): Promise<void>;
  tokens(): Promise<IssuedToken[]>;
  /** Revokes every access token issued so far; returns how many it revoked. */
  revokeTokens(): Promise<number>;
  requests(): Promise<{ requests: RequestLogEntry[]; counts: Record<string, number> }>;
  clearRequests(): Promise<void>;
}

/**
 * Returns a client for the test controls of a running emulator.
 *
 * @example
 * const controls = emulatorControls(org, fetch);
 * await controls.addFault({ pathPrefix: '/api/v1/users', status: 500, count: 1 });
 */
export function emulatorControls(
  org: Pick<OrgDescription, 'domain' | 'adminSecret'>,
  fetch: Fetch,
): EmulatorControls {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`https://${org.domain}/__emulator/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${org.adminSecret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(
        `Emulator control ${method} ${path} failed with HTTP ${res.status}: ${text.slice(0, 300)}`,
      );
    return text ? JSON.parse(text) : undefined;
  };
  return {
    reset: async (options = {}) => void (await call('POST', 'reset', options)),
    seed: async (options = {}) => void (await call('POST', 'seed', options)),
    addFault: async (spec) => (await call('POST', 'faults', spec)) as { id: string },
    clearFaults: async () => void (await call('DELETE', 'faults')),
    configureDpopNonce: async (options) => void (await call('PUT', 'dpop-nonce', options)),
    rotateDpopNonce: async () => void (await call('POST', 'dpop-nonce/rotate')),
    setRateLimits: async (budgets) =>
      ((await call('PUT', 'rate-limits', budgets)) as { budgets: Record<RateLimitFamily, number> }).budgets,
    tokens: async () => ((await call('GET', 'tokens')) as { tokens: IssuedToken[] }).tokens,
    revokeTokens: async () => ((await call('POST', 'revoke-tokens')) as { revoked: number }).revoked,
    requests: async () =>
      (await call('GET', 'requests')) as { requests: RequestLogEntry[]; counts: Record<string, number> },
    clearRequests: async () => void (await call('DELETE', 'requests')),
  };
}

/** A test's handle on an in-process emulator: the running org, a fetch that reaches it, its controls. */
export interface TestOrg {
  org: RunningEmulator;
  fetch: Fetch;
  controls: EmulatorControls;
  /** Closes the emulator and removes its state directory. */
  close(): Promise<void>;
}

/**
 * Starts an emulator for a test file: memory storage, a small seed, a fresh state directory, and a
 * fetch that reaches `https://{domain}` through the emulator's CA and loopback port.
 *
 * @example
 * let t: TestOrg;
 * beforeAll(async () => { t = await startTestOrg(); });
 * afterAll(() => t.close());
 */
export async function startTestOrg(options: Partial<EmulatorOptions> = {}): Promise<TestOrg> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'okta-emulator-')));
  const org = await startEmulator({ storage: 'memory', seedUsers: 20, ...options, stateDir });
  const fetch = createOrgFetch(await orgTransport(org));
  return {
    org,
    fetch,
    controls: emulatorControls(org, fetch),
    close: async () => {
      await org.close();
      if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
