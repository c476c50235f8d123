import { z } from 'zod';

/** Where a session is visible: see docs/ARCHITECTURE.md §3. */
export const SessionKind = { local: 'local', global: 'global', variable: 'variable' } as const;
/** One of {@link SessionKind}'s values: `local`, `global` or `variable`. */
export type SessionKind = (typeof SessionKind)[keyof typeof SessionKind];

/**
 * A serialisable handle on an authorised Okta connection. It carries no secret: activities turn it into
 * an access token through the worker's token cache.
 */
export const OktaSessionSchema = z.object({
  /** Unique per Connect call; the token cache key. */
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(SessionKind),
  /** Normalised Okta org domain, e.g. `companyabc.okta.com`. */
  domain: z.string().min(1),
  /** Name of the OAuth 2.0 connection configured on the workers. */
  connection: z.string().min(1),
  /** Scopes granted to the session's token (empty for an SSWS API token, which has no scopes). */
  scopes: z.array(z.string()),
  /** Build id of the worker that created the session (package-version parity, docs/ARCHITECTURE.md §6). */
  buildId: z.string().min(1),
  /** ISO 8601 creation time. */
  createdAt: z.string().min(1),
  createdBy: z.object({ workflowId: z.string(), runId: z.string() }),
  /**
   * Connect's signature over every other field (`v1:<key id>:<HMAC>`), checked by every worker before it
   * uses the session. Not a secret. Optional here only so that histories of older builds still replay;
   * activities refuse a session without it.
   */
  signature: z.string().optional(),
});
/** A serialisable handle on an authorised Okta connection, returned by `okta.connect` (see {@link OktaSessionSchema}). */
export type OktaSession = z.infer<typeof OktaSessionSchema>;

/** The default session name when none is given. */
export const DEFAULT_SESSION_NAME = 'default';
