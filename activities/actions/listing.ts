import type { ListResult, Page } from '../../common/actions.js';
import type { OktaRequest, OktaResponse } from '../okta-client.js';
import type { ActionContext } from './context.js';

/**
 * Heartbeat of a bounded listing: the next page to fetch and what earlier pages returned, already mapped
 * through the action's `map`. Temporal keeps heartbeats and shows them (describe, the Web UI), so they
 * carry what the result will carry, never Okta's raw objects (`_links`, `credentials`); mapped, 1,000
 * users also stay below Temporal's 512 KiB payload warning, which Okta's raw objects pass.
 */
interface ListingProgress<T> {
  next: string;
  items: T[];
}

/**
 * How often a listing heartbeats while a page request is in flight. Temporal delivers a cancellation to
 * an activity only in the answer to a heartbeat, so a slow page must not silence the activity; the SDK
 * throttles what actually reaches the server.
 */
export const HEARTBEAT_WHILE_WAITING_MS = 1_000;

function isProgress<T>(value: unknown): value is ListingProgress<T> {
  const v = value as ListingProgress<T> | undefined;
  return typeof v?.next === 'string' && Array.isArray(v.items);
}

/** Runs one page request, heartbeating `progress` until it settles so cancellation can reach it. */
async function fetchPage<T>(
  ctx: ActionContext,
  request: OktaRequest,
  progress: ListingProgress<unknown> | undefined,
): Promise<OktaResponse<T[]>> {
  const beat = () => ctx.heartbeat(progress);
  beat();
  const timer = setInterval(beat, HEARTBEAT_WHILE_WAITING_MS);
  try {
    return await ctx.client.request<T[]>(request);
  } finally {
    clearInterval(timer);
  }
}

/** The `q`, `filter`, `search` and `limit` query parameters of Okta's list endpoints. */
export function searchQuery(input: { q?: string; filter?: string; search?: string }, limit?: number) {
  return { q: input.q, filter: input.filter, search: input.search, limit };
}

/**
 * Follows `Link: rel="next"` until `limit` items are collected or the pages run out, and returns them
 * through `map`. After each page it heartbeats the next page's URL and the mapped items so far, and a
 * retried attempt resumes from there instead of starting again at page one.
 */
export async function listBounded<T>(
  ctx: ActionContext,
  first: OktaRequest,
  limit: number,
  map: (raw: unknown) => T,
): Promise<ListResult<T>> {
  const saved = ctx.lastHeartbeat();
  let progress: ListingProgress<T> | undefined = isProgress<T>(saved) ? saved : undefined;
  let items: T[] = progress?.items ?? [];
  let request: OktaRequest | undefined = progress ? { method: 'GET', path: progress.next } : first;
  while (request && items.length < limit) {
    const page: OktaResponse<unknown[]> = await fetchPage<unknown>(ctx, request, progress);
    items = items.concat(page.body.map(map));
    request = page.next ? { method: 'GET', path: page.next } : undefined;
    if (request) {
      progress = { next: request.path, items };
      ctx.heartbeat(progress);
    }
  }
  return { items: items.slice(0, limit), truncated: items.length > limit || request !== undefined };
}

/** One page through `map`: from the start, or from the cursor a previous page returned. */
export async function listPage<T>(
  ctx: ActionContext,
  first: OktaRequest,
  cursor: string | undefined,
  map: (raw: unknown) => T,
): Promise<Page<T>> {
  const page = await fetchPage<unknown>(ctx, cursor ? { method: 'GET', path: cursor } : first, undefined);
  return { items: page.body.map(map), cursor: page.next };
}
