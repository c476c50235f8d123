import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LIFECYCLE_SCOPES, OKTA_SCOPES } from './auth/clients.js';
import type { OrgDescription } from './org.js';
import { orgClient } from './org.js';

/** The connections written for an emulated org, by the names workflows use. */
export const EMULATOR_CONNECTIONS = {
  /**
   * Client credentials with private_key_jwt (an API Services app): the four users and groups scopes, which
   * Connect requires, plus the apps and roles scopes, requested but not required.
   */
  service: 'okta-automation',
  /** The same, with DPoP-bound tokens. */
  dpop: 'okta-automation-dpop',
  /** Client credentials with only the two `.read` scopes: Connect fails with OktaMissingScopes. */
  readonly: 'okta-readonly',
  /** Authorization code + PKCE with a refresh token (a Web Application); authorize it once. */
  web: 'okta-web',
  /** The same with DPoP-bound tokens (the `web-dpop` app requires DPoP). */
  webDpop: 'okta-web-dpop',
  /** The service app, also requesting `okta.logs.read` (the System Log). */
  audit: 'okta-audit',
  /** The org's SSWS API token. */
  ssws: 'okta-ssws',
} as const;

/**
 * Writes a connections file (and the secret files it references, mode 0600) for an emulated org, as an
 * administrator would for a real one. Development and tests only: the `development` block points the
 * org's domain at the emulator and trusts its local CA.
 *
 * @returns the path of `connections.json`, for `TEMPORAL_OKTA_CONNECTIONS`.
 */
export async function writeEmulatorConnections(org: OrgDescription, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const secret = async (file: string, value: string) => {
    await writeFile(join(dir, file), value, { mode: 0o600 });
    return { file };
  };
  const development = { connectTo: new URL(org.url).host, caFile: org.caFile };
  const serviceApp = async (client: string, extra: Record<string, unknown> = {}) => ({
    domain: org.domain,
    clientId: orgClient(org, client).clientId,
    grant: { type: 'client_credentials' },
    clientAuth: {
      method: 'private_key_jwt',
      privateKey: await secret(`${client}.key.json`, JSON.stringify(orgClient(org, client).privateKeyJwk)),
    },
    development,
    ...extra,
  });
  // One key for both refresh-token stores: each record is bound to its connection's name.
  const storeKey = await secret('refresh-token-store.key', randomBytes(32).toString('base64'));
  const webApp = async (client: string, name: string, extra: Record<string, unknown> = {}) => ({
    domain: org.domain,
    clientId: orgClient(org, client).clientId,
    grant: {
      type: 'authorization_code',
      redirectUri: 'http://127.0.0.1:8765/callback',
      refreshTokenStore: {
        path: join(dir, `${name}.refresh-token`),
        encryptionKey: storeKey,
      },
    },
    clientAuth: {
      method: 'client_secret_basic',
      clientSecret: await secret(`${client}.secret`, orgClient(org, client).clientSecret ?? ''),
    },
    development,
    ...extra,
  });
  const connections = {
    [EMULATOR_CONNECTIONS.service]: await serviceApp('service', {
      scopes: [...OKTA_SCOPES, ...LIFECYCLE_SCOPES],
      requiredScopes: [...OKTA_SCOPES],
    }),
    [EMULATOR_CONNECTIONS.dpop]: await serviceApp('service-dpop', { dpop: true }),
    [EMULATOR_CONNECTIONS.readonly]: await serviceApp('service-readonly'),
    [EMULATOR_CONNECTIONS.audit]: await serviceApp('service', {
      scopes: [
        'okta.users.read',
        'okta.users.manage',
        'okta.groups.read',
        'okta.groups.manage',
        'okta.logs.read',
      ],
    }),
    [EMULATOR_CONNECTIONS.web]: await webApp('web', EMULATOR_CONNECTIONS.web),
    [EMULATOR_CONNECTIONS.webDpop]: await webApp('web-dpop', EMULATOR_CONNECTIONS.webDpop, { dpop: true }),
    [EMULATOR_CONNECTIONS.ssws]: {
      type: 'ssws',
      domain: org.domain,
      apiToken: await secret('ssws.token', org.apiToken),
      development,
    },
  };
  const file = join(dir, 'connections.json');
  await writeFile(file, `${JSON.stringify({ connections }, null, 2)}\n`, { mode: 0o600 });
  return file;
}
