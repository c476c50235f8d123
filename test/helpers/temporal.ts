import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { timeSkippingServerPath } from './temporal-executables.js';

/**
 * A time-skipping environment on the provisioned Java test server. Time skipping is global to a server,
 * so each test file gets its own (the launcher starts in well under a second).
 */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
  });
}

/** An environment on the dev server that the global setup started once for the whole run. */
export function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('devServerAddress') });
}

/** A task queue name unique to this test, so tests sharing the dev server never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}
