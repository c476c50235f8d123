import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { newOktaId } from '../ids.js';

/** The Management API scopes of Okta's org authorization server that the emulator enforces. */
export const OKTA_SCOPES = [
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.logs.read',
] as const;
export type OktaScope = (typeof OKTA_SCOPES)[number];

/** OpenID Connect scopes the org authorization server also accepts for user sign-in. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export const AUTH_METHODS = {
  privateKeyJwt: 'private_key_jwt',
  clientSecretBasic: 'client_secret_basic',
  clientSecretPost: 'client_secret_post',
} as const;
export type AuthMethod = (typeof AUTH_METHODS)[keyof typeof AUTH_METHODS];

/** The redirect URI registered for the seeded web apps; any loopback port is accepted (RFC 8252 §7.3). */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';
/** Every loopback form `connections authorize` can listen on, registered on the web apps. */
const LOOPBACK_REDIRECT_URIS = [LOOPBACK_REDIRECT_URI, 'http://[::1]/callback', 'http://localhost/callback'];

/** A seeded OAuth client as described in org.json, credentials included. */
export interface SeededClient {
  name: string;
  clientId: string;
  authMethod: AuthMethod;
  grantTypes: string[];
  scopes: string[];
  /** Set for `client_secret_basic` and `client_secret_post` clients. */
  clientSecret?: string;
  /** Set for `private_key_jwt` clients: the client's private key as a JWK with `kid` and `alg`. */
  privateKeyJwk?: JWK & { kty: string; kid: string; alg: string };
  redirectUris?: string[];
  /** The client must present a DPoP proof at the token endpoint; its access tokens are DPoP-bound. */
  dpopRequired: boolean;
}

/** The secrets of one emulated org, generated on first start and kept in `<stateDir>/credentials.json`. */
export interface OrgCredentials {
  adminSecret: string;
  apiToken: string;
  admin: { login: string; password: string; userId: string };
  cookieKeys: string[];
  /** The authorization server's signing key (private JWK). */
  signingKey: JWK & { kty: string; kid: string; alg: string };
  clients: SeededClient[];
}

interface ClientTemplate {
  name: string;
  authMethod: AuthMethod;
  grantTypes: string[];
  scopes: string[];
  dpopRequired?: boolean;
}

const ALL_OKTA_SCOPES = [...OKTA_SCOPES];
/**
 * The apps and admin-roles scopes the emulator also serves: granted to the `service` app (the
 * `okta-automation` connection) only, so the other apps show what a missing grant looks like.
 */
export const LIFECYCLE_SCOPES = [
  'okta.apps.read',
  'okta.apps.manage',
  'okta.roles.read',
  'okta.roles.manage',
] as const;
const READ_SCOPES: OktaScope[] = ['okta.users.read', 'okta.groups.read'];

/** The clients every emulated org starts with. Names are stable; ids and credentials are per state dir. */
export const CLIENT_TEMPLATES: readonly ClientTemplate[] = [
  {
    name: 'service',
    authMethod: AUTH_METHODS.privateKeyJwt,
    grantTypes: ['client_credentials'],
    scopes: [...ALL_OKTA_SCOPES, ...LIFECYCLE_SCOPES],
  },
  {
    name: 'service-dpop',
    authMethod: AUTH_METHODS.privateKeyJwt,
    grantTypes: ['client_credentials'],
    scopes: ALL_OKTA_SCOPES,
    dpopRequired: true,
  },
  {
    name: 'service-readonly',
    authMethod: AUTH_METHODS.privateKeyJwt,
    grantTypes: ['client_credentials'],
    scopes: READ_SCOPES,
  },
  {
    name: 'web',
    authMethod: AUTH_METHODS.clientSecretBasic,
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: [...OIDC_SCOPES, ...ALL_OKTA_SCOPES],
  },
  {
    name: 'web-post',
    authMethod: AUTH_METHODS.clientSecretPost,
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: [...OIDC_SCOPES, ...ALL_OKTA_SCOPES],
  },
  {
    name: 'web-dpop',
    authMethod: AUTH_METHODS.clientSecretBasic,
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: [...OIDC_SCOPES, ...ALL_OKTA_SCOPES],
    dpopRequired: true,
  },
];

/**
 * Loads the org's credentials from `<stateDir>/credentials.json`, generating them (and the file, mode
 * 0600) on first start. Clients added to {@link CLIENT_TEMPLATES} later are generated on the next start.
 */
export async function loadOrCreateCredentials(stateDir: string): Promise<OrgCredentials> {
  const file = join(stateDir, 'credentials.json');
  let existing: Partial<OrgCredentials> = {};
  if (existsSync(file)) existing = JSON.parse(await readFile(file, 'utf8')) as Partial<OrgCredentials>;

  const clients: SeededClient[] = [];
  for (const template of CLIENT_TEMPLATES) {
    const found = existing.clients?.find((c) => c.name === template.name);
    clients.push(found ? { ...found, ...templateFields(template) } : await createClient(template));
  }
  const credentials: OrgCredentials = {
    adminSecret: existing.adminSecret ?? secret(32),
    apiToken: existing.apiToken ?? `00${secret(30)}`,
    admin: existing.admin ?? {
      login: 'admin@companyabc.example',
      password: secret(18),
      userId: newOktaId('00u'),
    },
    cookieKeys: existing.cookieKeys ?? [secret(32)],
    signingKey: existing.signingKey ?? (await privateJwk('RS256')),
    clients,
  };
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

function templateFields(
  t: ClientTemplate,
): Omit<SeededClient, 'clientId' | 'clientSecret' | 'privateKeyJwk'> {
  const usesCode = t.grantTypes.includes('authorization_code');
  return {
    name: t.name,
    authMethod: t.authMethod,
    grantTypes: [...t.grantTypes],
    scopes: [...t.scopes],
    ...(usesCode ? { redirectUris: LOOPBACK_REDIRECT_URIS } : {}),
    dpopRequired: t.dpopRequired ?? false,
  };
}

async function createClient(t: ClientTemplate): Promise<SeededClient> {
  const client: SeededClient = { ...templateFields(t), clientId: newOktaId('0oa') };
  if (t.authMethod === AUTH_METHODS.privateKeyJwt) client.privateKeyJwk = await privateJwk('RS256');
  else client.clientSecret = secret(40);
  return client;
}

async function privateJwk(alg: 'RS256'): Promise<JWK & { kty: string; kid: string; alg: string }> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kty: jwk.kty ?? 'RSA', kid: secret(16), alg, use: 'sig' };
}

/** The public half of a private JWK (what the authorization server registers for the client). */
export function publicJwk(jwk: JWK): JWK {
  const { kty, kid, alg, use, n, e, crv, x, y } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, kid, alg, use, n, e, crv, x, y }).filter(([, v]) => v !== undefined),
  );
}

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
