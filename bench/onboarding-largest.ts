/**
 * The largest onboarding run (bench/onboarding-10k.ts: 10,000 hires, one run, one worker, budgets that do
 * not bind) against Okta's Node SDK creating the same number of hires on an org with the same budgets:
 * what Temporal costs a job that Okta's windows do not bound.
 */
import { randomBytes } from 'node:crypto';
import { MAX_HIRES_PER_RUN, type NewHire } from '../common/new-hire.js';
import { benchTemporal, startBenchOrg } from './harness.js';
import { printMeasured, type Measured } from './measure.js';
import { onboardWithOktaSdk } from './okta-sdk.js';
import { runOnboarding10k } from './onboarding-10k.js';
import { requestStats } from './request-stats.js';

/** The budgets runOnboarding10k gives its org. */
const BUDGETS = { users: 100_000, 'users-by-id': 100_000, groups: 10_000 };
const GROUPS = ['Engineering', 'Sales', 'Support', 'Finance', 'VPN Users', 'New Hires 2026'];

/** The same hires as runOnboarding10k makes: two of six groups each. */
function newHires(count: number, tag: string): NewHire[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `hire${String(i).padStart(5, '0')}.${tag}@scale.example.com`,
    firstName: 'New',
    lastName: `Hire ${i}`,
    department: 'Engineering',
    title: 'Engineer',
    groups: [GROUPS[i % GROUPS.length]!, GROUPS[(i + 1) % GROUPS.length]!],
  }));
}

export async function largestOnboardingBenchmark(options: {
  scale: number;
  sdkConcurrency: number;
}): Promise<Measured> {
  const hires = Math.max(20, Math.round(MAX_HIRES_PER_RUN * options.scale));
  const temporal = await benchTemporal();
  const ours = await runOnboarding10k({ hires, temporalAddress: temporal.env.address, log: () => undefined });
  console.log(`  onboardNewHires, ${hires} hires in one run: ${ours.seconds.toFixed(1)} s`);

  const t = await startBenchOrg({ budgets: BUDGETS });
  let sdk;
  try {
    const run = await onboardWithOktaSdk(
      t,
      newHires(hires, randomBytes(4).toString('hex')),
      options.sdkConcurrency,
    );
    sdk = { ...run, stats: requestStats((await t.controls.requests()).requests, run.startMs) };
  } finally {
    await t.close();
  }
  console.log(`  Okta Node SDK, ${options.sdkConcurrency} at once: ${sdk.elapsedMs} ms`);

  const ms = ours.seconds * 1000;
  const created = ours.calls['POST /api/v1/users'] ?? 0;
  const result: Measured = {
    name: `the largest run: ${hires} hires, budgets that do not bind`,
    unit: 'ms',
    candidate: {
      label: 'onboardNewHires, one run, one worker',
      median: ms,
      samples: [ms],
      figures: {
        failures: ours.report.failed,
        'user creates': created,
        batches: ours.report.batches?.total ?? 1,
        'parent history events': ours.parentHistoryEvents,
        'hires a second': hires / ours.seconds,
      },
    },
    baseline: {
      label: `Okta Node SDK, ${options.sdkConcurrency} creates at once`,
      median: sdk.elapsedMs,
      samples: [sdk.elapsedMs],
      figures: { failures: sdk.failures, '429s': sdk.stats.rateLimited },
    },
    ratio: ms / sdk.elapsedMs,
    note: 'ours ÷ SDK: what Temporal costs when Okta does not bound the job',
    // Checked here rather than by its `problems`, which expect the batch counts a run of 500 or fewer lacks.
    goals: [
      { goal: 'every hire created once, none failed', met: created === hires && ours.report.failed === 0 },
    ],
  };
  printMeasured(result);
  return result;
}
