import type { OrgStore } from '../store.js';
import type { OperationId } from './scopes.js';

/** One Management API request, parsed. */
export type RequestContext = {
  store: OrgStore;
  url: URL;
  /** `https://{Host}`: the org's origin as the caller addressed it. */
  origin: string;
  params: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  now: Date;
};

/** What a handler answers; the dispatcher adds Okta's common headers. */
export type HandlerResult = { status: number; body?: unknown; links?: string[] };

/** One route of the Management API. */
export type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments; `:name` captures one segment. */
  path: string;
  operationId: OperationId;
  handle(ctx: RequestContext): HandlerResult;
};
