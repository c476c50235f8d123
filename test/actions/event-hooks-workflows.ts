/** Workflows of the event hook test: the action fixtures and a tiny workflow per deactivated user. */
import type { EventHookInput } from '../../client/event-hooks.js';
export * from './workflows.js';

/** Stands in for an offboarding workflow: returns the user the event was about. */
export async function onUserDeactivated(input: EventHookInput): Promise<string | undefined> {
  return input.userId;
}
