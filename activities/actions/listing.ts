import type { ListResult, Page } from '../../common/actions.js';
import type { OktaRequest, OktaResponse } from '../okta-client.js';
import type { ActionContext } from './context.js';

/** Heartbeat of a bounded listing: the next page to fetch and what earlier pages returned. */
interface ListingProgress<T> {
  next: string;
  items: T[];
}

function isProgress<T>(value: unknown): value is ListingProgress<T> {
  const v = value as ListingProgress<T> | undefined;
  return typeof v?.next === 'string' && Array.isArray(v.items);
}

/**
 * Follows `Link: rel="next"` until `limit` items are collected or the pages run out. After each page it
 * heartbeats the next page's URL and the items so far, and a retried attempt resumes from there instead
 * of starting again at page one.
 */
export async function listBounded<T>(
  ctx: ActionContext,
  first: OktaRequest,
  limit: number,
): Promise<ListResult<T>> {
  const saved = ctx.lastHeartbeat();
  let items: T[] = isProgress<T>(saved) ? saved.items : [];
  let request: OktaRequest | undefined = isProgress<T>(saved) ? { method: 'GET', path: saved.next } : first;
  while (request && items.length < limit) {
    const page: OktaResponse<T[]> = await ctx.client.request<T[]>(request);
    items = items.concat(page.body);
    request = page.next ? { method: 'GET', path: page.next } : undefined;
    if (request) ctx.heartbeat({ next: request.path, items } satisfies ListingProgress<T>);
  }
  return { items: items.slice(0, limit), truncated: items.length > limit || request !== undefined };
}

/** One page: from the start, or from the cursor a previous page returned. */
export async function listPage<T>(
  ctx: ActionContext,
  first: OktaRequest,
  cursor: string | undefined,
): Promise<Page<T>> {
  const page = await ctx.client.request<T[]>(cursor ? { method: 'GET', path: cursor } : first);
  return { items: page.body, cursor: page.next };
}
