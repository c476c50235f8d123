/**
 * Starting the onboarding sample from a client: `startOnboarding` validates a run's hires at the client
 * edge and delivers them in payloads Temporal accepts (see docs/ARCHITECTURE.md §12).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  MAX_HIRES_PER_BATCH,
  NewHiresSchema,
  ONBOARDING_ADD_HIRES_SIGNAL,
  OnboardingInputSchema,
  describeIssues,
  type AddHires,
  type NewHire,
  type OnboardingInput,
} from '../common/new-hire.js';
import type { onboardNewHires } from '../workflows/onboarding.js';

/** A problem with the caller's input (a file or an argument): the message says what to fix, never the values. */
export class InputError extends Error {
  /** Always `InputError`. */
  override readonly name = 'InputError';
}

/** The onboarding input as the client takes it: every hire of the run (up to 10,000) in `hires`. */
const ClientOnboardingInputSchema = OnboardingInputSchema.omit({ total: true }).extend({
  hires: NewHiresSchema,
});

/** What {@link startOnboarding} starts: the run's input and where. */
export interface StartOnboardingOptions {
  /** Every hire of the run in `hires`, up to 10,000 (sent 500 a payload). */
  input: Omit<OnboardingInput, 'total'>;
  /** The task queue of the workers that run `onboardNewHires`. */
  taskQueue: string;
  /** Default `onboarding-<timestamp>`. */
  workflowId?: string;
}

/**
 * Validates the onboarding input at the client edge, then starts the `onboardNewHires` workflow. More
 * hires than one payload holds (500) go in batches: the first in the input, with `total`, the others by
 * numbered `addHires` signals, all sent before this returns.
 */
export async function startOnboarding(
  client: Client,
  options: StartOnboardingOptions,
): Promise<WorkflowHandle<typeof onboardNewHires>> {
  const parsed = ClientOnboardingInputSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new InputError(`Invalid onboarding input:\n- ${describeIssues(parsed.error).join('\n- ')}`);
  }
  const workflowId =
    options.workflowId ?? `onboarding-${new Date().toISOString().replace(/[:.]/g, '-').toLowerCase()}`;
  const { hires, ...rest } = parsed.data;
  const batches: NewHire[][] = [];
  for (let i = 0; i < hires.length; i += MAX_HIRES_PER_BATCH) {
    batches.push(hires.slice(i, i + MAX_HIRES_PER_BATCH));
  }
  const [first, ...others] = batches;
  const handle = await client.workflow.start<typeof onboardNewHires>('onboardNewHires', {
    args: [{ ...rest, hires: first!, ...(others.length ? { total: hires.length } : {}) }],
    taskQueue: options.taskQueue,
    workflowId,
  });
  for (const [index, batch] of others.entries()) {
    const more: AddHires = { batch: index + 1, hires: batch };
    await handle.signal(ONBOARDING_ADD_HIRES_SIGNAL, more);
  }
  return handle;
}
