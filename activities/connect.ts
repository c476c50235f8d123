import { randomUUID } from 'node:crypto';
import type { ConnectInput } from '../common/contract.js';
import { OktaDomainError, parseOktaDomain } from '../common/domain.js';
import { OktaErrorType } from '../common/errors.js';
import type { OktaSession } from '../common/session.js';
import type { Connection, Connections } from './connections.js';
import { oktaFailure } from './failures.js';
import { discoverOrg } from './oauth-configuration.js';
import { requestScopedToken, type Token } from './oauth.js';
import { probeFailure, type OktaErrorBody } from './okta-errors.js';
import { protectedRequest } from './protected-request.js';
import type { TokenCache } from './token-cache.js';

/** The cheap authenticated call of check 4: any user-readable org answers it with one user at most. */
export const PROBE_PATH = '/api/v1/users?limit=1';

/** The outcome of one of Connect's checks, for `temporal-okta connections test`. */
export interface CheckResult {
  /** Which check: the domain, discovery, the token, or the API call. */
  check: 'domain' | 'discovery' | 'token' | 'api';
  /** Whether it passed. */
  ok: boolean;
  /** What was found, or why it failed. */
  detail: string;
}

/** Looks a connection up by name; the error lists the configured names. */
export function findConnection(connections: Connections, name: string): Connection {
  const connection = connections.get(name);
  if (connection) return connection;
  const known = [...connections.keys()];
  throw oktaFailure(
    OktaErrorType.OktaConnectionNotFound,
    `No connection named "${name}" is configured on this worker. ` +
      (known.length
        ? `Configured connections: ${known.map((n) => `"${n}"`).join(', ')}.`
        : 'No connections are configured: set TEMPORAL_OKTA_CONNECTIONS to the connections file.') +
      ' Every worker must load the same connections file.',
  );
}

/** Check 1: the domain's form, the connection's existence, and that both name the same org. */
export function checkDomain(
  connections: Connections,
  domainInput: string,
  connectionName: string,
): Connection {
  let domain: string;
  const declared = connections.get(connectionName)?.domain;
  try {
    domain = parseOktaDomain(domainInput, { customDomains: declared ? [declared] : [] });
  } catch (err) {
    if (err instanceof OktaDomainError) throw oktaFailure(OktaErrorType.OktaInvalidDomain, err.message);
    throw err;
  }
  const connection = findConnection(connections, connectionName);
  if (connection.domain !== domain) {
    throw oktaFailure(
      OktaErrorType.OktaDomainMismatch,
      `The domain ${domain} does not match connection "${connection.name}", which is configured for ` +
        `${connection.domain}. Pass ${connection.domain} as the domain, or use a connection configured for ${domain}.`,
    );
  }
  return connection;
}

/** Check 4: one authenticated call proves the token works against this org. */
async function probeApi(connection: Connection, token: Token): Promise<void> {
  const url = new URL(PROBE_PATH, `https://${connection.domain}`);
  const response = await protectedRequest(connection, token, { method: 'GET', url });
  if (response.ok) return;
  const body = (await response.json().catch(() => undefined)) as OktaErrorBody | undefined;
  throw probeFailure(connection, `GET ${PROBE_PATH}`, response, body);
}

export interface ConnectDeps {
  connections: Connections;
  tokens: TokenCache;
  buildId: string;
  now?: () => Date;
}

/**
 * The Connect activity (docs/ARCHITECTURE.md §2): validates the domain and the connection (discovery always goes
 * to the network), takes the connection's token from this worker's cache or obtains one, checks its
 * scopes and proves it works with one call, and returns the session, unsigned (the caller signs it). A
 * cached token that the probe finds invalid (revoked since) is replaced once; a fresh one is not. The session value carries no secret.
 */
export async function connect(
  deps: ConnectDeps,
  input: ConnectInput,
): Promise<Omit<OktaSession, 'signature'>> {
  const connection = checkDomain(deps.connections, input.domain, input.connection);
  if (connection.type === 'oauth2') await discoverOrg(connection);
  let fresh = false;
  const acquire = () => {
    fresh = true;
    return requestScopedToken(connection);
  };
  let token = await deps.tokens.get(connection, acquire);
  try {
    await probeApi(connection, token);
  } catch (err) {
    // A cached token may have been revoked since; a fresh one that Okta refuses is the answer.
    if (fresh || (err as { type?: string }).type !== OktaErrorType.OktaInvalidToken) throw err;
    deps.tokens.invalidate(connection, token);
    token = await deps.tokens.get(connection, acquire);
    await probeApi(connection, token);
  }
  return {
    id: randomUUID(),
    name: input.session.name,
    kind: input.session.kind,
    domain: connection.domain,
    connection: connection.name,
    scopes: [...token.scopes],
    buildId: deps.buildId,
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    createdBy: { workflowId: input.workflowId, runId: input.runId },
  };
}

/**
 * `temporal-okta connections test NAME`: the same checks as Connect, each reported on its own, stopping
 * at the first failure.
 */
export async function testConnection(
  connections: Connections,
  name: string,
  domain?: string,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const run = async <T>(check: CheckResult['check'], ok: (value: T) => string, step: () => Promise<T>) => {
    try {
      const value = await step();
      results.push({ check, ok: true, detail: ok(value) });
      return value;
    } catch (err) {
      results.push({
        check,
        ok: false,
        detail: `${(err as { type?: string }).type ?? 'Error'}: ${(err as Error).message}`,
      });
      return undefined;
    }
  };
  const connection = await run(
    'domain',
    (c: Connection) => `${c.domain} is a valid org domain for "${c.name}"`,
    // Without a domain to check, test the connection's own: an unknown name fails as ConnectionNotFound.
    async () => checkDomain(connections, domain ?? findConnection(connections, name).domain, name),
  );
  if (!connection) return results;
  if (connection.type === 'oauth2') {
    const discovered = await run(
      'discovery',
      () => `issuer is https://${connection.domain}`,
      () => discoverOrg(connection),
    );
    if (!discovered) return results;
  } else {
    results.push({
      check: 'discovery',
      ok: true,
      detail: 'skipped: an SSWS API token does not use OAuth discovery',
    });
  }
  const token = await run(
    'token',
    (t: Token) =>
      t.tokenType === 'SSWS'
        ? 'SSWS API token configured (SSWS has no scopes, so none can be checked)'
        : `${t.tokenType} token granted with scopes: ${t.scopes.join(' ')}`,
    () => requestScopedToken(connection),
  );
  if (!token) return results;
  await run(
    'api',
    () => `GET ${PROBE_PATH} succeeded`,
    () => probeApi(connection, token),
  );
  return results;
}
