import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { greet } from './workflows.js';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const { VersioningBehavior } = temporal.api.enums.v1;

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function describeDeployment(client: Client, deploymentName: string) {
  return client.workflowService.describeWorkerDeployment({
    namespace: client.options.namespace,
    deploymentName,
  });
}

describe('Worker Deployment Versioning on the dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectToDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('registers a pinned worker version that the client can make current', async () => {
    const taskQueue = uniqueTaskQueue('smoke-versioning');
    const deploymentName = `${taskQueue}-deployment`;
    const buildId = '1.0.0+smoke';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath,
      workerDeploymentOptions: {
        useWorkerVersioning: true,
        version: { deploymentName, buildId },
        defaultVersioningBehavior: 'PINNED',
      },
    });

    await worker.runUntil(async () => {
      const { client } = env;
      const registered = await eventually('the version to be registered', async () => {
        const res = await describeDeployment(client, deploymentName);
        const known = res.workerDeploymentInfo?.versionSummaries?.some(
          (v) => v.deploymentVersion?.buildId === buildId,
        );
        return known ? res : undefined;
      });

      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: client.options.namespace,
        deploymentName,
        buildId,
        conflictToken: registered.conflictToken,
      });
      const current = await eventually('the version to become current', async () => {
        const res = await describeDeployment(client, deploymentName);
        const v = res.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
        return v?.buildId === buildId ? v : undefined;
      });
      expect(current.deploymentName).toBe(deploymentName);

      // A workflow started now runs pinned on that version, as the server reports.
      const handle = await client.workflow.start(greet, {
        args: ['pinned'],
        taskQueue,
        workflowId: taskQueue,
      });
      await handle.result();
      const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
      expect(info?.behavior).toBe(VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
      expect(info?.deploymentVersion?.buildId).toBe(buildId);
    });
  });
});
