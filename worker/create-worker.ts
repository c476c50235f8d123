import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { WorkerConfig } from './config.js';
import { packageModulePath } from './module-path.js';

/** The workflow interceptor module that propagates global Okta sessions to children and continue-as-new. */
export const SESSION_INTERCEPTORS_MODULE = packageModulePath('workflows/interceptors');

/** The package's own workflows (the onboarding samples and the session API). */
export const PACKAGE_WORKFLOWS_MODULE = packageModulePath('workflows/index');

export interface CreateOktaWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  /** Task queue, deployment name and build id: `loadWorkerConfig()` reads them from the environment. */
  config: WorkerConfig;
  /** `createOktaActivities(deps)`, plus any activities of your own. */
  activities: object;
  /** Your workflows module; defaults to the package's sample workflows. */
  workflowsPath?: string;
  /** The shared data converter (`createDataConverter(keys)`), so payloads are encrypted. */
  dataConverter?: DataConverter;
  /** Anything else Temporal's `Worker.create` accepts; it is applied last. */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * Builds a worker with the Okta activities, the session interceptors, the data converter and Worker
 * Deployment Versioning: the worker registers as version `{deploymentName, buildId}` and workflows default
 * to PINNED, so a parent and the children it starts run the same build (DESIGN section 6).
 *
 * @example
 * const config = loadWorkerConfig();
 * const worker = await createOktaWorker({ connection, config, activities: createOktaActivities(deps), dataConverter });
 * await worker.run();
 */
export async function createOktaWorker(options: CreateOktaWorkerOptions): Promise<Worker> {
  const { config } = options;
  const workflowModules = [
    SESSION_INTERCEPTORS_MODULE,
    ...(options.workerOptions?.interceptors?.workflowModules ?? []),
  ];
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: config.taskQueue,
    workflowsPath: options.workflowsPath ?? PACKAGE_WORKFLOWS_MODULE,
    activities: options.activities,
    dataConverter: options.dataConverter,
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions,
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: config.deploymentName, buildId: config.buildId },
      defaultVersioningBehavior: 'PINNED',
    },
    ...options.workerOptions,
    interceptors: { ...options.workerOptions?.interceptors, workflowModules },
  });
}
