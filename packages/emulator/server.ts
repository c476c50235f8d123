import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AuthState } from './auth/adapter.js';
import { createAuthenticate } from './auth/authenticate.js';
import { loadOrCreateCredentials } from './auth/clients.js';
import { ResourceServerNonces, type ResourceNonceOptions } from './auth/dpop-nonces.js';
import { createAuthorizationServer, SIGN_IN_PATH } from './auth/provider.js';
import { createSignInHandler } from './auth/sign-in.js';
import { CONTROLS_PATH, createControls } from './controls.js';
import { applyFault, FaultInjector } from './faults.js';
import { sendJson } from './http.js';
import { createManagementApi, type ManagementBehaviour } from './management/index.js';
import { internalError, oktaErrorBody, rateLimited } from './okta-errors.js';
import { writeOrg, type OrgDescription } from './org.js';
import { createRateLimiter, RateLimitFamilies, type RateLimitFamily } from './rate-limits.js';
import { RequestLog } from './request-log.js';
import { openStore } from './store.js';
import { EventHooks } from './event-hooks.js';
import { SystemLog } from './system-log.js';
import { ensureTls } from './tls.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; loopback by default. */
  host?: string;
  /** Where the CA, the org's credentials, `org.sqlite` and `org.json` live. */
  stateDir: string;
  storage?: 'sqlite' | 'memory';
  /** The org's public domain (default `companyabc.okta.com`). */
  domain?: string;
  /** Overrides the generated secret of the `/__emulator/*` controls. */
  adminSecret?: string;
  /** Rate-limit budgets per family, per window. */
  rateLimits?: Partial<Record<RateLimitFamily, number>>;
  /** Length of a rate-limit window in seconds; Okta's is one minute (the default). Tests shorten it. */
  rateLimitWindowSeconds?: number;
  /** Users to seed into an empty org (groups follow); omitted: the seed's default. */
  seedUsers?: number;
  /** Removing a user who is not a member of the group: 204 (default) or 404 E0000007, as Okta can answer. */
  nonMemberRemoval?: ManagementBehaviour['nonMemberRemoval'];
  /** Requests the log keeps for `GET /__emulator/requests` (default 10,000; counts are never dropped). */
  requestLogCapacity?: number;
  /** Access token lifetime; Okta's is 3600 s. */
  accessTokenTtlSeconds?: number;
  /** How the Management API rotates its DPoP nonce (default: every 300 s; a nonce is not required). */
  dpopNonce?: ResourceNonceOptions;
}

/** A running emulator: its org description plus where it was written and how to stop it. */
export interface RunningEmulator extends OrgDescription {
  /** Path of the `org.json` written when the emulator became ready. */
  orgFile: string;
  /** The port it listens on. */
  port: number;
  /** Stops listening, drops open connections and closes the store. */
  close(): Promise<void>;
}

export const DEFAULT_DOMAIN = 'companyabc.okta.com';

interface OAuthRequestInfo {
  clientId?: string;
  grantType?: string;
}

/**
 * Starts the local Okta org emulator over HTTPS and writes `<stateDir>/org.json` when ready.
 *
 * @example
 * const org = await startEmulator({ stateDir: tmpDir, storage: 'memory', seedUsers: 20 });
 * const fetch = createOrgFetch(await orgTransport(org));
 * // ...
 * await org.close();
 */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const domain = (options.domain ?? DEFAULT_DOMAIN).toLowerCase();
  const host = options.host ?? '127.0.0.1';
  const stateDir = options.stateDir;
  const tls = await ensureTls({ stateDir, domain });
  const credentials = await loadOrCreateCredentials(stateDir);
  const adminSecret = options.adminSecret ?? credentials.adminSecret;

  const authState = new AuthState();
  const provider = createAuthorizationServer({
    domain,
    credentials,
    state: authState,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
  });
  const oauthInfo = new WeakMap<IncomingMessage, OAuthRequestInfo>();
  provider.use(async (ctx, next) => {
    await next();
    const oidc = ctx.oidc as typeof ctx.oidc | undefined;
    const params = oidc?.params;
    const clientId =
      oidc?.client?.clientId ?? (typeof params?.client_id === 'string' ? params.client_id : undefined);
    const grantType = typeof params?.grant_type === 'string' ? params.grant_type : undefined;
    oauthInfo.set(ctx.req, { clientId, grantType });
  });
  const oauthHandler = provider.callback();
  const signIn = createSignInHandler({ provider, credentials });

  const startSeed = options.seedUsers === undefined ? {} : { users: options.seedUsers };
  const store = openStore({ storage: options.storage ?? 'sqlite', stateDir, seed: startSeed });
  const rateLimits = createRateLimiter(options.rateLimits, options.rateLimitWindowSeconds);
  const dpopNonces = new ResourceServerNonces(options.dpopNonce);
  const authenticate = createAuthenticate({
    provider,
    domain,
    apiToken: credentials.apiToken,
    nonces: dpopNonces,
  });
  const systemLog = new SystemLog(store);
  const eventHooks = new EventHooks(`https://${domain}`, systemLog);
  const managementApi = createManagementApi({
    store,
    authenticate,
    rateLimits,
    systemLog,
    eventHooks,
    behaviour: options.nonMemberRemoval ? { nonMemberRemoval: options.nonMemberRemoval } : {},
  });
  const faults = new FaultInjector();
  const requestLog = new RequestLog(options.requestLogCapacity);
  const controls = createControls({
    adminSecret,
    store,
    startSeed,
    authState,
    faults,
    requestLog,
    rateLimits,
    dpopNonces,
  });

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // oidc-provider runs with `proxy = true`: these make every URL it builds the org domain's.
    for (const name of Object.keys(req.headers))
      if (name.startsWith('x-forwarded-')) delete req.headers[name];
    req.headers['x-forwarded-proto'] = 'https';
    req.headers['x-forwarded-host'] = domain;
    const url = new URL(req.url ?? '/', `https://${domain}`);
    const path = url.pathname;

    if (path.startsWith(CONTROLS_PATH)) return controls(req, res, url);

    const started = performance.now();
    let faultId: string | undefined;
    const record = (): void => {
      const info = oauthInfo.get(req);
      requestLog.record({
        at: new Date().toISOString(),
        method: req.method ?? 'GET',
        path,
        status: res.headersSent ? res.statusCode : 0,
        durationMs: Math.round(performance.now() - started),
        ...(info?.clientId ? { clientId: info.clientId } : {}),
        ...(info?.grantType ? { grantType: info.grantType } : {}),
        ...(faultId ? { faultId } : {}),
      });
    };
    res.once('close', record);

    const fault = faults.take(req.method ?? 'GET', path);
    if (fault) {
      faultId = fault.id;
      if (await applyFault(fault, req, res, path)) return;
    }

    if (path.startsWith('/api/')) return managementApi(req, res, url);
    if (path.startsWith('/oauth2/v1/')) {
      const decision = rateLimits.take(RateLimitFamilies.oauth2);
      for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
      if (decision.limited) return sendJson(res, 429, rateLimited().toBody());
      return oauthHandler(req, res);
    }
    if (path.startsWith('/.well-known/')) return oauthHandler(req, res);
    if (path.startsWith(SIGN_IN_PATH)) return signIn(req, res);
    return sendJson(res, 404, oktaErrorBody('E0000007', `Not found: Resource not found: ${path} (resource)`));
  };

  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    dispatch(req, res).catch((err: unknown) => {
      // Never echo request data: it may hold credentials.
      console.error(
        `emulator: ${req.method} ${req.url?.split('?')[0]} failed: ${err instanceof Error ? err.message : 'error'}`,
      );
      if (!res.headersSent) sendJson(res, 500, internalError().toBody());
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const org: OrgDescription = {
    domain,
    url: `https://${urlHost}:${port}`,
    caFile: tls.caFile,
    adminSecret,
    apiToken: credentials.apiToken,
    admin: { login: credentials.admin.login, password: credentials.admin.password },
    clients: credentials.clients,
  };
  const orgFile = join(stateDir, 'org.json');
  await writeOrg(orgFile, org);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => store.close()));

  return { ...org, orgFile, port, close };
}
