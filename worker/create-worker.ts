import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  type NativeConnection,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { WorkerConfig } from './config.js';
import { packageModulePath } from './module-path.js';
import { failureConverterPath } from './data-converter.js';
import { OktaPlugin } from './plugin.js';

export { SESSION_INTERCEPTORS_MODULE } from './plugin.js';

/** The package's own workflows (the onboarding samples and the session API). */
export const PACKAGE_WORKFLOWS_MODULE = packageModulePath('workflows/index');

/** Options of {@link createOktaWorker}. */
export interface CreateOktaWorkerOptions {
  /** The connection to the Temporal server. */
  connection: NativeConnection;
  /** The Temporal namespace; Temporal's default when absent. */
  namespace?: string;
  /** Task queue, deployment name and build id: `loadWorkerConfig()` reads them from the environment. */
  config: WorkerConfig;
  /** `createOktaActivities(deps)`, plus any activities of your own. */
  activities: object;
  /** Your workflows module; defaults to the package's sample workflows. */
  workflowsPath?: string;
  /** The shared data converter (`createDataConverter(keys)`), so payloads are encrypted. */
  dataConverter?: DataConverter;
  /**
   * Anything else Temporal's `Worker.create` accepts; it is applied last. A prebuilt `workflowBundle` must
   * come from {@link bundleOktaWorkflows}, which bundles the session interceptors in.
   */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * Bundles your workflows with the session interceptors, once, for workers that start from a prebuilt
 * bundle (faster start-up, and several workers in one process share it). Pass the result as
 * `workerOptions.workflowBundle` to {@link createOktaWorker}.
 *
 * @example
 * const workflowBundle = await bundleOktaWorkflows({ workflowsPath: require.resolve('./workflows') });
 * const worker = await createOktaWorker({ connection, config, activities, workerOptions: { workflowBundle } });
 */
export function bundleOktaWorkflows(
  options: { workflowsPath?: string; workflowInterceptorModules?: string[] } = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? PACKAGE_WORKFLOWS_MODULE,
    workflowInterceptorModules: options.workflowInterceptorModules,
    // Inside the sandbox too, failure messages become payloads the codec encrypts.
    failureConverterPath,
    plugins: [new OktaPlugin({})],
  });
}

/**
 * Builds a worker with the Okta activities, the session interceptors, the data converter and Worker
 * Deployment Versioning, through {@link OktaPlugin} (use the plugin directly to keep `Worker.create`): the worker registers as version `{deploymentName, buildId}` and workflows default
 * to PINNED, so a parent and the children it starts run the same build (docs/ARCHITECTURE.md §6).
 *
 * @example
 * const config = loadWorkerConfig();
 * const worker = await createOktaWorker({ connection, config, activities: createOktaActivities(deps), dataConverter });
 * await worker.run();
 */
export async function createOktaWorker(options: CreateOktaWorkerOptions): Promise<Worker> {
  const { config, workerOptions = {} } = options;
  const { plugins = [], ...rest } = workerOptions;
  // A prebuilt bundle already holds the workflows and the interceptors (bundleOktaWorkflows).
  const prebuilt = rest.workflowBundle !== undefined;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: config.taskQueue,
    ...(prebuilt ? {} : { workflowsPath: options.workflowsPath ?? PACKAGE_WORKFLOWS_MODULE }),
    activities: options.activities,
    dataConverter: options.dataConverter,
    // Temporal refuses this next to a tuner: the tuner then decides.
    ...(config.maxConcurrentActivityTaskExecutions !== undefined && rest.tuner === undefined
      ? { maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions }
      : {}),
    // The Okta budget shared by the fleet: the server dispatches at most this many activities a second.
    ...(config.maxTaskQueueActivitiesPerSecond !== undefined
      ? { maxTaskQueueActivitiesPerSecond: config.maxTaskQueueActivitiesPerSecond }
      : {}),
    ...rest,
    // The plugin adds the session interceptors and Worker Deployment Versioning (PINNED by default).
    plugins: [new OktaPlugin({ deployment: config }), ...plugins],
  });
}
