import type { OktaClient } from '../okta-client.js';

/** What an action needs besides its input: the session's client and the activity's heartbeat. */
export interface ActionContext {
  client: OktaClient;
  /** Records progress (a listing's cursor) so a retried attempt can resume. */
  heartbeat(details: unknown): void;
  /** The details of the last heartbeat of an earlier attempt, if any. */
  lastHeartbeat(): unknown;
}
