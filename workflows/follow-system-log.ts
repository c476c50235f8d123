import {
  continueAsNew,
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { okta } from './okta.js';
import { parseInput } from './validation.js';

/**
 * Sample workflow: follows an org's System Log and signals another workflow once per event, for as long
 * as it runs. The cursor lives in workflow state and is handed to the next run at each continue-as-new,
 * so worker restarts and new runs neither lose nor repeat an event.
 */

export const FollowSystemLogInputSchema = z.object({
  /** The Okta org domain. */
  domain: z.string().min(1),
  /** A connection whose app was granted `okta.logs.read` (and requests it in `scopes`). */
  connection: z.string().min(1),
  /** Where to start the first run (ISO 8601); default: when the workflow started. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Where the previous run stopped; set by continue-as-new. */
  cursor: z.string().min(1).optional(),
  /** Okta's `filter`, e.g. `eventType sw "user.lifecycle"`. */
  filter: z.string().min(1).optional(),
  /** Okta's `q` keywords. */
  q: z.string().min(1).optional(),
  /** Events per poll (Okta's default 100). */
  pageSize: z.number().int().positive().max(1000).optional(),
  /** Wait after a poll that found nothing new; default 30 seconds. */
  pollInterval: z.union([z.string().min(1), z.number().positive()]).default('30 seconds'),
  /** Polls per run before continue-as-new; default 100. */
  pagesPerRun: z.number().int().positive().default(100),
  /** The workflow that receives each event as the argument of a signal (default name `oktaLogEvent`). */
  deliverTo: z.object({
    workflowId: z.string().min(1),
    signal: z.string().min(1).default('oktaLogEvent'),
  }),
});
/** The input of the `followSystemLog` workflow (see {@link FollowSystemLogInputSchema}). */
export type FollowSystemLogInput = z.input<typeof FollowSystemLogInputSchema>;

/** Ends {@link followSystemLog} after its current poll; it returns the cursor to resume from. */
export const stopFollowingSignal = defineSignal('stopFollowing');

/**
 * Follows the System Log, signalling `deliverTo` with each event in order, and continues-as-new every
 * `pagesPerRun` polls with the cursor. Stop it with {@link stopFollowingSignal}.
 *
 * @example
 * ```ts
 * await client.workflow.start(followSystemLog, { taskQueue, workflowId: 'okta-system-log',
 *   args: [{ domain: 'companyabc.okta.com', connection: 'okta-audit', deliverTo: { workflowId: 'audit' } }] });
 * ```
 */
export async function followSystemLog(input: FollowSystemLogInput): Promise<{ cursor?: string }> {
  const options = parseInput(FollowSystemLogInputSchema, input, 'followSystemLog');
  let stopping = false;
  setHandler(stopFollowingSignal, () => void (stopping = true));
  await okta.connect({
    domain: options.domain,
    connection: options.connection,
    session: { local: 'system-log' },
  });
  const since = options.since ?? workflowInfo().startTime.toISOString();
  const target = getExternalWorkflowHandle(options.deliverTo.workflowId);
  const { cursor } = await okta.logs.follow(
    {
      session: 'system-log',
      since,
      cursor: options.cursor,
      filter: options.filter,
      q: options.q,
      pageSize: options.pageSize,
      pollInterval: options.pollInterval as Duration,
      maxPages: options.pagesPerRun,
      stop: () => stopping,
    },
    (event) => target.signal(options.deliverTo.signal, event),
  );
  if (stopping) return { cursor };
  return continueAsNew<typeof followSystemLog>({ ...input, since, cursor });
}
