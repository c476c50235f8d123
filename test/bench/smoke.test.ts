import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fanOutBenchmark } from '../../bench/fan-out.js';
import { closeBenchTemporal, useTemporalServer } from '../../bench/harness.js';
import { listingBenchmark } from '../../bench/listing.js';
import { onboardingBenchmarks } from '../../bench/onboarding.js';
import { markdownReport, svgChart } from '../../bench/report.js';
import type { Measured } from '../../bench/measure.js';

/**
 * Every benchmark of `npm run bench` at its smallest, on the test run's dev server: that it runs and
 * reports. The goals (ratios, floors) are for full sizes on a quiet machine, not asserted here.
 */

beforeAll(() => useTemporalServer(inject('devServerAddress')));
afterAll(() => closeBenchTemporal());

const reported = (result: Measured) => {
  expect(result.ratio).toBeGreaterThan(0);
  expect(Number.isFinite(result.ratio)).toBe(true);
  expect(result.goals?.length).toBeGreaterThan(0);
};

describe('the benchmarks, each at its smallest', () => {
  it('onboards 20 hires with one worker process, with the Okta SDK and with three processes, and charts each', async () => {
    const results = await onboardingBenchmarks({ scale: 0.01, rounds: 1, sdkConcurrency: [8] });

    expect(results).toHaveLength(3);
    results.forEach(reported);
    for (const r of results) expect(r.candidate.figures?.failures, r.name).toBe(0);
    expect(results[1]!.baseline.figures?.failures).toBe(0);
    expect(results[2]!.candidate.figures?.['token requests']).toBe(3);
    const charts = results.flatMap((r) => r.charts ?? []);
    expect(charts).toHaveLength(3);
    const svg = svgChart(charts);
    expect(svg).toMatch(/^<svg [^>]*>/);
    expect(svg).toContain('users (budget');
    expect(markdownReport(results, { command: 'npm run bench', scale: 0.01, when: 'now' })).toContain(
      '| floor ratio: 20 hires, one worker process |',
    );
  }, 90_000);

  it('fans out children on a global session and on a no-op activity', async () => {
    reported(await fanOutBenchmark({ scale: 0.01, rounds: 1 }));
  }, 60_000);

  it('lists every user through okta.users.pages and through a fetch loop, and reads the worker memory', async () => {
    const result = await listingBenchmark({ scale: 0.02, rounds: 1 });

    reported(result);
    expect(result.candidate.figures?.users).toBe(result.baseline.figures?.users);
    expect(result.candidate.figures?.['worker RSS growth MiB']).toBeDefined();
    expect(
      result.candidate.figures?.["Temporal's floor ms (one activity per page returning the same bytes)"],
    ).toBeGreaterThan(0);
  }, 60_000);
});
