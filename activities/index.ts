// The public surface of `temporal-okta/activities`, by name: see api/temporal-okta-activities.api.md.
// Internals (the token cache, the OAuth steps, the Management API client, the error mapping) are imported
// from their modules by the package's own code and tests, not from here.
export { Secret } from './secret.js';
export {
  CONNECTIONS_ENV_VAR,
  ConnectionConfigError,
  DEFAULT_SCOPES,
  loadConnections,
  parseConnections,
  type ClientAuthentication,
  type ClientSecretAuth,
  type Connection,
  type ConnectionConfigIssue,
  type Connections,
  type Grant,
  type OAuthConnection,
  type ParseConnectionsOptions,
  type PrivateKeyJwtAuth,
  type RefreshTokenStoreConfig,
  type RefreshTokenStoreFactory,
  type SswsConnection,
} from './connections.js';
export { finishAuthorization, startAuthorization, type PendingAuthorization } from './oauth.js';
export {
  RefreshTokenStoreError,
  fileRefreshTokenStore,
  type FileLockOptions,
  type RefreshTokenStore,
} from './refresh-token-store.js';
export { SESSION_KEYS_ENV, loadSessionKeysFromEnv } from './session-signing.js';
export { findConnection, testConnection, type CheckResult } from './connect.js';
export {
  createOktaActivities,
  type OktaActivityDeps,
  type OktaActivityFunctions,
} from './create-activities.js';
