import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** How the sample workflows read the failures of the actions and children they run. Workflow-safe. */

/** The Okta failure type behind an action's or a child's failure, if any. */
export function oktaErrorType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure || err instanceof ChildWorkflowFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The innermost message of a failure chain: what went wrong, without the wrapping. */
export function rootMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** The details of the Okta failure behind an action's or a child's failure (none: an empty list). */
export function oktaErrorDetails(err: unknown): unknown[] {
  const cause = err instanceof ActivityFailure || err instanceof ChildWorkflowFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.details ?? []) : [];
}
