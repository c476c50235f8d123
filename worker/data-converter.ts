import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './codec.js';
import type { CodecKeyring } from './keys.js';
import { packageModulePath } from './module-path.js';

/**
 * The failure converter that encodes failure messages and stack traces as payloads, so the codec encrypts
 * them. A module path: the worker (or `bundleOktaWorkflows`) bundles it into the workflow sandbox.
 */
export const failureConverterPath = packageModulePath('worker/failure-converter');

/**
 * The one data converter of temporal-okta, shared by the client and the worker: every payload is encrypted
 * with {@link AesGcmPayloadCodec}, and failure messages and stack traces are encoded as payloads so they are
 * encrypted too (they can contain profile data).
 *
 * @example
 * const dataConverter = createDataConverter(keys);
 * const client = new Client({ connection, dataConverter });
 * const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowsPath, dataConverter });
 */
export function createDataConverter(keys: CodecKeyring): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(keys)],
    failureConverterPath,
  };
}
