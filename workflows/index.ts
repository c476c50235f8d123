// The public surface of `temporal-okta/workflows`, by name: see api/temporal-okta-workflows.api.md.
// It is also the module the worker bundles (PACKAGE_WORKFLOWS_MODULE): every workflow function exported
// here is registered as a workflow type.
export {
  DEFAULT_ACTIVITY_OPTIONS,
  okta,
  type ActionOptions,
  type ConnectOptions,
  type SessionOption,
  type UsersGetOptions,
  type FollowLogOptions,
} from './okta.js';
export { type SessionRef } from './sessions.js';
export { type OktaSession } from '../common/session.js';
export { type OktaUserStatus, type OktaUser } from '../common/contract.js';
export { pinned } from './versioning.js';
export {
  addHiresSignal,
  onboardNewHires,
  onboardNewHiresBatch,
  progressQuery,
  provisionNewHire,
} from './onboarding.js';
export {
  FollowSystemLogInputSchema,
  followSystemLog,
  stopFollowingSignal,
  type FollowSystemLogInput,
} from './follow-system-log.js';
export { offboardUser, offboardUsers, offboardingProgressQuery } from './offboarding.js';
