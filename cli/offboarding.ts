import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { describeIssues } from '../common/issues.js';
import {
  OFFBOARDING_PROGRESS_QUERY,
  OffboardingInputSchema,
  OffboardingUsersSchema,
  type OffboardingInput,
  type OffboardingProgress,
  type OffboardingUserProgress,
} from '../common/offboarding.js';
import type { offboardUsers } from '../workflows/offboarding.js';
import { InputError } from './onboarding.js';
import {
  createProgressDisplay,
  followProgress,
  writeLine,
  type FollowOptions,
  type Output,
} from './progress.js';
import { renderTable } from './table.js';

/**
 * Reads and validates a JSON file of people to offboard: a list of logins or user ids
 * (see `samples/leavers.json`).
 *
 * @throws InputError naming the file and each entry at fault (never the values: they are personal data).
 */
export async function loadOffboardingUsers(file: string): Promise<string[]> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `Cannot read the offboarding file ${path} (${(err as NodeJS.ErrnoException).code ?? 'read error'}).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${path} is not valid JSON; expected a list of logins such as ["ada@example.com"].`);
  }
  const parsed = OffboardingUsersSchema.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, 'users');
    throw new InputError(`${path} is not a valid list of logins or user ids:\n- ${problems.join('\n- ')}`);
  }
  return parsed.data;
}

export interface StartOffboardingOptions {
  input: OffboardingInput;
  taskQueue: string;
  /** Default `offboarding-<timestamp>`. */
  workflowId?: string;
}

/**
 * Validates the offboarding input at the client edge, then starts the `offboardUsers` workflow.
 *
 * @example
 * const handle = await startOffboarding(client, { taskQueue, input: { users: ['ada@companyabc.com'],
 *   domain: 'companyabc.okta.com', connection: 'okta-automation', mode: 'suspend' } });
 */
export async function startOffboarding(
  client: Client,
  options: StartOffboardingOptions,
): Promise<WorkflowHandle<typeof offboardUsers>> {
  const parsed = OffboardingInputSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new InputError(`Invalid offboarding input:\n- ${describeIssues(parsed.error).join('\n- ')}`);
  }
  const workflowId =
    options.workflowId ?? `offboarding-${new Date().toISOString().replace(/[:.]/g, '-').toLowerCase()}`;
  return client.workflow.start<typeof offboardUsers>('offboardUsers', {
    args: [parsed.data],
    taskQueue: options.taskQueue,
    workflowId,
  });
}

/**
 * Shows the progress of an offboarding run (from its `progress` query) until it finishes, and returns its
 * result. With `signal`, stops following when it aborts (the workflow keeps running).
 */
export function followOffboarding(
  handle: WorkflowHandle<typeof offboardUsers>,
  out: Output,
  options: FollowOptions = {},
): Promise<OffboardingProgress> {
  return followProgress<OffboardingProgress>(
    handle,
    OFFBOARDING_PROGRESS_QUERY,
    createProgressDisplay(out, 'people'),
    options,
  );
}

const STATUS_LABEL: Record<string, string> = {
  offboarded: 'offboarded',
  alreadyOffboarded: 'already offboarded',
  failed: 'FAILED',
  pending: 'not started',
  running: 'running',
};

/** What a person's child did, in a few words: the status change, and how much was taken away. */
function summarise(line: OffboardingUserProgress): string {
  if (line.status === 'failed') return line.error ?? '';
  const r = line.result;
  if (!r) return '';
  const count = (step: string) => r.actions.filter((a) => a.step === step && a.outcome === 'done').length;
  const factors = r.actions.find((a) => a.step === 'resetFactors');
  const factorsDone =
    factors?.outcome === 'done'
      ? 'factors reset'
      : factors?.detail === 'no factor enrolled'
        ? 'no factors'
        : 'factors left (deactivated)';
  return [
    r.statusBefore === r.statusAfter ? r.statusAfter : `${r.statusBefore} → ${r.statusAfter}`,
    'sessions ended',
    factorsDone,
    `${count('removeFromGroup')} groups and ${count('removeFromApp')} apps removed`,
  ].join(', ');
}

/**
 * The offboarding report as a table: user, status, Okta user id, what was done (or the error), and how
 * many System Log events confirm it.
 */
export function renderOffboardingReport(progress: OffboardingProgress): string {
  const rows = progress.users.map((line) => [
    line.user,
    STATUS_LABEL[line.status] ?? line.status,
    line.userId ?? '',
    summarise(line),
    line.result
      ? line.result.systemLog.error
        ? 'unavailable'
        : String(line.result.systemLog.events.length)
      : '',
  ]);
  const offboarded = progress.users.filter((l) => l.status === 'offboarded').length;
  const already = progress.users.filter((l) => l.status === 'alreadyOffboarded').length;
  return [
    renderTable(['User', 'Status', 'Okta user id', 'What was done', 'Log events'], rows, 90),
    '',
    `${progress.total} people: ${offboarded} offboarded, ${already} already offboarded, ${progress.failed} failed.`,
  ].join('\n');
}

/** Prints the report table and, when a Web UI is known, the link to the workflow (its result holds the full record). */
export function printOffboardingReport(out: Output, progress: OffboardingProgress, link?: string): void {
  writeLine(out);
  writeLine(out, renderOffboardingReport(progress));
  if (link) writeLine(out, `\nWeb UI (each person's full record is in the workflow's result): ${link}`);
}
