export { createManagementApi, rateLimitFamilyFor } from './api.js';
export { operationScopes, hasScope, type OperationId } from './scopes.js';
export { encodeCursor, decodeCursor } from './pagination.js';
