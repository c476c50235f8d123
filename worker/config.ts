import { z } from 'zod';
import { DEFAULT_DEPLOYMENT_NAME, defaultBuildId } from './build-id.js';

/** The task queue of the package's workflows and activities unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'temporal-okta';

const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(255, `${what} must be at most 255 characters`)
    .regex(/^[^\s]+$/, `${what} must not contain spaces`);

const WorkerEnvSchema = z.object({
  TEMPORAL_OKTA_TASK_QUEUE: name('TEMPORAL_OKTA_TASK_QUEUE').default(DEFAULT_TASK_QUEUE),
  TEMPORAL_OKTA_DEPLOYMENT_NAME: name('TEMPORAL_OKTA_DEPLOYMENT_NAME')
    // Temporal joins deployment and build id with a dot: a dot in the name would make that ambiguous.
    .regex(/^[^.]+$/, 'TEMPORAL_OKTA_DEPLOYMENT_NAME must not contain "."')
    .default(DEFAULT_DEPLOYMENT_NAME),
  TEMPORAL_OKTA_BUILD_ID: name('TEMPORAL_OKTA_BUILD_ID').optional(),
  TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES: z.coerce
    .number({ message: 'TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES must be a number' })
    .int()
    .positive()
    .optional(),
});

export interface WorkerConfig {
  taskQueue: string;
  deploymentName: string;
  buildId: string;
  maxConcurrentActivityTaskExecutions?: number;
}

/** A worker configuration error: names each variable that is wrong and what it must be. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

/**
 * Reads the worker's settings from the environment. Temporal connection settings (address, namespace,
 * TLS, API key) come separately from `@temporalio/envconfig` (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, ...).
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new WorkerConfigError(`Invalid worker configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    taskQueue: e.TEMPORAL_OKTA_TASK_QUEUE,
    deploymentName: e.TEMPORAL_OKTA_DEPLOYMENT_NAME,
    buildId: e.TEMPORAL_OKTA_BUILD_ID ?? defaultBuildId(env),
    maxConcurrentActivityTaskExecutions: e.TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES,
  };
}
