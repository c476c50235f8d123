import type { EventHooks } from '../event-hooks.js';
import type { OrgStore } from '../store.js';
import type { OperationId } from './scopes.js';

/**
 * How the org answers where Okta's answers vary, so a test can run the package against each:
 * `nonMemberRemoval` is the answer to removing a user who is not a member of the group: 204 (the default,
 * like a repeated add) or 404 E0000007, which Okta documents for this operation and can send.
 */
export type ManagementBehaviour = { nonMemberRemoval: 'noContent' | 'notFound' };

/** Okta's documented success answers. */
export const DEFAULT_MANAGEMENT_BEHAVIOUR: Readonly<ManagementBehaviour> = { nonMemberRemoval: 'noContent' };

/** One Management API request, parsed. */
export type RequestContext = {
  store: OrgStore;
  behaviour: Readonly<ManagementBehaviour>;
  url: URL;
  /** `https://{Host}`: the org's origin as the caller addressed it. */
  origin: string;
  params: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  now: Date;
  /** The org's event hooks (absent in harnesses without them: those routes answer 404). */
  eventHooks?: EventHooks;
};

/** What a handler answers; the dispatcher adds Okta's common headers. */
export type HandlerResult = { status: number; body?: unknown; links?: string[] };

/** One route of the Management API. */
export type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments; `:name` captures one segment. */
  path: string;
  operationId: OperationId;
  /** Synchronous handlers run in one store transaction; `async` ones (calling out) outside any. */
  handle(ctx: RequestContext): HandlerResult | Promise<HandlerResult>;
  async?: true;
};
