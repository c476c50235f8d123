import { z } from 'zod';
import type { ConnectionConfigIssue } from './connections.js';

/**
 * The schema of the connections file (docs/ARCHITECTURE.md §4) and how its problems are reported: by
 * connection and field, e.g. `connections["okta-automation"].clientAuth.privateKey`.
 */

const INLINE_SECRET =
  'an inline secret is not allowed: reference it as {"env": "VARIABLE_NAME"} or {"file": "/path/to/secret"}';

export const SecretRefSchema = z.unknown().transform((value, ctx): { env: string } | { file: string } => {
  if (typeof value === 'string') {
    ctx.addIssue({ code: 'custom', message: INLINE_SECRET });
    return z.NEVER;
  }
  const parsed = z
    .union([z.strictObject({ env: z.string().min(1) }), z.strictObject({ file: z.string().min(1) })])
    .safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a secret reference: {"env": "VARIABLE_NAME"} or {"file": "/path/to/secret"}',
    });
    return z.NEVER;
  }
  return parsed.data;
});
export type SecretRef = z.output<typeof SecretRefSchema>;

const ScopeList = z
  .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'is not a valid OAuth scope'))
  .min(1);

export const DevelopmentSchema = z.strictObject({
  /** `host:port` of the local emulator; the org domain stays in URLs, SNI and certificate checks. */
  connectTo: z
    .string()
    .regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, for example 127.0.0.1:8443')
    .optional(),
  /** PEM file of the emulator's local CA, trusted in addition to Node's CA store. */
  caFile: z.string().min(1).optional(),
});

const GrantSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('client_credentials') }),
    z.strictObject({
      type: z.literal('authorization_code'),
      redirectUri: z.url({
        protocol: /^https?$/,
        error: 'must be an http(s) URL registered on the Okta app',
      }),
      refreshTokenStore: z.strictObject({ path: z.string().min(1), encryptionKey: SecretRefSchema }),
    }),
  ],
  { error: 'must have "type": "client_credentials" or "authorization_code"' },
);

const ClientAuthSchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({
      method: z.literal('private_key_jwt'),
      privateKey: SecretRefSchema,
      kid: z.string().min(1).optional(),
    }),
    z.strictObject({
      method: z.enum(['client_secret_basic', 'client_secret_post']),
      clientSecret: SecretRefSchema,
    }),
  ],
  { error: 'must have "method": "private_key_jwt", "client_secret_basic" or "client_secret_post"' },
);

export const OAuthConnectionSchema = z.strictObject({
  type: z.literal('oauth2').optional(),
  domain: z.string(),
  clientId: z.string().min(1),
  grant: GrantSchema,
  clientAuth: ClientAuthSchema,
  scopes: ScopeList.optional(),
  requiredScopes: z.array(z.string().min(1)).optional(),
  dpop: z.boolean().default(false),
  authorizationServer: z.string().optional(),
  development: DevelopmentSchema.optional(),
});

export const SswsConnectionSchema = z.strictObject({
  type: z.literal('ssws'),
  domain: z.string(),
  apiToken: SecretRefSchema,
  development: DevelopmentSchema.optional(),
});

export const FileSchema = z.strictObject({
  connections: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), z.unknown()),
});

/** `connections["name"].a.b[0]` */
function fieldPath(name: string | undefined, path: readonly PropertyKey[]): string {
  let out = name === undefined ? 'connections' : `connections[${JSON.stringify(name)}]`;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

export function zodIssues(
  name: string | undefined,
  error: z.ZodError,
  prefix: PropertyKey[] = [],
): ConnectionConfigIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is required';
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    return { field: fieldPath(name, path), connection: name, message };
  });
}

export class IssueCollector {
  readonly issues: ConnectionConfigIssue[] = [];
  add(name: string, path: readonly PropertyKey[], message: string): void {
    this.issues.push({ field: fieldPath(name, path), connection: name, message });
  }
}
