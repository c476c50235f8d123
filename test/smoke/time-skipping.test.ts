import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { sleeper } from './workflows.js';

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

describe('the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 30 days to completion by skipping time', async () => {
    expect(env.supportsTimeSkipping).toBe(true);
    const taskQueue = uniqueTaskQueue('smoke-skip');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    });
    const serverTimeBefore = await env.currentTimeMs();
    const wallBefore = Date.now();

    const result = await worker.runUntil(
      env.client.workflow.execute(sleeper, { args: [THIRTY_DAYS_MS], taskQueue, workflowId: taskQueue }),
    );

    // Workflow time really advanced by 30 days, and so did the server's clock...
    expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(THIRTY_DAYS_MS);
    expect((await env.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(THIRTY_DAYS_MS);
    // ...while the wall clock moved by seconds: the server skipped the time instead of waiting.
    expect(Date.now() - wallBefore).toBeLessThan(60_000);
  });
});
