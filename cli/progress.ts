import type { WorkflowHandle } from '@temporalio/client';
import type { OnboardingProgress } from '../common/new-hire.js';
import { unlessAborted } from './abort.js';

/** Where the CLI writes: a terminal gets a live progress bar, anything else plain lines. */
export interface Output {
  write(text: string): void;
  /** True for an interactive terminal. */
  isTTY?: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

/** Writes one line. */
export function writeLine(out: Output, line = ''): void {
  out.write(`${line}\n`);
}

/** `[██████░░░░░░]`: `width` cells, filled in proportion to `done / total`. */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/**
 * What a display shows of a sample run's progress: onboarding's (`hires`) or offboarding's (`users`), each
 * line with its status.
 */
export type RunProgress = Pick<OnboardingProgress, 'total' | 'done' | 'failed'> & {
  hires?: readonly { status: string }[];
  users?: readonly { status: string }[];
};

function summary(p: RunProgress, noun: string): string {
  const running = (p.hires ?? p.users ?? []).filter((line) => line.status === 'running').length;
  const finished = p.done + p.failed;
  return `${finished}/${p.total} ${noun} (${p.done} done, ${p.failed} failed, ${running} running)`;
}

/** Shows a run's progress as it changes. */
export interface ProgressDisplay {
  update(progress: RunProgress): void;
  /** Ends the display (a terminal gets its final line and a newline). */
  finish(progress?: RunProgress): void;
}

/**
 * A progress display for `out`: on a terminal, one line redrawn in place with a bar; otherwise a plain line
 * each time the number of finished lines changes, so logs stay readable. `noun` names the lines (`hires`).
 */
export function createProgressDisplay(out: Output, noun = 'hires'): ProgressDisplay {
  // What was shown last: the whole line on a terminal; elsewhere only the counts of finished hires, so a
  // plain line is printed when done or failed change, not for every running count.
  let last: string | undefined;
  let drawn = false;
  const render = (p: RunProgress) =>
    out.isTTY
      ? `${progressBar(p.done + p.failed, p.total)} ${summary(p, noun)}`
      : `Progress: ${summary(p, noun)}`;
  return {
    update(progress) {
      if (progress.total === 0) return; // the workflow has not read its input yet
      const text = render(progress);
      const shown = out.isTTY ? text : `${progress.done}/${progress.failed}/${progress.total}`;
      if (shown === last) return;
      last = shown;
      if (out.isTTY) {
        out.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else writeLine(out, text);
    },
    finish(progress) {
      if (progress) this.update(progress);
      if (out.isTTY && drawn) out.write('\n');
      drawn = false;
    },
  };
}

/** How {@link followProgress} polls: every `intervalMs` (default 300), until `signal` aborts. */
export interface FollowOptions {
  intervalMs?: number;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Shows a run's progress (from its `query`) on `display` until the workflow finishes, and returns its
 * result. With `signal`, stops following when it aborts (the workflow keeps running).
 */
export async function followProgress<P extends RunProgress>(
  handle: WorkflowHandle,
  query: string,
  display: ProgressDisplay,
  options: FollowOptions = {},
): Promise<P> {
  const { signal } = options;
  let settled = false;
  const result = (handle.result() as Promise<P>).finally(() => {
    settled = true;
  });
  result.catch(() => undefined); // observed below; avoid an unhandled rejection while polling
  try {
    while (!settled && !signal?.aborted) {
      const progress = await handle.query<P>(query).catch(() => undefined);
      if (progress) display.update(progress);
      await unlessAborted(Promise.race([sleep(options.intervalMs ?? 300), result]), signal).catch(
        () => undefined,
      );
    }
    const final = await unlessAborted(result, signal);
    display.finish(final);
    return final;
  } catch (err) {
    display.finish();
    throw err;
  }
}
