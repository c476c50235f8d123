import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderOnboardingReport, startOnboarding } from '../../cli/onboarding.js';
import {
  ONBOARDING_ADD_HIRES_SIGNAL,
  type AddHires,
  type NewHire,
  type OnboardingInput,
  type OnboardingProgress,
} from '../../common/new-hire.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import type { OktaOrg } from '../versioning/harness.js';
import { startSampleWorker, type SampleWorker } from './sample-worker.js';

/**
 * A run of more hires than one payload holds (README, "Onboarding at scale"): the client sends 500 hires a
 * payload, the input's first and numbered `addHires` signals after it; the workflow runs each batch in its
 * own child and reports counts. Here with batches of a few hires, the way `startOnboarding` sends 500.
 */

let sample: SampleWorker;
let org: OktaOrg;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  sample = await startSampleWorker('onboarding-batches');
  ({ org, client, taskQueue } = sample);
}, 120_000);

afterAll(() => sample?.close());

function hires(count: number, tag: string): NewHire[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `hire${i}.${tag}@example.com`,
    firstName: 'New',
    lastName: `Hire ${i}`,
    department: 'Engineering',
    title: 'Engineer',
    groups: i % 2 ? ['Batch Hires', 'Engineering'] : ['Batch Hires'],
  }));
}

/** Starts a run of `total` hires with `first` in the input, sends `more` as signals, returns the result. */
async function runInBatches(workflowId: string, first: NewHire[], total: number, more: unknown[]) {
  const handle: WorkflowHandle = await client.workflow.start('onboardNewHires', {
    args: [{ hires: first, total, domain: org.test.org.domain, connection: EMULATOR_CONNECTIONS.service }],
    taskQueue,
    workflowId,
  });
  for (const signal of more) await handle.signal(ONBOARDING_ADD_HIRES_SIGNAL, signal);
  return { handle, report: (await handle.result()) as OnboardingProgress };
}

describe('an onboarding run in batches', () => {
  const people = hires(5, 'batches');
  const batches: AddHires[] = [{ batch: 1, hires: people.slice(3) }];
  const invalid = { batch: 2, hires: [{ ...people[0]!, login: 'not-a-login' }] };

  let first: Awaited<ReturnType<typeof runInBatches>>;
  beforeAll(async () => {
    // Batch 1 is delivered twice (a client that retried its signal): it is taken once.
    first = await runInBatches(`${taskQueue}-first`, people.slice(0, 3), 6, [
      ...batches,
      ...batches,
      invalid,
    ]);
  }, 120_000);

  it('provisions every valid hire once, counts them, and lists the hires it refused', () => {
    expect(first.report).toMatchObject({
      total: 6,
      done: 5,
      failed: 1,
      finished: true,
      created: 5,
      alreadyProvisioned: 0,
      batches: { done: 2, total: 2 },
    });
    expect(first.report.hires).toEqual([
      {
        login: '(a batch of hires)',
        status: 'failed',
        error: expect.stringContaining('1 hires refused: hires.0.login: must be the Okta login') as string,
      },
    ]);
  });

  it('runs each batch in its own child workflow, so the parent starts no child per hire', async () => {
    const history = await first.handle.fetchHistory();
    const children = history
      .events!.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name)
      .filter(Boolean);
    expect(children).toEqual(['onboardNewHiresBatch', 'onboardNewHiresBatch']);
  });

  it('creates nothing on a rerun of the same hires and reports every one already provisioned', async () => {
    const { report } = await runInBatches(`${taskQueue}-again`, people.slice(0, 3), 5, batches);

    expect(report).toMatchObject({ total: 5, done: 5, failed: 0, created: 0, alreadyProvisioned: 5 });
    for (const hire of people) expect(await org.getUser(hire.login), hire.login).toBeDefined();
  });
});

describe('startOnboarding', () => {
  it('sends 1,234 hires as 500 in the input (with total) and two numbered addHires signals of 500 and 234', async () => {
    const starts: unknown[] = [];
    const signals: unknown[] = [];
    const fake = {
      workflow: {
        start: (_type: string, options: { args: unknown[] }) => {
          starts.push(options.args[0]);
          return Promise.resolve({ signal: (_name: string, arg: unknown) => void signals.push(arg) });
        },
      },
    } as unknown as Client;
    const all = hires(1234, 'split');

    await startOnboarding(fake, {
      input: { hires: all, domain: 'companyabc.okta.com', connection: 'okta-automation' },
      taskQueue: 'q',
    });

    const [input] = starts as OnboardingInput[];
    expect(input).toMatchObject({ total: 1234 });
    expect(input!.hires.map((h) => h.login)).toEqual(all.slice(0, 500).map((h) => h.login));
    expect((signals as AddHires[]).map((s) => [s.batch, s.hires.length, s.hires[0]!.login])).toEqual([
      [1, 500, all[500]!.login],
      [2, 234, all[1000]!.login],
    ]);
  });
});

describe('the report of a run in batches', () => {
  it('counts the hires and lists only those that failed', () => {
    const text = renderOnboardingReport({
      total: 10_000,
      done: 9_999,
      failed: 1,
      finished: true,
      created: 9_000,
      alreadyProvisioned: 999,
      batches: { done: 20, total: 20 },
      hires: [{ login: 'ada@example.com', status: 'failed', error: 'group Sales: forbidden' }],
    });

    expect(text).toMatch(/Failed hires:\n.*Login\s+Status\s+Okta user id\s+Error/);
    expect(text).toMatch(/ada@example\.com\s+FAILED\s+group Sales: forbidden/);
    expect(text).toContain('10000 hires: 9000 created, 999 already provisioned, 1 failed.');
    expect(text).toContain('In 20 batches of at most 500.');
  });
});
