import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CryptoKey } from 'jose';
import type { z } from 'zod';
import { OktaDomainError, parseOktaDomain } from '../common/domain.js';
import {
  type DevelopmentSchema,
  FileSchema,
  IssueCollector,
  OAuthConnectionSchema,
  SswsConnectionSchema,
  zodIssues,
} from './connection-schema.js';
import { configPath, decodeKey, importPrivateKey, resolveSecret } from './connection-secrets.js';
import { fileRefreshTokenStore, type RefreshTokenStore } from './refresh-token-store.js';
import { Secret } from './secret.js';
import type { TransportOptions } from './transport.js';

/**
 * Named OAuth 2.0 connections (docs/ARCHITECTURE.md §4): one JSON file, loaded by every worker, whose path is in
 * `TEMPORAL_OKTA_CONNECTIONS`. Secrets are referenced, never inline:
 *
 * ```json
 * {
 *   "connections": {
 *     "okta-automation": {
 *       "domain": "companyabc.okta.com",
 *       "clientId": "0oa1b2c3d4",
 *       "grant": { "type": "client_credentials" },
 *       "clientAuth": { "method": "private_key_jwt", "privateKey": { "file": "/run/secrets/okta-key.json" } },
 *       "dpop": true
 *     },
 *     "okta-web": {
 *       "domain": "companyabc.okta.com",
 *       "clientId": "0oa5e6f7",
 *       "grant": {
 *         "type": "authorization_code",
 *         "redirectUri": "http://127.0.0.1:8765/callback",
 *         "refreshTokenStore": { "path": "/var/lib/temporal-okta/okta-web.token", "encryptionKey": { "env": "OKTA_WEB_STORE_KEY" } }
 *       },
 *       "clientAuth": { "method": "client_secret_basic", "clientSecret": { "env": "OKTA_WEB_CLIENT_SECRET" } }
 *     },
 *     "okta-legacy": { "type": "ssws", "domain": "companyabc.okta.com", "apiToken": { "env": "OKTA_API_TOKEN" } }
 *   }
 * }
 * ```
 */

/** The environment variable naming the connections file. */
export const CONNECTIONS_ENV_VAR = 'TEMPORAL_OKTA_CONNECTIONS';

/** The scopes a connection requests and requires unless configured otherwise. */
export const DEFAULT_SCOPES = Object.freeze([
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
]) as readonly string[];

/** Client authentication with a signed JWT assertion (`private_key_jwt`). */
export interface PrivateKeyJwtAuth {
  /** Okta's `private_key_jwt` client authentication. */
  readonly method: 'private_key_jwt';
  /** The private key the assertions are signed with. */
  readonly privateKey: Secret<CryptoKey>;
  /** Key id sent in the assertion's header: the key's id in the Okta app's public keys. */
  readonly kid?: string;
}

/** Client authentication with a client secret, in the Authorization header or in the request body. */
export interface ClientSecretAuth {
  /** In the Authorization header (`client_secret_basic`) or in the request body (`client_secret_post`). */
  readonly method: 'client_secret_basic' | 'client_secret_post';
  /** The Okta app's client secret. */
  readonly clientSecret: Secret<string>;
}

/** How an OAuth 2.0 connection authenticates its client to Okta. */
export type ClientAuthentication = PrivateKeyJwtAuth | ClientSecretAuth;

/** Where an authorization-code connection keeps its refresh token: a file, AES-256-GCM encrypted. */
export interface RefreshTokenStoreConfig {
  /** The encrypted file, resolved against the connections file's directory. */
  readonly path: string;
  /** The AES-256 key the file is encrypted with. */
  readonly encryptionKey: Secret<Uint8Array>;
}

/** How an OAuth 2.0 connection gets its tokens: client credentials, or authorization code with a stored refresh token. */
export type Grant =
  | { readonly type: 'client_credentials' }
  | {
      readonly type: 'authorization_code';
      /**
       * The sign-in redirect URI registered on the Okta app; `connections authorize` listens on it once.
       * Port 0 (development connections only: the emulator accepts any loopback port) lets it listen on
       * any free port and send that one to the authorization server.
       */
      readonly redirectUri: string;
      /** The configured file (`refreshTokenStore` in the JSON) and its encryption key. */
      readonly refreshTokenStore: RefreshTokenStoreConfig;
      /**
       * Where refreshes read and write the refresh token: the file store, or the store that
       * {@link ParseConnectionsOptions.refreshTokenStore} made for this connection.
       */
      readonly store: RefreshTokenStore;
    };

interface ConnectionBase {
  readonly name: string;
  /** Normalised org domain (an Okta domain, or the custom domain this connection declares). */
  readonly domain: string;
  /** How to reach the org: empty in production; CA and `connectTo` for the local emulator. */
  readonly transport: TransportOptions;
}

/** A connection using OAuth 2.0 against the org authorization server. */
export interface OAuthConnection extends ConnectionBase {
  /** An OAuth 2.0 connection. */
  readonly type: 'oauth2';
  /** Always `https://{domain}`: only the org authorization server issues okta.* scopes. */
  readonly issuer: string;
  /** The Okta app's client id. */
  readonly clientId: string;
  /** How tokens are obtained. */
  readonly grant: Grant;
  /** How the client authenticates to Okta. */
  readonly clientAuth: ClientAuthentication;
  /** The scopes requested for the connection's tokens. */
  readonly scopes: readonly string[];
  /** The scopes Connect requires the token to have been granted. */
  readonly requiredScopes: readonly string[];
  /** Request DPoP-bound tokens and send DPoP proofs with every API call. */
  readonly dpop: boolean;
}

/** A legacy connection with an SSWS API token: no OAuth, so no scopes and no scope check. */
export interface SswsConnection extends ConnectionBase {
  /** A legacy SSWS API-token connection. */
  readonly type: 'ssws';
  /** The SSWS API token. */
  readonly apiToken: Secret<string>;
}

/** A named connection from the connections file, with its secrets resolved. */
export type Connection = OAuthConnection | SswsConnection;

/** The loaded connections by name. */
export type Connections = ReadonlyMap<string, Connection>;

/** One problem in the configuration, with the field's full path. */
export interface ConnectionConfigIssue {
  /** e.g. `connections["okta-automation"].clientAuth.privateKey` */
  readonly field: string;
  /** The connection it concerns, when it concerns one. */
  readonly connection?: string;
  /** What is wrong and what to do; never a secret value. */
  readonly message: string;
}

/**
 * The connections configuration is invalid. The message lists every problem, each prefixed with the
 * connection and the field (`connections["okta-automation"].clientAuth.privateKey: ...`). It never
 * contains a secret value.
 *
 * Thrown by {@link loadConnections} and {@link parseConnections}, when a worker starts: nothing retries it;
 * fix the file or the environment it refers to.
 */
export class ConnectionConfigError extends Error {
  /** Always `ConnectionConfigError`. */
  override readonly name = 'ConnectionConfigError';
  constructor(
    /** Every problem found. */
    readonly issues: readonly ConnectionConfigIssue[],
    /** The file (or other source) the configuration came from. */
    readonly source?: string,
  ) {
    super(
      `Invalid Okta connections configuration${source ? ` (${source})` : ''}:\n` +
        issues.map((i) => `  ${i.field}: ${i.message}`).join('\n'),
    );
  }
}

/** Options of {@link parseConnections}. */
export interface ParseConnectionsOptions {
  /** Directory that relative file paths (secrets, CA, refresh-token store) are resolved against. */
  baseDir: string;
  /** Environment for `{ "env": ... }` references. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Makes the refresh-token store of each authorization-code connection. Default: the encrypted file
   * at `refreshTokenStore.path` ({@link fileRefreshTokenStore}), which serves the processes of one
   * host. Give a store shared by every host (a database row with compare-and-swap and a lock) when
   * workers on several hosts refresh the same connection; the README's "Production setup" says why.
   */
  refreshTokenStore?: RefreshTokenStoreFactory;
}

/** Makes the refresh-token store of a connection, from its name and its configured file and key. */
export type RefreshTokenStoreFactory = (
  connection: string,
  config: RefreshTokenStoreConfig,
) => RefreshTokenStore;

function checkAuthorizationServer(value: string, domain: string): string | undefined {
  const trimmed = value.trim().replace(/\/+$/, '');
  if (/\/oauth2\/[^/]+/.test(trimmed)) {
    return (
      `${JSON.stringify(value)} is a custom authorization server; only the org authorization server ` +
      `(issuer https://${domain}) issues okta.* scopes for the Okta Management API. Remove ` +
      `"authorizationServer" or set it to "https://${domain}"`
    );
  }
  if (trimmed.toLowerCase() !== `https://${domain}`) {
    return `must be the org authorization server "https://${domain}" (the connection's domain), or be left out`;
  }
  return undefined;
}

async function parseTransport(
  name: string,
  domain: string,
  development: z.output<typeof DevelopmentSchema> | undefined,
  options: ParseConnectionsOptions,
  problems: IssueCollector,
): Promise<TransportOptions> {
  if (!development) return {};
  const transport: { ca?: string; connectTo?: Record<string, string> } = {};
  if (development.connectTo) transport.connectTo = { [domain]: development.connectTo };
  if (development.caFile) {
    const file = configPath(development.caFile, options);
    try {
      const ca = await readFile(file, 'utf8');
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
        problems.add(name, ['development', 'caFile'], `${file} is not a PEM certificate`);
      } else {
        transport.ca = ca;
      }
    } catch (err) {
      problems.add(
        name,
        ['development', 'caFile'],
        `cannot read ${file} (${(err as NodeJS.ErrnoException).code})`,
      );
    }
  }
  return transport;
}

/** `http://127.0.0.1:0/callback`: the emulator accepts whatever loopback port the CLI got. */
function hasPortZero(uri: string): boolean {
  return new URL(uri).port === '0';
}

async function parseOne(
  name: string,
  raw: unknown,
  options: ParseConnectionsOptions,
  problems: IssueCollector,
): Promise<Connection | undefined> {
  const isSsws = typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'ssws';
  const parsed = (isSsws ? SswsConnectionSchema : OAuthConnectionSchema).safeParse(raw);
  if (!parsed.success) {
    problems.issues.push(...zodIssues(name, parsed.error));
    return undefined;
  }
  const before = problems.issues.length;

  let domain = '';
  try {
    // A connection *declares* its domain: a custom domain is accepted here because it is the declaration.
    domain = parseOktaDomain(parsed.data.domain, { customDomains: [parsed.data.domain] });
  } catch (err) {
    problems.add(name, ['domain'], err instanceof OktaDomainError ? err.message : String(err));
  }
  const transport = await parseTransport(name, domain, parsed.data.development, options, problems);

  if (parsed.data.type === 'ssws') {
    const token = await resolveSecret(parsed.data.apiToken, options, problems, name, ['apiToken']);
    if (problems.issues.length > before || !token) return undefined;
    return { type: 'ssws', name, domain, transport, apiToken: new Secret(token.value, token.source) };
  }

  const data = parsed.data;
  if (data.authorizationServer !== undefined && domain) {
    const problem = checkAuthorizationServer(data.authorizationServer, domain);
    if (problem) problems.add(name, ['authorizationServer'], problem);
  }

  const scopes = data.scopes ?? DEFAULT_SCOPES;
  const requiredScopes = data.requiredScopes ?? scopes;
  const notRequested = requiredScopes.filter((s) => !scopes.includes(s));
  if (notRequested.length) {
    problems.add(
      name,
      ['requiredScopes'],
      `requires ${notRequested.join(', ')} but "scopes" does not request it`,
    );
  }

  const clientAuth = await parseClientAuth(name, data.clientAuth, options, problems);
  const grant = await parseGrant(name, data, options, problems);
  if (problems.issues.length > before || !clientAuth || !grant) return undefined;
  return {
    type: 'oauth2',
    name,
    domain,
    issuer: `https://${domain}`,
    transport,
    clientId: data.clientId,
    grant,
    clientAuth,
    scopes: Object.freeze([...scopes]),
    requiredScopes: Object.freeze([...requiredScopes]),
    dpop: data.dpop,
  };
}

type OAuthConnectionInput = z.output<typeof OAuthConnectionSchema>;

/** The client authentication: a private key imported for `private_key_jwt`, or a client secret. */
async function parseClientAuth(
  name: string,
  input: OAuthConnectionInput['clientAuth'],
  options: ParseConnectionsOptions,
  problems: IssueCollector,
): Promise<ClientAuthentication | undefined> {
  if (input.method !== 'private_key_jwt') {
    const path = ['clientAuth', 'clientSecret'];
    const secret = await resolveSecret(input.clientSecret, options, problems, name, path);
    return secret && { method: input.method, clientSecret: new Secret(secret.value, secret.source) };
  }
  const path = ['clientAuth', 'privateKey'];
  const text = await resolveSecret(input.privateKey, options, problems, name, path);
  if (!text) return undefined;
  try {
    const { key, kid } = await importPrivateKey(text.value);
    const chosenKid = input.kid ?? kid;
    return {
      method: 'private_key_jwt',
      privateKey: new Secret(key, text.source),
      ...(chosenKid ? { kid: chosenKid } : {}),
    };
  } catch (err) {
    problems.add(name, path, `the key from ${text.source} ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * The grant. For the authorization code grant: a redirect URI Okta can match, and the refresh-token
 * store, its file and its 32-byte key (docs/ARCHITECTURE.md §4).
 */
async function parseGrant(
  name: string,
  data: OAuthConnectionInput,
  options: ParseConnectionsOptions,
  problems: IssueCollector,
): Promise<Grant | undefined> {
  const input = data.grant;
  if (input.type === 'client_credentials') return { type: 'client_credentials' };
  if (!data.development && hasPortZero(input.redirectUri)) {
    problems.add(
      name,
      ['grant', 'redirectUri'],
      'port 0 (any free port) works only against the local emulator (a connection with a "development" ' +
        'block): Okta matches a sign-in redirect URI exactly, port included, so give the port registered ' +
        'on the Okta app, for example http://127.0.0.1:8765/callback',
    );
  }
  const path = ['grant', 'refreshTokenStore', 'encryptionKey'];
  const keyText = await resolveSecret(input.refreshTokenStore.encryptionKey, options, problems, name, path);
  if (!keyText) return undefined;
  const key = decodeKey(keyText.value);
  if (!key) {
    problems.add(
      name,
      path,
      `the key from ${keyText.source} must be 32 random bytes, base64 or hex encoded ` +
        `(for example: openssl rand -base64 32)`,
    );
    return undefined;
  }
  const refreshTokenStore: RefreshTokenStoreConfig = {
    path: configPath(input.refreshTokenStore.path, options),
    encryptionKey: new Secret(key, keyText.source),
  };
  return {
    type: 'authorization_code',
    redirectUri: input.redirectUri,
    refreshTokenStore,
    store: (options.refreshTokenStore ?? fileRefreshTokenStore)(name, refreshTokenStore),
  };
}

/**
 * Validates a connections configuration already in memory and resolves its secret references.
 *
 * @throws {ConnectionConfigError} listing every problem by connection and field.
 * @example
 * const connections = await parseConnections(json, { baseDir: process.cwd() });
 * connections.get('okta-automation');
 */
export async function parseConnections(
  json: unknown,
  options: ParseConnectionsOptions,
): Promise<Connections> {
  const file = FileSchema.safeParse(json);
  if (!file.success) throw new ConnectionConfigError(zodIssues(undefined, file.error).map(rootField));
  const problems = new IssueCollector();
  const result = new Map<string, Connection>();
  for (const [name, raw] of Object.entries(file.data.connections)) {
    const connection = await parseOne(name, raw, options, problems);
    if (connection) result.set(name, Object.freeze(connection));
  }
  if (problems.issues.length) throw new ConnectionConfigError(problems.issues);
  return result;
}

// Issues on the file's top level read better without the `connections` prefix doubling up.
function rootField(issue: ConnectionConfigIssue): ConnectionConfigIssue {
  return { ...issue, field: issue.field.replace(/^connections\.connections/, 'connections') };
}

/**
 * Loads the connections file: `source.file`, or the path in `TEMPORAL_OKTA_CONNECTIONS`. Relative paths
 * inside it are resolved against the file's directory. `source.refreshTokenStore` plugs in a
 * refresh-token store of your own (see {@link ParseConnectionsOptions.refreshTokenStore}).
 *
 * @throws {ConnectionConfigError} when the file is missing, not JSON, or invalid.
 */
export async function loadConnections(
  source: { file?: string; env?: NodeJS.ProcessEnv; refreshTokenStore?: RefreshTokenStoreFactory } = {},
): Promise<Connections> {
  const env = source.env ?? process.env;
  const file = source.file ?? env[CONNECTIONS_ENV_VAR];
  if (!file) {
    throw new ConnectionConfigError([
      {
        field: CONNECTIONS_ENV_VAR,
        message:
          'is not set: set it to the path of the Okta connections JSON file, or pass the file explicitly',
      },
    ]);
  }
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConnectionConfigError(
      [
        {
          field: 'file',
          message: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'read error'})`,
        },
      ],
      path,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // JSON.parse messages may quote the surrounding text, which could include a pasted secret.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new ConnectionConfigError(
      [{ field: 'file', message: `is not valid JSON${position ? ` (near character ${position})` : ''}` }],
      path,
    );
  }
  try {
    return await parseConnections(json, {
      baseDir: dirname(path),
      env,
      ...(source.refreshTokenStore ? { refreshTokenStore: source.refreshTokenStore } : {}),
    });
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new ConnectionConfigError(err.issues, path);
    throw err;
  }
}
