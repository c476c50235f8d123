import type { DataConverter } from '@temporalio/common';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AesGcmPayloadCodec } from './codec.js';
import type { CodecKeyring } from './keys.js';

// The failure converter must be a module path: the worker bundles it into the workflow sandbox. Take this
// module's own extension, so the path is right both from source (`.ts`) and from the build (`.js`).
const failureConverterPath = fileURLToPath(
  new URL(`./failure-converter${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

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
