import { DefaultFailureConverter } from '@temporalio/common';

// Loaded by path (`DataConverter.failureConverterPath`): bundled into the workflow sandbox and `require`d by the
// client and worker. Keep it free of Node built-ins, and free of type annotations so that Node can load the
// `.ts` source as it is when tests run from source.

/**
 * Failure messages and stack traces can contain profile data: encode them as payloads, so the payload codec
 * encrypts them like any other value.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
