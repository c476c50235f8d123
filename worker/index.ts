// The public surface of `temporal-okta/worker`, by name: see api/temporal-okta-worker.api.md.
export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, ENCRYPTION_KEY_ID_METADATA_KEY } from './codec.js';
export { createDataConverter } from './data-converter.js';
export { failureConverter } from './failure-converter.js';
export {
  CODEC_KEYS_ENV,
  CODEC_KEYS_FILE_ENV,
  CodecError,
  CodecErrorCode,
  generateCodecKey,
  loadCodecKeysFromEnv,
  loadOrCreateKeyFile,
  parseCodecKeyFile,
  parseCodecKeys,
  readCodecKeyFile,
  type CodecKeyring,
  type GeneratedCodecKey,
} from './keys.js';
export { OktaPlugin, SESSION_INTERCEPTORS_MODULE, type OktaPluginOptions } from './plugin.js';
export { DEFAULT_DEPLOYMENT_NAME, defaultBuildId } from './build-id.js';
export { DEFAULT_TASK_QUEUE, WorkerConfigError, loadWorkerConfig, type WorkerConfig } from './config.js';
export {
  PACKAGE_WORKFLOWS_MODULE,
  bundleOktaWorkflows,
  createOktaWorker,
  type CreateOktaWorkerOptions,
} from './create-worker.js';
