import { z } from 'zod';
import { DEFAULT_DEPLOYMENT_NAME, defaultBuildId } from './build-id.js';

/** The task queue of the package's workflows and activities unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'temporal-okta';

const name = (what: string, fallback?: string) =>
  z
    .string()
    .trim()
    .min(
      1,
      fallback
        ? `is set but empty: set it to a ${what}, or unset it to use the default "${fallback}"`
        : `is set but empty: set it to a ${what}, or unset it`,
    )
    .max(255, `must be at most 255 characters: use a shorter ${what}`)
    .regex(/^\S+$/, `must not contain spaces: use a ${what} without whitespace`);

const WorkerEnvSchema = z.object({
  TEMPORAL_OKTA_TASK_QUEUE: name('task queue name', DEFAULT_TASK_QUEUE).default(DEFAULT_TASK_QUEUE),
  TEMPORAL_OKTA_DEPLOYMENT_NAME: name('worker deployment name', DEFAULT_DEPLOYMENT_NAME)
    // Temporal joins deployment and build id with a dot: a dot in the name would make that ambiguous.
    .regex(/^[^.]+$/, 'must not contain ".": Temporal joins deployment name and build id with a dot; use "-"')
    .default(DEFAULT_DEPLOYMENT_NAME),
  TEMPORAL_OKTA_BUILD_ID: name('build id such as 1.2.0+3f2c9a1b').optional(),
  TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES: z.coerce
    .number({ message: 'must be a whole number, e.g. 50' })
    .int('must be a whole number, e.g. 50')
    .positive('must be at least 1')
    .optional(),
  TEMPORAL_OKTA_ACTIVITIES_PER_SECOND: z.coerce
    .number({ message: "must be a number of activities per second, e.g. 9 (90 % of Okta's 600 a minute)" })
    .positive('must be more than 0')
    .optional(),
});

/** A worker's settings, read from the environment by {@link loadWorkerConfig}. */
export interface WorkerConfig {
  /** The task queue (`TEMPORAL_OKTA_TASK_QUEUE`, default `temporal-okta`). */
  taskQueue: string;
  /** The Worker Deployment's name (`TEMPORAL_OKTA_DEPLOYMENT_NAME`, default `temporal-okta`). */
  deploymentName: string;
  /** The build id (`TEMPORAL_OKTA_BUILD_ID`, default: the package version and the source revision). */
  buildId: string;
  /** Activities one worker runs at once (`TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES`). */
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * The task queue's activity rate (`maxTaskQueueActivitiesPerSecond`), enforced by the Temporal server
   * across every worker of the queue: set it to the Okta budget this fleet may use, per second (the
   * budget of the busiest family an onboarding run draws on, users creates, times the share you give it,
   * divided by 60). Each worker also paces itself from Okta's rate-limit headers.
   */
  maxTaskQueueActivitiesPerSecond?: number;
}

/**
 * A worker configuration error: names each variable that is wrong and what it must be. Thrown by
 * {@link loadWorkerConfig} when the worker starts; nothing retries it.
 */
export class WorkerConfigError extends Error {
  /** Always `WorkerConfigError`. */
  override readonly name = 'WorkerConfigError';
}

/**
 * Reads the worker's settings from the environment. Temporal connection settings (address, namespace,
 * TLS, API key) come separately from `@temporalio/envconfig` (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, ...).
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Variable names and our own messages only: zod is never asked to repeat a value.
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')} ${i.message}.`);
    throw new WorkerConfigError(
      `Invalid temporal-okta worker configuration in the environment:\n${lines.join('\n')}`,
    );
  }
  const e = parsed.data;
  return {
    taskQueue: e.TEMPORAL_OKTA_TASK_QUEUE,
    deploymentName: e.TEMPORAL_OKTA_DEPLOYMENT_NAME,
    buildId: e.TEMPORAL_OKTA_BUILD_ID ?? defaultBuildId(env),
    maxConcurrentActivityTaskExecutions: e.TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES,
    ...(e.TEMPORAL_OKTA_ACTIVITIES_PER_SECOND !== undefined
      ? { maxTaskQueueActivitiesPerSecond: e.TEMPORAL_OKTA_ACTIVITIES_PER_SECOND }
      : {}),
  };
}
