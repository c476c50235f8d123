import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { temporalCliPath } from './helpers/temporal-executables.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the one dev server shared by every test file of this run. */
    devServerAddress: string;
  }
}

/** Starts one Temporal dev server for the whole test run; files connect to it by address. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
    },
  });
  project.provide('devServerAddress', env.address);
  return () => env.teardown();
}
