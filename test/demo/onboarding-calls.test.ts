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
import type { NewHire, OnboardingProgress } from '../../common/new-hire.js';
import { writeEmulatorConnections } from '../../emulator/connections.js';
import { startTestOrg, type TestOrg } from '../../emulator/testing.js';
import { createOktaWorker } from '../../worker/create-worker.js';
import { testSessionKeys } from '../helpers/session-keys.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

/**
 * The onboarding sample makes only the Management API calls the job needs: one create per hire (with its
 * groups' ids), a look-up (and a create) per group name, and Connect's check. Counted from the emulator's
 * request log, on a 500-hire run (the emulator's default budgets: 600 creates a minute).
 */

const HIRES = 500;
const GROUPS = ['Engineering', 'Sales', 'VPN Users', 'New Hires 2026'];
const buildId = 'onboarding-calls-test';

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
  t = await startTestOrg({ seedUsers: 5, rateLimits: { users: 5000, 'users-by-id': 5000 } });
  dir = await mkdtemp(join(tmpdir(), 'onboarding-calls-'));
  const file = await writeEmulatorConnections(t.org, dir);
  env = await connectToDevServer();
  taskQueue = uniqueTaskQueue('onboarding-calls');
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

describe('the onboarding sample at scale', () => {
  it('onboards 500 hires with at most 520 Management API calls and no 429', async () => {
    await t.controls.clearRequests();

    const report = await env.client.workflow.execute('onboardNewHires', {
      args: [
        {
          hires: hires(HIRES, 'calls'),
          domain: t.org.domain,
          connection: 'okta-automation',
          concurrency: 50,
        },
      ],
      taskQueue,
      workflowId: `${taskQueue}-500`,
    });

    expect(report as OnboardingProgress).toMatchObject({
      total: HIRES,
      done: HIRES,
      failed: 0,
      finished: true,
    });
    const api = (await t.controls.requests()).requests.filter((r) => r.path.startsWith('/api/v1/'));
    expect(api.filter((r) => r.method === 'POST' && r.path === '/api/v1/users')).toHaveLength(HIRES);
    expect(api.filter((r) => r.status === 429)).toEqual([]);
    expect(api.length).toBeLessThanOrEqual(520);
  }, 600_000);

  it('onboards 510 hires in two batches (500 and 10), reports counts, and reports every hire already provisioned on a rerun', async () => {
    const people = hires(510, 'batches');
    const run = async (workflowId: string) => {
      const handle = await startOnboarding(env.client, {
        input: { hires: people, domain: t.org.domain, connection: 'okta-automation', concurrency: 50 },
        taskQueue,
        workflowId,
      });
      return handle.result();
    };

    const first = await run(`${taskQueue}-510`);
    const second = await run(`${taskQueue}-510-again`);

    expect(first).toMatchObject({ total: 510, done: 510, failed: 0, created: 510, alreadyProvisioned: 0 });
    expect(first.batches).toEqual({ done: 2, total: 2 });
    expect(first.hires).toEqual([]);
    expect(second).toMatchObject({
      total: 510,
      done: 510,
      failed: 0,
      created: 0,
      alreadyProvisioned: 510,
    });
  }, 900_000);
});
