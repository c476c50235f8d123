import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOktaActivities } from '../../activities/create-activities.js';
import { promoteBuild } from '../../client/deployments.js';
import { createOktaWorker } from '../../worker/create-worker.js';
import { connectToDevServer } from '../helpers/temporal.js';
import {
  bundleFixtures,
  startOktaOrg,
  uniqueDeployment,
  versioningOf,
  workflowsPath,
  type OktaOrg,
} from './harness.js';
import { declaredPinned, globalToGrandchild, undeclared } from './workflows.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/** One session keyring for every worker of this file, as a fleet shares one. */
const sessionKeys = testSessionKeys();

describe('createOktaWorker', () => {
  let env: TestWorkflowEnvironment;
  let org: OktaOrg;

  beforeAll(async () => {
    [env, org] = await Promise.all([connectToDevServer(), startOktaOrg()]);
  });
  afterAll(async () => {
    await org?.close();
    await env?.teardown();
  });

  /** Runs `worker` while `fn` runs, after making its build current. */
  async function withCurrentWorker(
    worker: Worker,
    deploymentName: string,
    buildId: string,
    fn: () => Promise<void>,
  ) {
    await worker.runUntil(async () => {
      await promoteBuild(env.client, { deploymentName, buildId, timeoutMs: 30_000 });
      await fn();
    });
  }

  it('bundles a workflows path with the session interceptors and registers a PINNED deployment version', async () => {
    const { taskQueue, deploymentName } = uniqueDeployment('okta-factory-path');
    const buildId = '1.0.0+from-path';
    const worker = await createOktaWorker({
      connection: env.nativeConnection,
      config: { taskQueue, deploymentName, buildId },
      activities: createOktaActivities({ connections: org.connections, buildId, sessionKeys }),
      workflowsPath,
    });

    await withCurrentWorker(worker, deploymentName, buildId, async () => {
      const handle = await env.client.workflow.start(globalToGrandchild, {
        taskQueue,
        workflowId: `factory-path-${randomUUID()}`,
      });
      const { session, work } = await handle.result();
      expect(work.map((w) => w.sessionId)).toEqual([session.id, session.id]);
      expect(await versioningOf(handle)).toEqual({ deploymentName, buildId, behavior: 'PINNED' });
    });
  });

  it('keeps a workflow declared with pinned() PINNED on a worker whose default is AUTO_UPGRADE', async () => {
    const { taskQueue, deploymentName } = uniqueDeployment('okta-factory-declared');
    const buildId = '1.0.0+auto-upgrade-default';
    const worker = await createOktaWorker({
      connection: env.nativeConnection,
      config: { taskQueue, deploymentName, buildId },
      activities: createOktaActivities({ connections: org.connections, buildId, sessionKeys }),
      workerOptions: {
        workflowBundle: await bundleFixtures(),
        workerDeploymentOptions: {
          useWorkerVersioning: true,
          version: { deploymentName, buildId },
          defaultVersioningBehavior: 'AUTO_UPGRADE',
        },
      },
    });

    await withCurrentWorker(worker, deploymentName, buildId, async () => {
      const run = async (workflow: typeof declaredPinned) => {
        const handle = await env.client.workflow.start(workflow, {
          taskQueue,
          workflowId: `${workflow.name}-${randomUUID()}`,
        });
        await handle.result();
        return (await versioningOf(handle)).behavior;
      };
      expect(await run(declaredPinned)).toBe('PINNED');
      expect(await run(undeclared)).toBe('AUTO_UPGRADE');
    });
  });
});
