import {
  type ListResult,
  type LogPoll,
  type OktaLogEvent,
  type Page,
  LogsPollInputSchema,
  LogsQueryInputSchema,
  LogsQueryPageInputSchema,
} from '../../common/actions.js';
import { OktaErrorType } from '../../common/errors.js';
import { oktaFailure } from '../failures.js';
import type { OktaRequest } from '../okta-client.js';
import type { ActionContext } from './context.js';
import { listBounded, listPage } from './listing.js';

const LOGS = '/api/v1/logs';

/** Okta's `LogEvent` without `_links`, if any. */
export function toLogEvent(raw: unknown): OktaLogEvent {
  const { _links: _l, ...event } = raw as Record<string, unknown>;
  return event as OktaLogEvent;
}

/**
 * The first request of a bounded query: `until` defaults to now, so Okta treats it as bounded and its
 * `next` links end; without one it would be a polling query whose `next` link never does.
 */
function boundedRequest(
  input: { since?: string; until?: string; filter?: string; q?: string; sortOrder: string },
  limit?: number,
): OktaRequest {
  return {
    method: 'GET',
    path: LOGS,
    query: {
      since: input.since,
      until: input.until ?? new Date().toISOString(),
      filter: input.filter,
      q: input.q,
      sortOrder: input.sortOrder,
      limit,
    },
  };
}

/** Okta's largest System Log page. */
const MAX_PAGE = 1000;

/** System Log events in a time window, up to `limit`, following `next` links (resumable, see listing). */
export async function query(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaLogEvent>> {
  const input = LogsQueryInputSchema.parse(rawInput);
  return listBounded(ctx, boundedRequest(input, Math.min(input.limit, MAX_PAGE)), input.limit, toLogEvent);
}

/** One page of a System Log query; pass `cursor` back for the next. */
export async function queryPage(ctx: ActionContext, rawInput: unknown): Promise<Page<OktaLogEvent>> {
  const input = LogsQueryPageInputSchema.parse(rawInput);
  return listPage(ctx, boundedRequest(input, input.pageSize), input.cursor, toLogEvent);
}

/**
 * One poll of the System Log (Okta's polling query: `since` and no `until`): the events recorded after
 * the cursor, and the cursor of the next poll. Okta always answers a polling query with a `next` link,
 * also when there is nothing new; that link is the cursor, so a caller that keeps it loses and repeats
 * nothing.
 */
export async function poll(ctx: ActionContext, rawInput: unknown): Promise<LogPoll> {
  const input = LogsPollInputSchema.parse(rawInput);
  const request: OktaRequest = input.cursor
    ? { method: 'GET', path: input.cursor }
    : {
        method: 'GET',
        path: LOGS,
        query: {
          since: input.since ?? new Date().toISOString(),
          filter: input.filter,
          q: input.q,
          limit: input.pageSize,
        },
      };
  const page = await ctx.client.request<unknown[]>(request);
  if (!page.next) {
    throw oktaFailure(
      OktaErrorType.OktaUnavailable,
      `GET ${LOGS} answered a polling query without a next link, so the poll cannot continue from it; ` +
        'Okta always sends one for a query with since and without until.',
    );
  }
  return { events: page.body.map(toLogEvent), cursor: page.next };
}
