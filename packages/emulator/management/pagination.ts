import { OktaApiError } from '../okta-errors.js';
import type { Page } from '../store.js';
import type { HandlerResult, RequestContext } from './context.js';

/** Encodes a position as Okta-style opaque `after` cursor. */
function encodeCursor(seq: number): string {
  return Buffer.from(`c1:${seq}`, 'utf8').toString('base64url');
}

/** Decodes an `after` cursor; 0 (the start) when absent; 400 E0000001 when it is not one of ours. */
export function decodeCursor(after: string | null): number {
  if (after === null || after === '') return 0;
  const match = /^c1:(\d{1,15})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) {
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: after', [
      {
        errorSummary:
          'after: The cursor is not valid. Use the `after` value from a `Link: rel="next"` header.',
      },
    ]);
  }
  return Number(match[1]);
}

/**
 * Reads `limit`: Okta's default when absent, capped at the maximum; 400 E0000001 when it is not a
 * positive integer.
 */
function readLimit(raw: string | null, defaultLimit: number, maxLimit: number): number {
  if (raw === null || raw === '') return defaultLimit;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: limit', [
      { errorSummary: 'limit: The limit must be a positive integer.' },
    ]);
  }
  return Math.min(Number(raw), maxLimit);
}

/**
 * Okta's `Link` headers: `rel="self"` for the request as made, `rel="next"` with the same query and a new
 * `after` while more results remain. Both are absolute URLs on the org's domain.
 */
export function linkHeaders(origin: string, url: URL, nextSeq?: number): string[] {
  const self = new URL(url.pathname + url.search, origin);
  const links = [`<${self.href}>; rel="self"`];
  if (nextSeq !== undefined) {
    const next = new URL(self.href);
    next.searchParams.set('after', encodeCursor(nextSeq));
    links.push(`<${next.href}>; rel="next"`);
  }
  return links;
}

/**
 * One page of a list endpoint: reads `limit` (Okta's default when absent, capped at its maximum) and
 * `after`, scans from there, and answers with the items and Okta's `Link` headers.
 *
 * @example listPage(ctx, { default: 200, max: 200 }, (after, limit) => store.scanUsers(after, limit), toJson)
 */
export function listPage<T>(
  ctx: RequestContext,
  limits: { default: number; max: number },
  scan: (afterSeq: number, limit: number) => Page<T>,
  toJson: (item: T) => unknown,
): HandlerResult {
  const { searchParams } = ctx.url;
  const limit = readLimit(searchParams.get('limit'), limits.default, limits.max);
  const page = scan(decodeCursor(searchParams.get('after')), limit);
  return {
    status: 200,
    body: page.items.map(toJson),
    links: linkHeaders(ctx.origin, ctx.url, page.nextSeq),
  };
}
