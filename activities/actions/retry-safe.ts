import { OktaErrorType } from '../../common/errors.js';

/**
 * What makes a create retry-safe: recognising that the org already holds the object (OktaConflict), and
 * whether the object found is the one an earlier attempt, whose answer was lost, created.
 */

/** Whether an action failed because the object already exists or the org's state does not allow it. */
export function isConflict(err: unknown): boolean {
  return (err as { type?: string } | undefined)?.type === OktaErrorType.OktaConflict;
}

/**
 * Whether `existing` is what an earlier attempt with the `requested` profile would have created: every
 * requested attribute has the same value there (an unset attribute counts as `null`).
 */
export function sameProfile(requested: Record<string, unknown>, existing: Record<string, unknown>): boolean {
  return Object.entries(requested).every(
    ([k, v]) => JSON.stringify(existing[k] ?? null) === JSON.stringify(v ?? null),
  );
}
