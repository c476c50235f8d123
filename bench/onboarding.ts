/**
 * Bulk onboarding at the rate-limit floor (docs/ARCHITECTURE.md §12): the same hires onboarded by one
 * worker process, by Okta's Node SDK, and by three worker processes, one after the other on the same
 * emulated org, each figure as a ratio against the floor.
 *
 * The floor is what the job cannot beat: one user create per hire, all on the `users` family, at that
 * family's budget per second. Every budget is Okta's default scaled by one factor, chosen so that the floor
 * of 2,000 hires is 60 s, with windows of 10 s instead of a minute (the same rate, so the last window's
 * burst does not flatter the run much). Two things the floor leaves out, as the issue defines it: a window
 * ends on a whole second (the emulator's, like Okta's `X-Rate-Limit-Reset`), so a 10 s window lasts 10 to
 * 11 s and a run paced exactly at the budget takes about 5 % longer; and the last window's budget can go at
 * once, which takes up to a window off. At small scales the windows are 2 s, and the rounding weighs more.
 */
import { randomBytes } from 'node:crypto';
import { startOnboarding } from '../cli/onboarding.js';
import { MAX_HIRES_PER_RUN, type NewHire } from '../common/new-hire.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { defaultRateLimitBudgets, type RateLimitFamily } from 'temporal-okta-emulator/rate-limits';
import type { TestOrg } from 'temporal-okta-emulator/testing';
import { startBenchOrg, startBenchWorkers } from './harness.js';
import { printMeasured, type Chart, type Measured } from './measure.js';
import { onboardWithOktaSdk } from './okta-sdk.js';
import { requestStats, type RequestStats } from './request-stats.js';

const FULL_HIRES = 2_000;
/** The floor of the full run, in seconds. */
const FULL_FLOOR_SECONDS = 60;
const FULL_WINDOW_SECONDS = 10;
/** The most children one onboarding run takes at once (the input schema's maximum), shared by the runs. */
const CONCURRENCY = 50;
/** Above a minute plus the request timeout, as the README asks of bulk jobs: a held request waits in the worker. */
const ATTEMPT_TIMEOUT = '2 minutes';
const GROUPS = ['Engineering', 'Sales', 'Support', 'Finance', 'Design', 'Operations'];

export interface OnboardingOptions {
  scale: number;
  rounds: number;
  /** Concurrency levels to try for the SDK; its best time is the baseline. */
  sdkConcurrency: number[];
}

/** Sizes, window and budgets of a run at `scale` (1: 2,000 hires, a 60 s floor). */
export function onboardingPlan(scale: number) {
  const hires = Math.max(20, Math.round(FULL_HIRES * scale));
  const windowSeconds = Math.max(2, Math.round(FULL_WINDOW_SECONDS * scale));
  // Same rate at every scale: 2,000 creates a minute on `users`, Okta's 600 times 10/3.
  const factor = FULL_HIRES / FULL_FLOOR_SECONDS / (defaultRateLimitBudgets.users / 60);
  const budgets = Object.fromEntries(
    Object.entries(defaultRateLimitBudgets).map(([family, perMinute]) => [
      family,
      Math.max(1, Math.round((perMinute / 60) * factor * windowSeconds)),
    ]),
  ) as Record<RateLimitFamily, number>;
  const floorSeconds = hires / (budgets.users / windowSeconds);
  return { hires, windowSeconds, budgets, floorSeconds };
}

/** The hires of one run: logins unique to it, one to three of the six groups each. */
function newHires(count: number, tag: string): NewHire[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `hire${String(i).padStart(5, '0')}.${tag}@bench.example.com`,
    firstName: `Hire${i}`,
    lastName: 'Bench',
    department: GROUPS[i % GROUPS.length]!,
    title: 'Engineer',
    groups: [0, 1, 3].slice(0, 1 + (i % 3)).map((offset) => GROUPS[(i + offset) % GROUPS.length]!),
  }));
}

interface Run {
  elapsedMs: number;
  failures: number;
  stats: RequestStats;
}

/** A clean org for the next run: only "Everyone", no tokens, an empty log, full windows. */
async function resetOrg(t: TestOrg, budgets: Record<RateLimitFamily, number>): Promise<void> {
  await t.controls.reset({ empty: true });
  await t.controls.setRateLimits(budgets);
}

/**
 * Onboards `hires` with the package's onboarding workflow on `processes` worker processes, through the
 * public client API (`startOnboarding`), in as few runs as the workflow takes.
 */
async function onboardWithTemporal(
  t: TestOrg,
  hires: NewHire[],
  options: { processes: number; windowSeconds: number; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  const { processes, windowSeconds, env = {} } = options;
  const workers = await startBenchWorkers(t, { size: processes, env });
  try {
    const batches: NewHire[][] = [];
    for (let i = 0; i < hires.length; i += MAX_HIRES_PER_RUN)
      batches.push(hires.slice(i, i + MAX_HIRES_PER_RUN));
    const concurrency = Math.max(1, Math.floor(CONCURRENCY / batches.length));
    const startMs = Date.now();
    const handles = await Promise.all(
      batches.map((batch, i) =>
        startOnboarding(workers.client, {
          taskQueue: workers.taskQueue,
          workflowId: `${workers.taskQueue}-onboarding-${i}`,
          input: {
            hires: batch,
            domain: t.org.domain,
            connection: EMULATOR_CONNECTIONS.service,
            concurrency,
            activityOptions: { startToCloseTimeout: ATTEMPT_TIMEOUT },
          },
        }),
      ),
    );
    const results = await Promise.all(handles.map((h) => h.result()));
    const elapsedMs = Date.now() - startMs;
    const failures = results.reduce((sum, r) => sum + (r.total - r.done), 0);
    const { requests } = await t.controls.requests();
    return { elapsedMs, failures, stats: requestStats(requests, startMs, windowSeconds) };
  } finally {
    await workers.close();
  }
}

const figures = (run: Run) => ({
  failures: run.failures,
  '429s': run.stats.rateLimited,
  'token requests': run.stats.tokenRequests,
  ...Object.fromEntries(Object.entries(run.stats.calls).map(([family, n]) => [`${family} calls`, n])),
});

/** The three onboarding comparisons: one process against the floor, against the SDK, three processes. */
export async function onboardingBenchmarks(options: OnboardingOptions): Promise<Measured[]> {
  const plan = onboardingPlan(options.scale);
  const floorMs = plan.floorSeconds * 1000;
  const t = await startBenchOrg({ budgets: plan.budgets, windowSeconds: plan.windowSeconds });
  const one: Run[] = [];
  const three: Run[] = [];
  const sdk = new Map<number, Run[]>(options.sdkConcurrency.map((c) => [c, []]));
  const usersPerSecond = plan.budgets.users / plan.windowSeconds;
  try {
    console.log(
      `onboarding: ${plan.hires} hires, users budget ${plan.budgets.users} per ${plan.windowSeconds} s window, ` +
        `floor ${plan.floorSeconds.toFixed(1)} s; each run in turn, ${options.rounds} round(s)`,
    );
    for (let round = 0; round < options.rounds; round++) {
      const tag = () => randomBytes(4).toString('hex');
      await resetOrg(t, plan.budgets);
      const windowSeconds = plan.windowSeconds;
      one.push(await onboardWithTemporal(t, newHires(plan.hires, tag()), { processes: 1, windowSeconds }));
      console.log(`  one worker process: ${one.at(-1)!.elapsedMs} ms`);
      for (const concurrency of options.sdkConcurrency) {
        await resetOrg(t, plan.budgets);
        const run = await onboardWithOktaSdk(t, newHires(plan.hires, tag()), concurrency);
        sdk.get(concurrency)!.push({
          ...run,
          stats: requestStats((await t.controls.requests()).requests, run.startMs, plan.windowSeconds),
        });
        console.log(`  Okta Node SDK, ${concurrency} at once: ${run.elapsedMs} ms, ${run.failures} failures`);
      }
      await resetOrg(t, plan.budgets);
      // The fleet shares the budget through the task queue's activity rate, set to the busiest family's.
      three.push(
        await onboardWithTemporal(t, newHires(plan.hires, tag()), {
          processes: 3,
          windowSeconds,
          env: { TEMPORAL_OKTA_ACTIVITIES_PER_SECOND: String(usersPerSecond) },
        }),
      );
      console.log(`  three worker processes: ${three.at(-1)!.elapsedMs} ms`);
    }
  } finally {
    await t.close();
  }

  const medianRun = (runs: Run[]) => [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs)[runs.length >> 1]!;
  const side = (label: string, runs: Run[]) => {
    const run = medianRun(runs);
    return { label, median: run.elapsedMs, samples: runs.map((r) => r.elapsedMs), figures: figures(run) };
  };
  const floorSide = {
    label: `floor: ${plan.hires} creates at ${usersPerSecond.toFixed(1)}/s on users`,
    median: floorMs,
    samples: [floorMs],
  };
  const chart = (title: string, run: Run): Chart => ({
    title,
    timeline: run.stats.timeline,
    windowSeconds: plan.windowSeconds,
    budgets: plan.budgets,
  });
  // The SDK's best concurrency: the fastest without failures, else the fastest.
  const sdkRuns = [...sdk].map(([concurrency, runs]) => ({ concurrency, run: medianRun(runs), runs }));
  const best = [...sdkRuns].sort(
    (a, b) => Number(a.run.failures > 0) - Number(b.run.failures > 0) || a.run.elapsedMs - b.run.elapsedMs,
  )[0]!;
  const oneRun = medianRun(one);
  const threeRun = medianRun(three);

  const results: Measured[] = [
    {
      name: `floor ratio: ${plan.hires} hires, one worker process`,
      unit: 'ms',
      candidate: side('onboardNewHires, one worker process', one),
      baseline: floorSide,
      ratio: oneRun.elapsedMs / floorMs,
      note: 'elapsed ÷ floor',
      goals: [
        { goal: 'elapsed ÷ floor ≤ 1.10', met: oneRun.elapsedMs / floorMs <= 1.1 },
        { goal: '0 failures', met: oneRun.failures === 0 },
      ],
      charts: [chart(`${plan.hires} hires, one worker process`, oneRun)],
    },
    {
      name: `Okta Node SDK: the same ${plan.hires} hires`,
      unit: 'ms',
      candidate: side('onboardNewHires, one worker process', one),
      baseline: {
        ...side(
          `Okta Node SDK, ${best.concurrency} creates at once (best of ${options.sdkConcurrency.join(', ')})`,
          best.runs,
        ),
        figures: {
          ...figures(best.run),
          'elapsed ÷ floor': best.run.elapsedMs / floorMs,
          ...Object.fromEntries(sdkRuns.map((s) => [`ms at ${s.concurrency} at once`, s.run.elapsedMs])),
        },
      },
      ratio: oneRun.elapsedMs / best.run.elapsedMs,
      note: 'ours ÷ SDK: below 1 ours is faster',
      goals: [
        { goal: 'ours faster than the SDK', met: oneRun.elapsedMs < best.run.elapsedMs },
        { goal: 'ours with 0 failures', met: oneRun.failures === 0 },
      ],
      charts: [chart(`${plan.hires} hires, Okta Node SDK, ${best.concurrency} at once`, best.run)],
    },
    {
      name: `three worker processes: the same ${plan.hires} hires`,
      unit: 'ms',
      candidate: side('onboardNewHires, three worker processes', three),
      baseline: floorSide,
      ratio: threeRun.elapsedMs / floorMs,
      note: `elapsed ÷ floor; task queue activity rate ${usersPerSecond.toFixed(1)}/s`,
      goals: [
        { goal: 'elapsed ÷ floor ≤ 1.15', met: threeRun.elapsedMs / floorMs <= 1.15 },
        { goal: 'token requests = 3', met: threeRun.stats.tokenRequests === 3 },
        { goal: '0 failures', met: threeRun.failures === 0 },
      ],
      charts: [chart(`${plan.hires} hires, three worker processes`, threeRun)],
    },
  ];
  results.forEach(printMeasured);
  return results;
}
