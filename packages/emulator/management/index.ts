export { createManagementApi } from './api.js';
export type { ManagementBehaviour } from './context.js';
export { operationScopes } from './scopes.js';
