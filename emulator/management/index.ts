export { createManagementApi } from './api.js';
export { operationScopes } from './scopes.js';
