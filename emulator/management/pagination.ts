import { OktaApiError } from '../okta-errors.js';

/** Encodes a position as Okta-style opaque `after` cursor. */
export function encodeCursor(seq: number): string {
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
export function readLimit(raw: string | null, defaultLimit: number, maxLimit: number): number {
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
