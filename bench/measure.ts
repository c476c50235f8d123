/** How benchmarks measure and what they report: a candidate beside its baseline, and the ratio. */
import type { RateLimitFamily } from 'temporal-okta-emulator/rate-limits';
import type { Timeline } from './request-stats.js';

/** One side of a comparison: its median, every sample, and the run's other figures. */
export interface Side {
  label: string;
  median: number;
  samples: number[];
  /** Counts and sizes beside the time (429s, failures, token requests, RSS growth, ...). */
  figures?: Record<string, number>;
}

/** A goal from the issue and whether this run met it. */
export interface Goal {
  goal: string;
  met: boolean;
}

/** Calls per second per family over one run, for the chart. */
export interface Chart {
  title: string;
  timeline: Timeline;
  windowSeconds: number;
  /** The budget per window of each family. */
  budgets: Partial<Record<RateLimitFamily, number>>;
}

export interface Measured {
  name: string;
  unit: string;
  candidate: Side;
  baseline: Side;
  /** candidate / baseline: below 1 the candidate is faster. */
  ratio: number;
  note: string;
  goals?: Goal[];
  charts?: Chart[];
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Prints a result as the benchmarks always have: both medians, the ratio, the goals. */
export function printMeasured(result: Measured): void {
  const figures = (side: Side) =>
    side.figures && Object.keys(side.figures).length
      ? ` (${Object.entries(side.figures)
          .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
          .join(', ')})`
      : '';
  const goals = (result.goals ?? []).map((g) => `\n  ${g.met ? 'met' : 'NOT MET'}: ${g.goal}`).join('');
  console.log(
    `${result.name}\n  ${result.candidate.label}: ${result.candidate.median.toFixed(2)} ${result.unit}${figures(result.candidate)}` +
      `\n  ${result.baseline.label}: ${result.baseline.median.toFixed(2)} ${result.unit}${figures(result.baseline)}` +
      `\n  ratio ${result.ratio.toFixed(3)} (${result.note})${goals}\n`,
  );
}

/** Alternates candidate and baseline rounds and compares their medians. */
export async function sideBySide(
  name: string,
  rounds: number,
  candidate: [label: string, fn: () => Promise<unknown>],
  baseline: [label: string, fn: () => Promise<unknown>],
  note: string,
  options: {
    warmUp?: boolean;
    /** Adds goals and figures to the result before it is printed. */
    finish?: (result: Measured) => void;
  } = {},
): Promise<Measured> {
  if (options.warmUp ?? true) {
    await candidate[1]();
    await baseline[1]();
  }
  const c: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    c.push(await time(candidate[1]));
    b.push(await time(baseline[1]));
  }
  const result: Measured = {
    name,
    unit: 'ms per round',
    candidate: { label: candidate[0], median: median(c), samples: c },
    baseline: { label: baseline[0], median: median(b), samples: b },
    ratio: median(c) / median(b),
    note,
  };
  options.finish?.(result);
  printMeasured(result);
  return result;
}
