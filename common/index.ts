export * from './session.js';
export * from './domain.js';
export * from './errors.js';
