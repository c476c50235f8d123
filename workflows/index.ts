export { okta, DEFAULT_ACTIVITY_OPTIONS } from './okta.js';
export type { ActionOptions, ConnectOptions, SessionOption, UsersGetOptions } from './okta.js';
export type { SessionRef, VisibleSessionNames } from './sessions.js';
export { SESSIONS_HEADER } from './interceptors.js';
export type { OktaSession } from '../common/session.js';
export type { OktaCreatedUser, OktaUser, OktaUserStatus } from '../common/contract.js';
export { pinned } from './versioning.js';
export * from './onboarding.js';
