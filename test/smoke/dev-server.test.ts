import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { greet } from './workflows.js';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const { WorkflowExecutionStatus } = temporal.api.enums.v1;

describe('the Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectToDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow from a client on a worker and keeps its history', async () => {
    expect(env.supportsTimeSkipping).toBe(false);
    const taskQueue = uniqueTaskQueue('smoke-roundtrip');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath });

    const handle = await env.client.workflow.start(greet, {
      args: ['Ada'],
      taskQueue,
      workflowId: taskQueue,
    });
    const result = await worker.runUntil(handle.result());

    expect(result).toBe(`Hello, Ada, from ${taskQueue}`);
    const description = await handle.describe();
    expect(description.raw.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
    );
    const history = await handle.fetchHistory();
    expect(history.events?.length).toBeGreaterThanOrEqual(5);
  });
});
