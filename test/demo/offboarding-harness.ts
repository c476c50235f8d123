import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { loadConnections } from '../../activities/connections.js';
import { createOktaActivities } from '../../activities/create-activities.js';
import { promoteBuild } from '../../client/deployments.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { createOktaWorker } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { generateCodecKey, parseCodecKeys } from '../../worker/keys.js';
import { testSessionKeys } from '../helpers/session-keys.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

/**
 * An emulated org and a versioned worker of the package's workflows (the samples are PINNED) on the shared
 * dev server, with payload encryption, for the offboarding tests.
 */
export interface OffboardingHarness {
  t: TestOrg;
  env: TestWorkflowEnvironment;
  /** A client with the worker's codec. */
  client: Client;
  /** The codec keys (`TEMPORAL_OKTA_CODEC_KEYS`), for the CLI. */
  codecKeys: string;
  taskQueue: string;
  /** The connections file the worker loaded, for the CLI. */
  connectionsFile: string;
  domain: string;
  connection: string;
  /** Calls the emulated org directly with its SSWS token (to set up or check state). */
  direct(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startOffboardingHarness(): Promise<OffboardingHarness> {
  const t = await startTestOrg({ seedUsers: 20 });
  const dir = await mkdtemp(join(tmpdir(), 'okta-offboarding-'));
  const connectionsFile = await writeEmulatorConnections(t.org, dir);
  const env = await connectToDevServer();
  const taskQueue = uniqueTaskQueue('offboarding');
  const buildId = 'offboarding-test';
  const { id, key } = generateCodecKey();
  const codecKeys = `${id}:${key}`;
  const dataConverter = createDataConverter(parseCodecKeys(codecKeys));
  const worker: Worker = await createOktaWorker({
    connection: env.nativeConnection,
    config: { taskQueue, deploymentName: taskQueue, buildId },
    activities: createOktaActivities({
      connections: await loadConnections({ file: connectionsFile }),
      buildId,
      sessionKeys: testSessionKeys(),
    }),
    dataConverter,
  });
  const running = worker.run();
  await promoteBuild(env.client, { deploymentName: taskQueue, buildId });
  return {
    t,
    env,
    client: new Client({ connection: env.connection, dataConverter }),
    codecKeys,
    taskQueue,
    connectionsFile,
    domain: t.org.domain,
    connection: EMULATOR_CONNECTIONS.service,
    async direct(method, path, body) {
      const res = await t.fetch(`https://${t.org.domain}${path}`, {
        method,
        headers: {
          authorization: `SSWS ${t.org.apiToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
