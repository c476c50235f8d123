export { activityFailureOf } from '../helpers/failures.js';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** The attempt number of each started activity of this type, in history order (the last attempt only). */
export function startedAttempts(history: temporal.api.history.v1.IHistory, activityType: string): number[] {
  const events = history.events ?? [];
  const scheduled = new Map<string, string>();
  for (const event of events) {
    const attrs = event.activityTaskScheduledEventAttributes;
    if (attrs) scheduled.set(String(event.eventId), attrs.activityType?.name ?? '');
  }
  return events
    .filter(
      (e) =>
        e.activityTaskStartedEventAttributes &&
        scheduled.get(String(e.activityTaskStartedEventAttributes.scheduledEventId)) === activityType,
    )
    .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 0);
}

/**
 * Every string in a value, with byte arrays (payload data, headers, failure details) decoded as UTF-8:
 * what someone reading the history, a log line or an error would see.
 */
export function textsOf(value: unknown, out: string[] = [], seen = new Set<object>()): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (value instanceof Error) {
    out.push(value.message, value.stack ?? '');
    textsOf(value.cause, out, seen);
    textsOf({ ...value }, out, seen);
  } else if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const key of Object.keys(value)) textsOf((value as Record<string, unknown>)[key], out, seen);
  }
  return out;
}

/** The histories of these workflows, as text. */
export async function historiesText(client: Client, workflowIds: readonly string[]): Promise<string> {
  const texts: string[] = [];
  for (const id of workflowIds) textsOf(await client.workflow.getHandle(id).fetchHistory(), texts);
  return texts.join('\n');
}
