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
} from './keys.js';
export type { CodecKeyring, GeneratedCodecKey } from './keys.js';
export * from './build-id.js';
export * from './config.js';
export * from './create-worker.js';
export { OktaPlugin } from './plugin.js';
export type { OktaPluginOptions } from './plugin.js';
