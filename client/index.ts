// The public surface of `temporal-okta/client`, by name: see api/temporal-okta-client.api.md.
export {
  CODEC_SERVER_TOKEN_ENV,
  type CodecServerAuth,
  type CodecServerOidcAuth,
} from './codec-server-auth.js';
export {
  DEFAULT_ALLOWED_ORIGINS,
  startCodecServer,
  type CodecServer,
  type CodecServerOptions,
} from './codec-server.js';
export {
  createEventHookReceiver,
  eventWorkflowId,
  type EventHookInput,
  type EventHookReceiverOptions,
  type EventHookRoute,
} from './event-hooks.js';
export {
  PromotionError,
  promoteBuild,
  rampBuild,
  type OlderVersionReport,
  type PromoteOptions,
  type PromotionReport,
  type RampOptions,
  type RampReport,
} from './deployments.js';
export { InputError, startOnboarding, type StartOnboardingOptions } from './onboarding.js';
