/**
 * temporal-okta: the Okta package for Temporal.
 *
 * The root entry holds what both sides use: deterministic, dependency-light pieces that are safe in
 * workflow code as well as in activities, workers and clients.
 */
export * from './common/index.js';
