export * from './session.js';
export * from './domain.js';
export * from './errors.js';
export * from './contract.js';
export * from './actions.js';
export * from './new-hire.js';
export * from './issues.js';
export * from './offboarding.js';
