/**
 * The stable error types of temporal-okta.
 *
 * Every failure a user sees is an `ApplicationFailure` whose `type` is one of these strings. Match on them
 * in catch blocks (`err.cause.type === OktaErrorType.OktaForbidden`) and in retry policies
 * (`nonRetryableErrorTypes`). The strings never change once released.
 *
 * This module is pure: it is used inside workflows as well as in activities.
 */
export const OktaErrorType = {
  /**
   * An input to an action (or Connect) failed validation, for example a missing field or a value of the
   * wrong shape. The message names the field. Fix the workflow code that builds the input; retrying does
   * not help.
   */
  OktaInvalidInput: 'OktaInvalidInput',
  /**
   * The domain given to Connect is not an Okta org domain: a URL with a path, a port, an IP address, the
   * admin console host (`acme-admin.okta.com`), or a host that is neither an Okta domain nor declared as
   * the connection's custom domain. The message says what to enter instead, e.g. `acme.okta.com`.
   */
  OktaInvalidDomain: 'OktaInvalidDomain',
  /**
   * The domain given to Connect differs from the domain configured on the named connection. The message
   * names both. Pass the connection's domain, or use the connection configured for that org.
   */
  OktaDomainMismatch: 'OktaDomainMismatch',
  /**
   * No connection with that name is configured on the worker that ran the activity. Check the name, and
   * that every worker loads the same connections file (`TEMPORAL_OKTA_CONNECTIONS`).
   */
  OktaConnectionNotFound: 'OktaConnectionNotFound',
  /**
   * The connection's configuration is unusable at run time: a referenced secret file or environment
   * variable is missing, a private key cannot be read, or the refresh-token store cannot be decrypted.
   * The message names the connection and the field. Fix the worker's configuration.
   */
  OktaConnectionMisconfigured: 'OktaConnectionMisconfigured',
  /**
   * The org's authorization server metadata (`/.well-known/oauth-authorization-server`, then
   * `/.well-known/openid-configuration`) could not be read or is not valid metadata. Check the domain and
   * that the org exists. Not retried: a network error or a 5xx during discovery is OktaUnavailable
   * instead, which is retried.
   */
  OktaDiscoveryFailed: 'OktaDiscoveryFailed',
  /**
   * The discovered issuer is not `https://{domain}`. The domain is probably an alias or a custom
   * authorization server; configure the connection with the org's own domain.
   */
  OktaIssuerMismatch: 'OktaIssuerMismatch',
  /**
   * Okta rejected the client's authentication (`invalid_client`): wrong client id, wrong or expired client
   * secret, a public key not registered on the app, or a client authentication method the app does not
   * allow. Fix the Okta app's Client Credentials settings or the connection's secret.
   */
  OktaInvalidClient: 'OktaInvalidClient',
  /**
   * The token lacks scopes the connection requires (or Okta refused to grant them: `invalid_scope`), or an
   * action's operation needs a scope the session's token was not granted (Okta's 403 with an
   * `insufficient_scope` challenge). The message lists the missing scopes. Grant them on the app's "Okta
   * API Scopes" tab in the Admin Console, and add them to the connection's `scopes`.
   */
  OktaMissingScopes: 'OktaMissingScopes',
  /**
   * The connection has no usable refresh token: it was never authorised, or the refresh token expired or
   * was revoked (`invalid_grant`). Run `temporal-okta connections authorize NAME` once.
   */
  OktaAuthorizationRequired: 'OktaAuthorizationRequired',
  /**
   * Okta answered 403: the token is valid but not allowed to do this. For an API Services app this
   * usually means it has no admin role (assign one under the app's "Admin roles" tab); otherwise a scope
   * or a resource-set restriction.
   */
  OktaForbidden: 'OktaForbidden',
  /**
   * Okta answered 401 for an access token even after one fresh token was obtained and the call retried.
   * Check that the app is active and that the token is sent the way the app expects (DPoP or Bearer).
   */
  OktaInvalidToken: 'OktaInvalidToken',
  /**
   * Okta answered 429 (`E0000047`). The failure carries `nextRetryDelay` from the `X-Rate-Limit-Reset`
   * header, so Temporal retries exactly when the rate-limit window resets. Retryable.
   */
  OktaRateLimited: 'OktaRateLimited',
  /**
   * Okta could not be reached (network error, timeout) or answered 5xx. Retryable with the activity's
   * retry policy.
   */
  OktaUnavailable: 'OktaUnavailable',
  /** The user, group or other resource does not exist in the org (404). Not retried. */
  OktaNotFound: 'OktaNotFound',
  /**
   * The request conflicts with the org's current state, e.g. a login that already exists or a status
   * transition Okta does not allow. Not retried.
   */
  OktaConflict: 'OktaConflict',
  /**
   * Okta rejected the request's content (400 `E0000001`, for example a profile attribute that fails the
   * profile schema). The message carries Okta's error causes. Not retried.
   */
  OktaValidationFailed: 'OktaValidationFailed',
  /**
   * An action named a session that is not visible in this workflow. The message lists the visible names.
   * Connect first, or use a global session to share it with child workflows.
   */
  OktaSessionNotFound: 'OktaSessionNotFound',
  /** The session was disconnected earlier in the workflow. Connect again to get a new session. */
  OktaSessionDisconnected: 'OktaSessionDisconnected',
  /**
   * The session was created by a worker running another build of the package (package-version parity,
   * docs/ARCHITECTURE.md §6). Run parent and child on the same build.
   */
  OktaSessionVersionMismatch: 'OktaSessionVersionMismatch',
  /**
   * The session value was not minted by Connect on a worker that shares this worker's session keys: a
   * field was changed after Connect (another connection or domain, say), its signature is missing or
   * forged, it was signed with a session key this worker does not have, or a client tried to hand a
   * workflow sessions in the session header. Connect again in the workflow; when workers disagree, give
   * every worker the same `TEMPORAL_OKTA_SESSION_KEYS`.
   */
  OktaSessionInvalid: 'OktaSessionInvalid',
  /**
   * Okta rotated the connection's refresh token but the new one could not be written to the
   * refresh-token store (disk full, permissions, a shared store that refused the write). The worker
   * keeps the new token in memory and uses it for the next refresh, so nothing is lost while it runs;
   * fix the store before the worker restarts. Also raised when the store cannot be used right now (its
   * lock stayed taken by another process past the wait, a shared store failed a read). Retryable.
   */
  OktaRefreshTokenStoreFailed: 'OktaRefreshTokenStoreFailed',
} as const;

/** One of the stable error type strings of {@link OktaErrorType}. */
export type OktaErrorType = (typeof OktaErrorType)[keyof typeof OktaErrorType];

/**
 * The error types that retrying cannot fix: fix the input, the configuration or the Okta org first.
 * Use it in retry policies: `retry: { nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] }`.
 * The others (OktaRateLimited, OktaUnavailable, OktaRefreshTokenStoreFailed) are retried.
 */
export const NON_RETRYABLE_ERROR_TYPES: readonly OktaErrorType[] = Object.freeze([
  OktaErrorType.OktaInvalidInput,
  OktaErrorType.OktaInvalidDomain,
  OktaErrorType.OktaDomainMismatch,
  OktaErrorType.OktaConnectionNotFound,
  OktaErrorType.OktaConnectionMisconfigured,
  OktaErrorType.OktaDiscoveryFailed,
  OktaErrorType.OktaIssuerMismatch,
  OktaErrorType.OktaInvalidClient,
  OktaErrorType.OktaMissingScopes,
  OktaErrorType.OktaAuthorizationRequired,
  OktaErrorType.OktaForbidden,
  OktaErrorType.OktaInvalidToken,
  OktaErrorType.OktaNotFound,
  OktaErrorType.OktaConflict,
  OktaErrorType.OktaValidationFailed,
  OktaErrorType.OktaSessionNotFound,
  OktaErrorType.OktaSessionDisconnected,
  OktaErrorType.OktaSessionVersionMismatch,
  OktaErrorType.OktaSessionInvalid,
]);

/** Whether failures of this type are retried by default. */
export function isRetryableErrorType(type: OktaErrorType): boolean {
  return !NON_RETRYABLE_ERROR_TYPES.includes(type);
}
