import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import {
  MAX_HIRES_PER_BATCH,
  NewHiresSchema,
  ONBOARDING_PROGRESS_QUERY,
  describeIssues,
  type NewHire,
  type OnboardingProgress,
} from '../common/new-hire.js';
import type { onboardNewHires } from '../workflows/onboarding.js';
import {
  createProgressDisplay,
  followProgress,
  writeLine,
  type FollowOptions,
  type Output,
} from './progress.js';
import { renderTable } from './table.js';
import { InputError } from '../client/onboarding.js';

export { InputError, startOnboarding, type StartOnboardingOptions } from '../client/onboarding.js';

/**
 * Reads and validates a JSON file of new hires (see `samples/new-hires.json`).
 *
 * @throws InputError naming the file and each field at fault (never the values: they are personal data).
 */
export async function loadNewHires(file: string): Promise<NewHire[]> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `Cannot read the new hires file ${path} (${(err as NodeJS.ErrnoException).code ?? 'read error'}).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(
      `${path} is not valid JSON; expected a list of new hires like samples/new-hires.json.`,
    );
  }
  const parsed = NewHiresSchema.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, 'hires');
    throw new InputError(`${path} is not a valid list of new hires:\n- ${problems.join('\n- ')}`);
  }
  return parsed.data;
}

/**
 * Shows the progress of an onboarding run (from its `progress` query) until it finishes, and returns its
 * result. With `signal`, stops following when it aborts (the workflow keeps running).
 */
export function followOnboarding(
  handle: WorkflowHandle<typeof onboardNewHires>,
  out: Output,
  options: FollowOptions = {},
): Promise<OnboardingProgress> {
  return followProgress<OnboardingProgress>(
    handle,
    ONBOARDING_PROGRESS_QUERY,
    createProgressDisplay(out),
    options,
  );
}

const STATUS_LABEL: Record<string, string> = {
  created: 'created',
  alreadyProvisioned: 'already provisioned',
  failed: 'FAILED',
  pending: 'not started',
  running: 'running',
};

/**
 * The onboarding report as a table: login, status, Okta user id, groups (or the error). A run in batches
 * has lines for its failed hires only, and counts the others.
 */
export function renderOnboardingReport(progress: OnboardingProgress): string {
  const rows = progress.hires.map((h) => [
    h.login,
    STATUS_LABEL[h.status] ?? h.status,
    h.userId ?? '',
    h.status === 'failed' ? (h.error ?? '') : (h.groups ?? []).join(', '),
  ]);
  const created = progress.created ?? progress.hires.filter((h) => h.status === 'created').length;
  const existing =
    progress.alreadyProvisioned ?? progress.hires.filter((h) => h.status === 'alreadyProvisioned').length;
  const summary = `${progress.total} hires: ${created} created, ${existing} already provisioned, ${progress.failed} failed.`;
  if (progress.batches) {
    const batches = `In ${progress.batches.total} batches of at most ${MAX_HIRES_PER_BATCH}.`;
    const listed =
      progress.failed > rows.length ? ` (the first ${rows.length} of ${progress.failed} failed hires)` : '';
    const table = rows.length
      ? [`Failed hires${listed}:`, renderTable(['Login', 'Status', 'Okta user id', 'Error'], rows, 70), '']
      : [];
    return [...table, summary, batches].join('\n');
  }
  return [renderTable(['Login', 'Status', 'Okta user id', 'Groups'], rows, 70), '', summary].join('\n');
}

/** The Temporal Web UI page of a workflow, e.g. `http://localhost:8233/namespaces/default/workflows/<id>`. */
export function workflowUrl(webUi: string, namespace: string, workflowId: string): string {
  return `${webUi.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Prints the report table and, when a Web UI is known, the link to the workflow. */
export function printOnboardingReport(out: Output, progress: OnboardingProgress, link?: string): void {
  writeLine(out);
  writeLine(out, renderOnboardingReport(progress));
  if (link) writeLine(out, `\nWeb UI: ${link}`);
}
