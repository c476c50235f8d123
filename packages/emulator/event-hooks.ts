import { randomBytes, randomUUID } from 'node:crypto';
import type { LogEvent, SystemLog } from './system-log.js';

/**
 * Okta event hooks (`/api/v1/eventHooks`): registrations kept in memory (like tokens, a restart forgets
 * them), Okta's one-time verification, and delivery of System Log events to ACTIVE, VERIFIED hooks.
 * Okta's documented timeout is 3 s per call, with one retry after a timeout or an error answer.
 */

export type EventHookRecord = {
  id: string;
  name: string;
  description: string | null;
  status: 'ACTIVE' | 'INACTIVE';
  verificationStatus: 'UNVERIFIED' | 'VERIFIED';
  events: { type: 'EVENT_TYPE'; items: string[] };
  uri: string;
  headers: { key: string; value: string }[];
  authScheme?: { type: 'HEADER'; key: string; value: string };
  created: string;
  lastUpdated: string;
};

/** One delivery attempt, for tests (`GET /__emulator/event-hooks/deliveries`). */
export type DeliveryAttempt = { hookId: string; eventIds: string[]; status: number; attempt: number };

export const HOOK_TIMEOUT_MS = 3000;

export class EventHooks {
  private readonly hooks = new Map<string, EventHookRecord>();
  readonly attempts: DeliveryAttempt[] = [];
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly origin: string,
    log: SystemLog,
  ) {
    log.subscribe((events) => this.deliver(events));
  }

  create(
    hook: Omit<EventHookRecord, 'id' | 'created' | 'lastUpdated' | 'status' | 'verificationStatus'>,
    now: Date,
  ): EventHookRecord {
    const ts = now.toISOString();
    const id = 'who' + randomBytes(13).toString('base64url').replace(/[-_]/g, 'x').slice(0, 17);
    const record: EventHookRecord = {
      ...hook,
      id,
      status: 'ACTIVE',
      verificationStatus: 'UNVERIFIED',
      created: ts,
      lastUpdated: ts,
    };
    this.hooks.set(id, record);
    return record;
  }

  get(id: string): EventHookRecord | undefined {
    return this.hooks.get(id);
  }

  list(): EventHookRecord[] {
    return [...this.hooks.values()];
  }

  update(id: string, change: Partial<EventHookRecord>, now: Date): EventHookRecord {
    const next = { ...this.hooks.get(id)!, ...change, lastUpdated: now.toISOString() };
    this.hooks.set(id, next);
    return next;
  }

  delete(id: string): boolean {
    return this.hooks.delete(id);
  }

  /** Forgets every hook and delivery (the `reset` control). */
  reset(): void {
    this.hooks.clear();
    this.attempts.length = 0;
  }

  /**
   * Okta's one-time verification: a GET to the hook's URI with `X-Okta-Verification-Challenge`, answered
   * with `{ "verification": <challenge> }`; one retry after a timeout or an error. True when verified.
   */
  async verify(hook: EventHookRecord): Promise<boolean> {
    const challenge = randomBytes(30).toString('base64url');
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const res = await fetch(hook.uri, {
          method: 'GET',
          headers: { ...this.headers(hook), 'X-Okta-Verification-Challenge': challenge },
          signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
        });
        if (res.ok) {
          const body = (await res.json().catch(() => undefined)) as { verification?: unknown } | undefined;
          return body?.verification === challenge;
        }
        await res.body?.cancel();
      } catch {
        // a timeout or a network error: retried once
      }
    }
    return false;
  }

  /** Resolves when every delivery started so far has finished (tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private headers(hook: EventHookRecord): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'Okta-Integrations',
      'X-Okta-Request-Id': randomBytes(15).toString('base64url'),
    };
    for (const h of hook.headers) headers[h.key] = h.value;
    if (hook.authScheme) headers[hook.authScheme.key] = hook.authScheme.value;
    return headers;
  }

  private deliver(events: readonly LogEvent[]): void {
    for (const hook of this.hooks.values()) {
      if (hook.status !== 'ACTIVE' || hook.verificationStatus !== 'VERIFIED') continue;
      const matching = events.filter((e) => hook.events.items.includes(e.eventType));
      if (matching.length === 0) continue;
      const p = this.send(hook, matching).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /** Okta's event hook request: one POST per batch, retried once after a timeout, a network error or a 5xx. */
  private async send(hook: EventHookRecord, events: LogEvent[]): Promise<void> {
    const body = JSON.stringify({
      eventType: 'com.okta.event_hook',
      eventTypeVersion: '1.0',
      cloudEventsVersion: '0.1',
      source: `${this.origin}/api/v1/eventHooks/${hook.id}`,
      eventId: randomUUID(),
      eventTime: new Date().toISOString(),
      contentType: 'application/json',
      data: { events },
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      let status = 0;
      try {
        const res = await fetch(hook.uri, {
          method: 'POST',
          headers: { ...this.headers(hook), 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
        });
        status = res.status;
        await res.body?.cancel();
      } catch {
        status = 0;
      }
      this.attempts.push({ hookId: hook.id, eventIds: events.map((e) => e.uuid), status, attempt });
      if (status !== 0 && status < 500) return;
    }
  }
}
