import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFetch } from '../../activities/transport.js';
import { runDemo, type DemoResult } from '../../cli/demo.js';
import { sampleNewHiresFile } from '../../cli/demo-config.js';
import type { NewHire } from '../../common/new-hire.js';
import { orgTransport, readOrg } from 'temporal-okta-emulator/org';
import type { RequestLogEntry } from 'temporal-okta-emulator/request-log';
import { emulatorControls } from 'temporal-okta-emulator/testing';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

/**
 * The onboarding demo makes only the Management API calls the job needs (docs/ARCHITECTURE.md §12): one
 * create per hire, with its groups' ids, a search per 20 group names and a create per group the org lacks,
 * once per run, and Connect's check. Counted from the emulated org's request log on the demo's own path
 * (`npm start -- --file <500 hires> --concurrency 50`, default rate-limit budgets).
 */

const HIRES = 500;

let env: TestWorkflowEnvironment;
let stateDir: string;
let hires: NewHire[];
let groupNames: string[];
let result: DemoResult;
/** The Management API requests the emulated org served while the onboarding workflow ran. */
let onboardingCalls: RequestLogEntry[];

/** 500 hires shaped like the 25 sample hires (the same 17 group names), each with its own login. */
async function demoHires(): Promise<NewHire[]> {
  const sample = JSON.parse(await readFile(sampleNewHiresFile(), 'utf8')) as NewHire[];
  return Array.from({ length: HIRES }, (_, i) => {
    const hire = sample[i % sample.length]!;
    return { ...hire, login: `hire${i}.${hire.login}`, employeeNumber: String(300_000 + i) };
  });
}

beforeAll(async () => {
  env = await connectToDevServer();
  stateDir = await mkdtemp(join(tmpdir(), 'temporal-okta-calls-'));
  hires = await demoHires();
  groupNames = [...new Set(hires.flatMap((h) => h.groups.map((g) => g.toLowerCase())))];
  const file = join(stateDir, 'hires.json');
  await writeFile(file, JSON.stringify(hires));
  result = await runDemo({
    file,
    concurrency: 50,
    temporalAddress: inject('devServerAddress'),
    webUi: 'http://127.0.0.1:8233',
    stateDir,
    taskQueue: uniqueTaskQueue('calls'),
    output: { write: () => undefined, isTTY: false },
    env: {},
    // The emulator is still up here: read its request log before the demo stops it.
    beforeStop: async (demo) => {
      const org = await readOrg(demo.emulatorOrgFile!);
      const { requests } = await emulatorControls(org, createFetch(await orgTransport(org))).requests();
      const closed = await env.client.workflow.getHandle(demo.workflowId).describe();
      // The demo offboards three hires after onboarding: count what was served before the run closed.
      const end = closed.closeTime!.getTime();
      onboardingCalls = requests.filter(
        (r) => r.path.startsWith('/api/v1/') && new Date(r.at).getTime() <= end,
      );
    },
  });
}, 600_000);

afterAll(async () => {
  await env?.teardown();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const calls = (method: string, path: string) =>
  onboardingCalls.filter((r) => r.method === method && r.path === path).length;

describe('the onboarding demo with 500 hires', () => {
  it('onboards every hire', () => {
    expect(result.progress).toMatchObject({ total: HIRES, done: HIRES, failed: 0, finished: true });
  });

  it('makes at most 520 Management API calls, none answered 429', () => {
    expect(onboardingCalls.filter((r) => r.status === 429)).toEqual([]);
    expect(onboardingCalls.length).toBeLessThanOrEqual(520);
  });

  it('creates each user once, with its groups, and reads no user before creating it', () => {
    expect(calls('POST', '/api/v1/users')).toBe(HIRES);
    // Connect's check (GET /api/v1/users?limit=1) is the only read of users.
    expect(calls('GET', '/api/v1/users')).toBe(1);
    expect(onboardingCalls.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users\//.test(r.path))).toEqual([]);
  });

  it('looks the 17 group names up once per run, 20 names a search, and creates only the groups the org lacks', () => {
    expect(groupNames).toHaveLength(17);
    expect(calls('GET', '/api/v1/groups')).toBe(Math.ceil(groupNames.length / 20));
    expect(calls('POST', '/api/v1/groups')).toBeLessThanOrEqual(groupNames.length);
  });
});
