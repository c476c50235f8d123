import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { OrgTransport } from './fetch.js';

const JwkSchema = z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string() });

const ClientSchema = z.object({
  name: z.string(),
  clientId: z.string(),
  authMethod: z.enum(['private_key_jwt', 'client_secret_basic', 'client_secret_post']),
  grantTypes: z.array(z.string()),
  scopes: z.array(z.string()),
  clientSecret: z.string().optional(),
  privateKeyJwk: JwkSchema.optional(),
  redirectUris: z.array(z.string()).optional(),
  dpopRequired: z.boolean(),
});

/** The shape of `<stateDir>/org.json`, written by the emulator when it is ready. */
export const OrgDescriptionSchema = z.object({
  /** The org's public domain, e.g. `companyabc.okta.com`; the issuer is `https://{domain}`. */
  domain: z.string(),
  /** The https origin the emulator listens on, e.g. `https://127.0.0.1:8443`. */
  url: z.url(),
  /** The emulator's CA certificate (PEM) to trust. */
  caFile: z.string(),
  /** Bearer secret of the `/__emulator/*` test controls. */
  adminSecret: z.string(),
  /** The org's SSWS API token (all okta.* scopes). */
  apiToken: z.string(),
  /** The org admin who signs in and consents in the authorization code flow. */
  admin: z.object({ login: z.string(), password: z.string() }),
  clients: z.array(ClientSchema),
});

/** A running emulated org, as described by `org.json`. */
export type OrgDescription = z.infer<typeof OrgDescriptionSchema>;
/** One seeded OAuth client of the org, credentials included. */
export type OrgClient = OrgDescription['clients'][number];

/** Writes `org.json` (mode 0600: it holds credentials). */
export async function writeOrg(file: string, org: OrgDescription): Promise<void> {
  await writeFile(file, `${JSON.stringify(org, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Reads and validates an `org.json` written by a running emulator.
 *
 * @example
 * const org = await readOrg('.emulator/org.json');
 * const fetch = createOrgFetch(await orgTransport(org));
 */
export async function readOrg(file: string): Promise<OrgDescription> {
  const parsed = OrgDescriptionSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file} is not an emulator org description: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The org client with this name (`service`, `service-dpop`, `service-readonly`, `web`, `web-post`). */
export function orgClient(org: OrgDescription, name: string): OrgClient {
  const client = org.clients.find((c) => c.name === name);
  if (!client)
    throw new Error(
      `The emulated org has no client named "${name}"; it has ${org.clients.map((c) => c.name).join(', ')}`,
    );
  return client;
}

/**
 * How to reach the emulated org under its real domain (for `createOrgFetch`, or temporal-okta's
 * `createFetch`): trust the emulator's CA and send the domain's connections to the emulator's loopback address.
 */
export async function orgTransport(org: OrgDescription): Promise<OrgTransport> {
  return { ca: await readFile(org.caFile, 'utf8'), connectTo: { [org.domain]: new URL(org.url).host } };
}
