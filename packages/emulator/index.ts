export { startEmulator, DEFAULT_DOMAIN, type EmulatorOptions, type RunningEmulator } from './server.js';
export {
  readOrg,
  orgClient,
  orgTransport,
  OrgDescriptionSchema,
  type OrgDescription,
  type OrgClient,
} from './org.js';
export { createOrgFetch, type Fetch, type OrgTransport } from './fetch.js';
export {
  authorizeWithScriptedAdmin,
  emulatorControls,
  startTestOrg,
  type EmulatorControls,
  type TestOrg,
} from './testing.js';
export type { ApiCaller, Authenticate } from './auth/authenticate.js';
export type { FaultSpecInput } from './faults.js';
export type { IssuedToken } from './auth/adapter.js';
export type { RequestLogEntry } from './request-log.js';
