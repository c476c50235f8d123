import { describe, expect, it } from 'vitest';
import { DEFAULT_TASK_QUEUE, loadWorkerConfig, WorkerConfigError } from '../../worker/config.js';
import { DEFAULT_DEPLOYMENT_NAME } from '../../worker/build-id.js';

/** The error loadWorkerConfig throws for this environment. */
function errorFor(env: NodeJS.ProcessEnv): WorkerConfigError {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(WorkerConfigError);
    return err as WorkerConfigError;
  }
  throw new Error('loadWorkerConfig accepted the environment');
}

describe('loadWorkerConfig', () => {
  it('reads task queue, deployment name and build id from the environment', () => {
    expect(
      loadWorkerConfig({
        TEMPORAL_OKTA_TASK_QUEUE: 'okta-prod',
        TEMPORAL_OKTA_DEPLOYMENT_NAME: 'okta-workers',
        TEMPORAL_OKTA_BUILD_ID: '1.2.0+3f2c9a1b',
        TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES: '20',
      }),
    ).toEqual({
      taskQueue: 'okta-prod',
      deploymentName: 'okta-workers',
      buildId: '1.2.0+3f2c9a1b',
      maxConcurrentActivityTaskExecutions: 20,
    });
  });

  it("reads the task queue's activity rate, the fleet's share of the Okta budget, per second", () => {
    expect(loadWorkerConfig({ TEMPORAL_OKTA_ACTIVITIES_PER_SECOND: '9' })).toMatchObject({
      maxTaskQueueActivitiesPerSecond: 9,
    });
  });

  it('names an activity rate that is not a positive number, with an example', () => {
    expect(errorFor({ TEMPORAL_OKTA_ACTIVITIES_PER_SECOND: '0' }).message).toContain(
      'TEMPORAL_OKTA_ACTIVITIES_PER_SECOND must be more than 0',
    );
  });

  it('defaults the build id to the package version plus the source revision', () => {
    const config = loadWorkerConfig({ TEMPORAL_OKTA_SOURCE_REVISION: 'abc123def456' });
    expect(config).toMatchObject({ taskQueue: DEFAULT_TASK_QUEUE, deploymentName: DEFAULT_DEPLOYMENT_NAME });
    expect(config.buildId).toMatch(/^\d+\.\d+\.\d+.*\+abc123def456$/);
  });

  it('names a deployment name with a dot and says what to use instead', () => {
    expect(errorFor({ TEMPORAL_OKTA_DEPLOYMENT_NAME: 'okta.workers' }).message).toContain(
      'TEMPORAL_OKTA_DEPLOYMENT_NAME must not contain ".": Temporal joins deployment name and build id with a dot; use "-"',
    );
  });

  it('names an empty variable and says to set it or unset it for the default', () => {
    expect(errorFor({ TEMPORAL_OKTA_TASK_QUEUE: '  ' }).message).toContain(
      `TEMPORAL_OKTA_TASK_QUEUE is set but empty: set it to a task queue name, or unset it to use the default "${DEFAULT_TASK_QUEUE}"`,
    );
  });

  it('names a build id with spaces and says it must have none', () => {
    expect(errorFor({ TEMPORAL_OKTA_BUILD_ID: '1.2.0 beta' }).message).toContain(
      'TEMPORAL_OKTA_BUILD_ID must not contain spaces',
    );
  });

  it('names a concurrency limit that is not a whole number, with an example', () => {
    expect(errorFor({ TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES: 'lots' }).message).toContain(
      'TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES must be a whole number, e.g. 50',
    );
  });

  it('lists every wrong variable at once, without repeating their values', () => {
    const { message } = errorFor({
      TEMPORAL_OKTA_DEPLOYMENT_NAME: 'okta.workers',
      TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES: '0',
    });
    expect(message).toContain('- TEMPORAL_OKTA_DEPLOYMENT_NAME must not contain "."');
    expect(message).toContain('- TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES must be at least 1.');
    expect(message).not.toContain('okta.workers');
  });
});
