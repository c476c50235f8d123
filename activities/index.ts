export * from './connections.js';
export * from './failures.js';
export * from './oauth.js';
export * from './refresh-token-store.js';
export * from './token-cache.js';
