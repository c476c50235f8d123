import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnections } from '../../activities/connections.js';
import { createOktaActivities } from '../../activities/create-activities.js';
import { promoteBuild } from '../../client/deployments.js';
import { startOnboarding } from '../../client/onboarding.js';
import type { NewHire } from '../../common/new-hire.js';
import { writeEmulatorConnections } from '../../emulator/connections.js';
import { startTestOrg, type TestOrg } from '../../emulator/testing.js';
import { createOktaWorker } from '../../worker/create-worker.js';
import { testSessionKeys } from '../helpers/session-keys.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

/**
 * A 10,000-hire onboarding run, the most one run takes: 20 batches of 500, each a child workflow. It takes
 * minutes (about 10,000 child workflows), so it runs only when asked:
 *
 *   TEMPORAL_OKTA_SCALE_TEST=1 npx vitest run test/demo/onboarding-10k.test.ts
 */

const GROUPS = ['Engineering', 'Sales', 'VPN Users', 'New Hires 2026'];
const buildId = 'onboarding-10k-test';

let t: TestOrg;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let dir: string;
let taskQueue: string;

/** Hires with unique logins, each in two of the groups. */
function hires(count: number, tag: string): NewHire[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `hire${i}.${tag}@companyabc.com`,
    firstName: 'New',
    lastName: `Hire ${i}`,
    department: 'Engineering',
    title: 'Engineer',
    groups: [GROUPS[i % GROUPS.length]!, GROUPS[(i + 1) % GROUPS.length]!],
  }));
}

beforeAll(async () => {
  // Budgets of a large org, so the runs here are bounded by Temporal, not by Okta's windows.
  t = await startTestOrg({
    seedUsers: 5,
    rateLimits: { users: 20_000, 'users-by-id': 20_000, groups: 5000 },
  });
  dir = await mkdtemp(join(tmpdir(), 'onboarding-10k-'));
  const file = await writeEmulatorConnections(t.org, dir);
  env = await connectToDevServer();
  taskQueue = uniqueTaskQueue('onboarding-10k');
  worker = await createOktaWorker({
    connection: env.nativeConnection,
    config: { taskQueue, deploymentName: taskQueue, buildId },
    activities: createOktaActivities({
      connections: await loadConnections({ file }),
      buildId,
      sessionKeys: testSessionKeys(),
    }),
  });
  running = worker.run();
  await promoteBuild(env.client, { deploymentName: taskQueue, buildId });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.runIf(process.env.TEMPORAL_OKTA_SCALE_TEST)('the onboarding sample at its largest', () => {
  it('onboards 10,000 hires in one run, in 20 batches, with no failure and one create per hire', async () => {
    await t.controls.clearRequests();
    const started = Date.now();
    const handle = await startOnboarding(env.client, {
      input: {
        hires: hires(10_000, 'scale'),
        domain: t.org.domain,
        connection: 'okta-automation',
        concurrency: 50,
      },
      taskQueue,
      workflowId: `${taskQueue}-10k`,
    });

    const report = await handle.result();

    expect(report).toMatchObject({ total: 10_000, done: 10_000, failed: 0, created: 10_000 });
    expect(report.batches).toEqual({ done: 20, total: 20 });
    const { counts } = await t.controls.requests();
    expect(counts['POST /api/v1/users']).toBe(10_000);
    const history = await handle.fetchHistory();
    console.log(
      `10,000 hires in ${Math.round((Date.now() - started) / 1000)} s; parent history: ${history.events!.length} events; ` +
        `Management API calls: ${JSON.stringify(counts)}`,
    );
  }, 3_600_000);
});
