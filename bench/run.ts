/**
 * Benchmarks: each one measures a candidate and its baseline side by side in this process, alternating
 * rounds so that machine noise hits both, and reports the ratio. Figures go to bench/results/<time>.json,
 * a Markdown table beside it (<time>.md) and, for the onboarding runs, an SVG chart of calls per second per
 * rate-limit family against the budget (<time>.svg).
 *
 *   npm run bench                        all benchmarks at full size (20 to 25 minutes on a quiet machine)
 *   npm run bench -- codec               only those whose name contains "codec"
 *   npm run bench -- --scale 0.1         every size (hires, children, users, the floor) a tenth
 *   npm run bench -- onboarding --rounds 3 --sdk-concurrency 8,32,128
 *
 * The Temporal benchmarks run on a dev server of their own (`npm run provision` first).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { fanOutBenchmark } from './fan-out.js';
import { closeBenchTemporal } from './harness.js';
import { listingBenchmark } from './listing.js';
import type { Measured } from './measure.js';
import { codecBenchmark, tokenCacheBenchmark } from './micro.js';
import { largestOnboardingBenchmark } from './onboarding-largest.js';
import { onboardingBenchmarks } from './onboarding.js';
import { markdownReport, svgChart } from './report.js';

interface BenchOptions {
  scale: number;
  /** Rounds of each side; undefined: each benchmark's own default. */
  rounds?: number;
  sdkConcurrency: number[];
}

/** Concurrency levels tried for Okta's SDK: below a window's budget, where its retries succeed. */
const DEFAULT_SDK_CONCURRENCY = [16, 64];

const benchmarks: Record<string, (o: BenchOptions) => Promise<Measured | Measured[]>> = {
  codec: () => codecBenchmark(),
  'token-cache': () => tokenCacheBenchmark(),
  onboarding: (o) =>
    onboardingBenchmarks({ scale: o.scale, rounds: o.rounds ?? 1, sdkConcurrency: o.sdkConcurrency }),
  'largest-run': (o) =>
    largestOnboardingBenchmark({ scale: o.scale, sdkConcurrency: Math.max(...o.sdkConcurrency) }),
  'fan-out': (o) => fanOutBenchmark({ scale: o.scale, rounds: o.rounds ?? 3 }),
  listing: (o) => listingBenchmark({ scale: o.scale, rounds: o.rounds ?? 2 }),
};

function parseOptions() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      scale: { type: 'string', default: process.env.BENCH_SCALE ?? '1' },
      rounds: { type: 'string' },
      'sdk-concurrency': { type: 'string' },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1))
    throw new Error(`--scale must be above 0 and at most 1, got ${values.scale}`);
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0))
    throw new Error(`--rounds must be a whole number above 0, got ${values.rounds}`);
  const sdkConcurrency = values['sdk-concurrency']?.split(',').map(Number) ?? DEFAULT_SDK_CONCURRENCY;
  if (!sdkConcurrency.every((c) => Number.isInteger(c) && c > 0))
    throw new Error(`--sdk-concurrency must list whole numbers above 0, got ${values['sdk-concurrency']}`);
  return { filter: positionals[0], options: { scale, rounds, sdkConcurrency } satisfies BenchOptions };
}

async function main() {
  // Worker state changes are logged at INFO; a benchmark wants warnings and errors only.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { filter, options } = parseOptions();
  const results: Measured[] = [];
  try {
    for (const [name, run] of Object.entries(benchmarks)) {
      if (!filter || name.includes(filter)) results.push(...[await run(options)].flat());
    }
  } finally {
    await closeBenchTemporal();
  }
  const when = new Date().toISOString();
  const base = join(dirname(fileURLToPath(import.meta.url)), 'results', when.replaceAll(':', '-'));
  await mkdir(dirname(base), { recursive: true });
  const args = process.argv.slice(2);
  const command = args.length ? `npm run bench -- ${args.join(' ')}` : 'npm run bench';
  await writeFile(
    `${base}.json`,
    `${JSON.stringify({ node: process.version, command, scale: options.scale, results }, null, 2)}\n`,
  );
  await writeFile(`${base}.md`, markdownReport(results, { command, scale: options.scale, when }));
  const charts = results.flatMap((r) => r.charts ?? []);
  if (charts.length) await writeFile(`${base}.svg`, svgChart(charts));
  console.log(`Figures written to ${base}.json, .md${charts.length ? ', .svg' : ''}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
