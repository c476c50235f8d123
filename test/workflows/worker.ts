import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { expect } from 'vitest';
import { createFakeOktaActivities, type FakeCall } from './fake-activities.js';

export const workflowsPath = fileURLToPath(new URL('./fixtures.ts', import.meta.url));
export const interceptorsPath = fileURLToPath(new URL('../../workflows/interceptors.ts', import.meta.url));

/** A running worker for the fixture workflows, with the session interceptors and fake Okta activities. */
export interface FixtureWorker {
  calls: FakeCall[];
  stop(): Promise<void>;
}

/** Starts a worker on `taskQueue` as a production worker would be set up, with fake activities. */
export async function startFixtureWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
): Promise<FixtureWorker> {
  const { activities, calls } = createFakeOktaActivities();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowsPath,
    activities,
    interceptors: { workflowModules: [interceptorsPath] },
  });
  const running = worker.run();
  return {
    calls,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** The ApplicationFailure that failed a workflow, looking through child workflow failures. */
export async function applicationFailureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const error: unknown = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  let cause = (error as WorkflowFailedError).cause;
  while (cause instanceof ChildWorkflowFailure) cause = cause.cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
