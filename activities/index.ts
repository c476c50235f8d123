export * from './connections.js';
export { Secret } from './secret.js';
export * from './failures.js';
export * from './oauth.js';
export { connectionFetch, discoverOrg } from './oauth-configuration.js';
export { protectedRequest, type ProtectedRequest } from './protected-request.js';
export { revokeAccessToken } from './token-revocation.js';
export * from './refresh-token-store.js';
export * from './session-signing.js';
export * from './token-cache.js';
export * from './connect.js';
export * from './create-activities.js';
export * from './okta-client.js';
export {
  mapOktaError,
  rateLimitResetDelayMs,
  rateLimitRetryDelayMs,
  RATE_LIMIT_MARGIN_MS,
  retryDelayFromHeaders,
  toOktaFailure,
  type OAuthStep,
  type OktaErrorBody,
} from './okta-errors.js';
export * from './transport.js';
