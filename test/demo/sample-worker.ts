import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createOktaActivities } from '../../activities/create-activities.js';
import { promoteBuild } from '../../client/deployments.js';
import { createOktaWorker } from '../../worker/create-worker.js';
import { testSessionKeys } from '../helpers/session-keys.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { startOktaOrg, type OktaOrg } from '../versioning/harness.js';

/** An emulated org and a promoted worker of the package's sample workflows on the shared dev server. */
export interface SampleWorker {
  env: TestWorkflowEnvironment;
  org: OktaOrg;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

/** Starts a {@link SampleWorker} on a task queue of its own, named after `name`. */
export async function startSampleWorker(name: string): Promise<SampleWorker> {
  const env = await connectToDevServer();
  const org = await startOktaOrg();
  const taskQueue = uniqueTaskQueue(name);
  const buildId = `${name}-test`;
  const worker = await createOktaWorker({
    connection: env.nativeConnection,
    config: { taskQueue, deploymentName: taskQueue, buildId },
    activities: createOktaActivities({
      connections: org.connections,
      buildId,
      sessionKeys: testSessionKeys(),
    }),
  });
  const running = worker.run();
  await promoteBuild(env.client, { deploymentName: taskQueue, buildId });
  return {
    env,
    org,
    client: env.client,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await org.close();
    },
  };
}
