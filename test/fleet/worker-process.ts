/**
 * One worker of the fleet tests, in its own OS process (`node --import tsx test/fleet/worker-process.ts`),
 * built with the package's public API only, as a user's worker is (README, "A worked example"), and
 * configured from the environment:
 *
 * - Temporal: `TEMPORAL_ADDRESS` (and the rest of `@temporalio/envconfig`);
 * - the worker: `TEMPORAL_OKTA_TASK_QUEUE`, `TEMPORAL_OKTA_DEPLOYMENT_NAME`, `TEMPORAL_OKTA_BUILD_ID`,
 *   `TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES`;
 * - Okta: `TEMPORAL_OKTA_CONNECTIONS`; payloads: `TEMPORAL_OKTA_CODEC_KEYS`; sessions:
 *   `TEMPORAL_OKTA_SESSION_KEYS` (the same on every worker, for the package's session signing);
 * - test tuning: `FLEET_WORKFLOW_BUNDLE` (a bundle from `bundleOktaWorkflows`, built once by the test, so
 *   a restart does not bundle again), `FLEET_REQUEST_TIMEOUT_MS` (below the activities' start-to-close
 *   timeout), `FLEET_STICKY_TIMEOUT_MS` (how soon a killed worker's sticky tasks move to another worker),
 *   `FLEET_MAX_WORKFLOW_TASKS` (workflow tasks held at once: what a kill loses to their timeout).
 *
 * It prints `ready` on stdout once the worker polls. SIGTERM or SIGINT shut it down (the Temporal runtime
 * handles both); the chaos test kills it with SIGKILL.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { createOktaActivities, loadConnections, loadSessionKeysFromEnv } from '../../activities/index.js';
import {
  createDataConverter,
  createOktaWorker,
  loadCodecKeysFromEnv,
  loadWorkerConfig,
} from '../../worker/index.js';

/** A positive whole number from the environment, or undefined when unset. */
function positiveInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}

// Started by a test with an IPC channel: exit when the test process is gone (also while this module was
// still loading its imports), so no worker outlives it.
if (process.send) {
  if (!process.connected) process.exit(1);
  process.channel?.unref();
  process.once('disconnect', () => process.exit(1));
}

const { connectionOptions, namespace } = loadClientConnectConfig();
const config = loadWorkerConfig();
const keys = await loadCodecKeysFromEnv();
// Every worker of the fleet verifies the sessions Connect signed on any of them: the same keys everywhere.
const sessionKeys = loadSessionKeysFromEnv() ?? keys;
if (!sessionKeys) throw new Error('set TEMPORAL_OKTA_SESSION_KEYS or TEMPORAL_OKTA_CODEC_KEYS');
const bundlePath = process.env.FLEET_WORKFLOW_BUNDLE;
const stickyMs = positiveInteger('FLEET_STICKY_TIMEOUT_MS');
const maxWorkflowTasks = positiveInteger('FLEET_MAX_WORKFLOW_TASKS');

const connection = await NativeConnection.connect(connectionOptions);
const worker = await createOktaWorker({
  connection,
  namespace,
  config,
  activities: createOktaActivities({
    connections: await loadConnections(),
    buildId: config.buildId,
    sessionKeys,
    requestTimeoutMs: positiveInteger('FLEET_REQUEST_TIMEOUT_MS'),
  }),
  ...(keys ? { dataConverter: createDataConverter(keys) } : {}),
  workerOptions: {
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
    ...(stickyMs ? { stickyQueueScheduleToStartTimeout: stickyMs } : {}),
    ...(maxWorkflowTasks ? { maxConcurrentWorkflowTaskExecutions: maxWorkflowTasks } : {}),
  },
});
const running = worker.run();
process.stdout.write('ready\n');
try {
  await running;
} finally {
  await connection.close();
}
