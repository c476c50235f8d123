import { setWorkflowOptions } from '@temporalio/workflow';

/**
 * Declares a workflow PINNED (Worker Deployment Versioning): each execution completes on the build it
 * started on, and the child workflows it starts on task queues of the same deployment version start there
 * too, so parent and children run the same temporal-okta code (docs/ARCHITECTURE.md §6). Workers made with
 * `createOktaWorker` already default to PINNED; declaring it on the workflow keeps it pinned on any worker
 * and makes the intent visible where the workflow is written.
 *
 * Annotate the exported function after its declaration, as below: wrapping a function expression
 * (`export const x = pinned(async function x() {})`) lets transpilers rename the function, and clients
 * name the workflow type after the function's name.
 *
 * @example
 * ```ts
 * export async function onboarding(hires: NewHire[]): Promise<OnboardingReport> { ... }
 * pinned(onboarding);
 * ```
 * @returns the same function
 */
export function pinned<A extends unknown[], R>(
  workflow: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  setWorkflowOptions({ versioningBehavior: 'PINNED' }, workflow);
  return workflow;
}
