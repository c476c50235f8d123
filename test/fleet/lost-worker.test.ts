import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { promoteBuild } from '../../client/deployments.js';
import type { ListResult } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import type { OktaSession } from '../../common/session.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { bundleOktaWorkflows } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { generateCodecKey, parseCodecKeys } from '../../worker/keys.js';
import { connectToDevServer } from '../helpers/temporal.js';
import { uniqueDeployment } from '../versioning/harness.js';
import { startFleet, type Fleet } from './fleet.js';
import { act, connectVariable } from './workflows.js';

/**
 * A bounded listing resumes after a lost worker, not only after a failed request: the worker process that
 * runs the listing is killed (SIGKILL) while a page is in flight, Temporal notices through the heartbeat
 * timeout, and the retry on the worker started in its place continues from the last heartbeat's page.
 */

const PAGE_LATENCY_MS = 1_500;
let env: TestWorkflowEnvironment;
let org: TestOrg;
let dir: string;
let fleet: Fleet | undefined;
let listed: ListResult<OktaUser>;
let history: temporal.api.history.v1.IHistory;
let killedAt: number;

beforeAll(async () => {
  const bundling = bundleOktaWorkflows({
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  });
  bundling.catch(() => undefined); // awaited below
  env = await connectToDevServer();
  org = await startTestOrg({ seedUsers: 1_200 });
  dir = await mkdtemp(join(tmpdir(), 'okta-lost-worker-'));
  const bundle = join(dir, 'workflows.js');
  await writeFile(bundle, (await bundling).code);
  const { taskQueue, deploymentName } = uniqueDeployment('lost-worker');
  const buildId = `lost-worker-${randomBytes(4).toString('hex')}`;
  const codecKeys = (({ id, key }) => `${id}:${key}`)(generateCodecKey());
  fleet = await startFleet({
    size: 1,
    env: {
      TEMPORAL_ADDRESS: inject('devServerAddress'),
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_OKTA_TASK_QUEUE: taskQueue,
      TEMPORAL_OKTA_DEPLOYMENT_NAME: deploymentName,
      TEMPORAL_OKTA_BUILD_ID: buildId,
      TEMPORAL_OKTA_CONNECTIONS: await writeEmulatorConnections(org.org, join(dir, 'connections')),
      TEMPORAL_OKTA_CODEC_KEYS: codecKeys,
      FLEET_WORKFLOW_BUNDLE: bundle,
      FLEET_STICKY_TIMEOUT_MS: '2000',
    },
  });
  const client = new Client({
    connection: env.connection,
    dataConverter: createDataConverter(parseCodecKeys(codecKeys)),
  });
  await promoteBuild(client, { deploymentName, buildId });
  const session = await client.workflow.execute(connectVariable, {
    taskQueue,
    workflowId: `${buildId}-connect`,
  });

  // Every page takes PAGE_LATENCY_MS, so a page is in flight when the worker dies.
  await org.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', latencyMs: PAGE_LATENCY_MS });
  await org.controls.clearRequests();
  const handle = await client.workflow.start(act, {
    args: [
      session as OktaSession,
      'users.list',
      {
        limit: 1_000,
        activityOptions: {
          heartbeatTimeout: '3 seconds',
          startToCloseTimeout: '2 minutes',
          retry: { initialInterval: '200ms' },
        },
      },
    ],
    taskQueue,
    workflowId: `${buildId}-list`,
  });
  // Wait until the server holds a heartbeat with a cursor (a page done), then kill the worker running it.
  const codec = createDataConverter(parseCodecKeys(codecKeys)).payloadCodecs![0]!;
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    const payloads = pending[0]?.heartbeatDetails?.payloads ?? [];
    const [details] = payloads.length ? await codec.decode(payloads) : [];
    if (details && defaultPayloadConverter.fromPayload(details)) break;
    if (Date.now() > deadline) throw new Error('the listing never heartbeated a cursor');
  }
  killedAt = Date.now();
  await fleet.killAndRestart(0);
  listed = (await handle.result()) as ListResult<OktaUser>;
  history = await handle.fetchHistory();
}, 240_000);
afterAll(async () => {
  await fleet?.close();
  await org?.close();
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a listing whose worker was killed mid-page', () => {
  it('is retried after its heartbeat timeout, not its start-to-close timeout', () => {
    const started = history.events?.find(
      (e) => e.activityTaskStartedEventAttributes,
    )?.activityTaskStartedEventAttributes;
    expect(started?.attempt).toBe(2);
    expect(started?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
    );
  });

  it('returns the 1,000 users, each once', async () => {
    expect(listed.items).toHaveLength(1_000);
    expect(new Set(listed.items.map((u) => u.id)).size).toBe(1_000);
  });

  it('fetches only the pages from the last heartbeat on after the kill, not the whole listing again', async () => {
    const gets = (await org.controls.requests()).requests.filter(
      (r) => r.method === 'GET' && r.path === '/api/v1/users',
    );
    // The emulator's clock: a request arrived at `at` minus its duration. Starting over would ask for all
    // five pages of 200 after the kill; the heartbeat held at least one page done.
    const afterKill = gets.filter((r) => Date.parse(r.at) - r.durationMs > killedAt);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(afterKill.length).toBeLessThan(5);
  });
});
