import { validationFailed } from '../okta-errors.js';
import { ALL_OPERATORS, evaluate, parseExpression, type ExpressionRules } from './expressions.js';
import { decodeCursor, linkHeaders } from './pagination.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/** Okta's page size for `GET /api/v1/logs`: 100 by default, at most 1,000. */
export const LOGS_DEFAULT_LIMIT = 100;
export const LOGS_MAX_LIMIT = 1000;
/** Without `since`, Okta starts seven days before `until`. */
const DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Okta's `q`: at most 10 keywords of at most 40 characters. */
const MAX_KEYWORDS = 10;
const MAX_KEYWORD_LENGTH = 40;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `filter` on the System Log: every operator on the event's attributes (the spec excludes only `[ ]`). */
export const logFilterRules: ExpressionRules = {
  attributes: {
    uuid: ALL_OPERATORS,
    published: ALL_OPERATORS,
    eventType: ALL_OPERATORS,
    legacyEventType: ALL_OPERATORS,
    severity: ALL_OPERATORS,
    displayMessage: ALL_OPERATORS,
    'actor.*': ALL_OPERATORS,
    'target.*': ALL_OPERATORS,
    'outcome.*': ALL_OPERATORS,
    'client.*': ALL_OPERATORS,
    'transaction.*': ALL_OPERATORS,
    'debugContext.debugData.*': ALL_OPERATORS,
  },
};

type Event = Record<string, unknown>;

/** The event as filters read it: `target.id` matches any target's id, as Okta searches the array. */
function filterView(event: Event): Event {
  const targets = (event.target as Record<string, unknown>[] | undefined) ?? [];
  const target: Record<string, unknown[]> = {};
  for (const t of targets) for (const [k, v] of Object.entries(t)) (target[k] ??= []).push(v);
  return { ...event, target };
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value.toLowerCase());
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** `q`: every keyword appears, case-insensitively, in one of the event's values. */
function keywordMatcher(q: string): (event: Event) => boolean {
  const keywords = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (keywords.length > MAX_KEYWORDS || keywords.some((k) => k.length > MAX_KEYWORD_LENGTH)) {
    throw validationFailed('q', [
      `q: At most ${MAX_KEYWORDS} keywords of at most ${MAX_KEYWORD_LENGTH} characters each.`,
    ]);
  }
  return (event) => {
    const values = strings(event);
    return keywords.every((k) => values.some((v) => v.includes(k)));
  };
}

function readTime(params: URLSearchParams, name: 'since' | 'until'): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const time = Date.parse(raw);
  if (!ISO_8601.test(raw) || Number.isNaN(time)) {
    throw validationFailed(name, [
      `${name}: Must be an ISO 8601 timestamp such as 2024-05-01T00:00:00.000Z.`,
    ]);
  }
  return time;
}

function readLimit(raw: string | null): number {
  if (raw === null || raw === '') return LOGS_DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw)) {
    throw validationFailed('limit', ['limit: The limit must be an integer between 0 and 1000.']);
  }
  return Math.min(Number(raw), LOGS_MAX_LIMIT);
}

/**
 * `GET /api/v1/logs`. A bounded request (with `until`, or `sortOrder=DESCENDING`) returns the events
 * published in `[since, until)` and a `next` link while more remain. A polling request (no `until`,
 * ascending) always has a `next` link: following it returns the events recorded since, or none yet.
 */
function listLogEvents(ctx: RequestContext): HandlerResult {
  const { searchParams } = ctx.url;
  const sortOrder = searchParams.get('sortOrder') ?? 'ASCENDING';
  if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') {
    throw validationFailed('sortOrder', ['sortOrder: Must be ASCENDING or DESCENDING.']);
  }
  const limit = readLimit(searchParams.get('limit'));
  const untilParam = readTime(searchParams, 'until');
  const until = untilParam ?? ctx.now.getTime();
  const since = readTime(searchParams, 'since') ?? until - DEFAULT_WINDOW_MS;
  if (since > until) throw validationFailed('since', ['since: Must be before until.']);
  const polling = untilParam === undefined && sortOrder === 'ASCENDING';

  const filter = searchParams.get('filter');
  const expression = filter ? parseExpression(filter, logFilterRules) : undefined;
  const q = searchParams.get('q');
  const keywords = q ? keywordMatcher(q) : undefined;
  const match = (event: Event): boolean => {
    const published = Date.parse(event.published as string);
    if (published < since || (!polling && published >= until)) return false;
    if (expression && !evaluate(expression, filterView(event))) return false;
    return !keywords || keywords(event);
  };

  const after = decodeCursor(searchParams.get('after'));
  const page = limit === 0 ? { items: [] } : ctx.store.scanLogEvents(after, limit, sortOrder, match);
  let next = 'nextSeq' in page ? page.nextSeq : undefined;
  // A polling cursor moves past everything looked at, so the next poll returns only newer events.
  if (polling && next === undefined)
    next = limit === 0 ? after : Math.max(after, ctx.store.lastLogEventSeq());
  return { status: 200, body: page.items, links: linkHeaders(ctx.origin, ctx.url, next) };
}

/** The System Log route, in Okta's path. */
export const logRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/logs', operationId: 'listLogEvents', handle: listLogEvents },
];
