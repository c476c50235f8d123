export { CODEC_SERVER_TOKEN_ENV, DEFAULT_ALLOWED_ORIGINS, startCodecServer } from './codec-server.js';
export type {
  CodecServer,
  CodecServerAuth,
  CodecServerOidcAuth,
  CodecServerOptions,
} from './codec-server.js';
export * from './deployments.js';
export {
  createEventHookReceiver,
  eventWorkflowId,
  type EventHookInput,
  type EventHookRoute,
  type EventHookReceiverOptions,
} from './event-hooks.js';
