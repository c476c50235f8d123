import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { promoteBuild } from '../../client/deployments.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { bundleOktaWorkflows } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { generateCodecKey, parseCodecKeys } from '../../worker/keys.js';
import { connectToDevServer } from '../helpers/temporal.js';
import { uniqueDeployment } from '../versioning/harness.js';
import { startFleet, type Fleet } from './fleet.js';
import { disconnectWhileChildRuns } from './workflows.js';

/**
 * What Disconnect means in a fleet (README, "Temporal and the workers"), with two worker processes of one
 * build: worker A serves the parent's task queue (it runs Connect and Disconnect), worker B the child's.
 * The parent connects a global session, its child acts on it on worker B, the parent disconnects on
 * worker A, and the child, still running on the other process, is refused the session from then on. The
 * token worker A held is revoked at the org; worker B's token belongs to the connection, not the session,
 * and stays valid until it expires.
 */

let env: TestWorkflowEnvironment;
let org: TestOrg;
let dir: string;
const fleets: Fleet[] = [];
let answer: string;

beforeAll(async () => {
  const bundling = bundleOktaWorkflows({
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  });
  bundling.catch(() => undefined); // awaited below
  env = await connectToDevServer();
  org = await startTestOrg({ seedUsers: 3 });
  dir = await mkdtemp(join(tmpdir(), 'okta-disconnect-'));
  const bundle = join(dir, 'workflows.js');
  await writeFile(bundle, (await bundling).code);
  const { taskQueue, deploymentName } = uniqueDeployment('disconnect');
  const childQueue = `${taskQueue}-children`;
  const buildId = `disconnect-${randomBytes(4).toString('hex')}`;
  const codecKeys = (({ id, key }) => `${id}:${key}`)(generateCodecKey());
  const common = {
    TEMPORAL_ADDRESS: inject('devServerAddress'),
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_OKTA_DEPLOYMENT_NAME: deploymentName,
    TEMPORAL_OKTA_BUILD_ID: buildId,
    TEMPORAL_OKTA_CONNECTIONS: await writeEmulatorConnections(org.org, join(dir, 'connections')),
    TEMPORAL_OKTA_CODEC_KEYS: codecKeys,
    FLEET_WORKFLOW_BUNDLE: bundle,
  };
  const [a, b] = await Promise.all([
    startFleet({ size: 1, env: { ...common, TEMPORAL_OKTA_TASK_QUEUE: taskQueue } }),
    startFleet({ size: 1, env: { ...common, TEMPORAL_OKTA_TASK_QUEUE: childQueue } }),
  ]);
  fleets.push(a, b);
  const client = new Client({
    connection: env.connection,
    dataConverter: createDataConverter(parseCodecKeys(codecKeys)),
  });
  await promoteBuild(client, { deploymentName, buildId });
  const users = await org.fetch(`https://${org.org.domain}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${org.org.apiToken}`, accept: 'application/json' },
  });
  const [{ profile }] = (await users.json()) as [{ profile: { login: string } }];
  await org.controls.clearRequests();
  answer = await client.workflow.execute(disconnectWhileChildRuns, {
    args: [childQueue, profile.login],
    taskQueue,
    workflowId: `disconnect-${buildId}`,
    workflowExecutionTimeout: '2 minutes',
  });
}, 240_000);
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.close()));
  await org?.close();
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Calls the org's Management API with an access token, as a worker would. */
async function statusWith(accessToken: string): Promise<number> {
  const res = await org.fetch(`https://${org.org.domain}/api/v1/users?limit=1`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  await res.body?.cancel();
  return res.status;
}

describe('Disconnect across two worker processes', () => {
  it('ends the session for a child already running on another worker process', () => {
    expect(answer).toBe('OktaSessionDisconnected');
  });

  it('revokes the token of the worker that ran it: the org saw the revocation and refuses that token', async () => {
    const { requests } = await org.controls.requests();
    expect(requests.filter((r) => r.path === '/oauth2/v1/revoke').map((r) => r.status)).toEqual([200]);
    // One token per worker process: worker A's at Connect, worker B's at the child's first action.
    const tokens = (await org.controls.tokens()).filter((t) => t.kind === 'access_token');
    expect(tokens).toHaveLength(2);
    const [workerA, workerB] = [...tokens].sort((x, y) => x.issuedAt.localeCompare(y.issuedAt));
    expect(await statusWith(workerA!.value)).toBe(401);
    expect(await statusWith(workerB!.value)).toBe(200);
  });
});
