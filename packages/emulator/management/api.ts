import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticate } from '../auth/authenticate.js';
import { readBody, sendJson } from '../http.js';
import type { OrgStore } from '../store.js';
import { managementRateLimitFamily, type RateLimiter } from '../rate-limits.js';
import {
  OktaApiError,
  forbidden,
  internalError,
  malformedBody,
  notFound,
  rateLimited,
} from '../okta-errors.js';
import {
  DEFAULT_MANAGEMENT_BEHAVIOUR,
  type HandlerResult,
  type ManagementBehaviour,
  type Route,
} from './context.js';
import { hasScope, operationScopes } from './scopes.js';
import { userRoutes } from './users.js';
import { groupRoutes } from './groups.js';
import { credentialRoutes } from './credentials.js';
import { factorRoutes } from './factors.js';
import { sessionRoutes } from './sessions.js';
import { logRoutes } from './logs.js';
import { eventHookRoutes } from './event-hooks.js';
import type { EventHooks } from '../event-hooks.js';
import { SystemLog, callerActor, logEvent, observeChanges, type LogEvent } from '../system-log.js';
import { appRoutes } from './apps.js';
import { groupRuleRoutes } from './group-rules.js';
import { roleRoutes } from './roles.js';

/** The largest request body the emulator reads (Okta rejects far smaller profiles anyway). */
const MAX_BODY_BYTES = 1024 * 1024;

const routes: Route[] = [
  ...userRoutes,
  ...credentialRoutes,
  ...factorRoutes,
  ...sessionRoutes,
  // Before the groups routes: `/api/v1/groups/rules` is not a group id.
  ...groupRuleRoutes,
  ...groupRoutes,
  ...logRoutes,
  ...eventHookRoutes,
  ...appRoutes,
  ...roleRoutes,
];
const compiled = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));

function matchRoute(
  method: string,
  pathname: string,
): { route?: Route; params: Record<string, string>; pathExists: boolean } {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  let pathExists = false;
  for (const { route, segments } of compiled) {
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = segments.every((s, i) =>
      s.startsWith(':') ? ((params[s.slice(1)] = parts[i]!), true) : s === parts[i],
    );
    if (!ok) continue;
    pathExists = true;
    if (route.method === method) return { route, params, pathExists };
  }
  return { params: {}, pathExists };
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw malformedBody();
  }
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body?: unknown,
): void {
  if (status === 204) res.writeHead(204, headers).end();
  else sendJson(res, status, body ?? {}, headers);
}

/**
 * Creates the handler of every `/api/v1/*` request: Okta's users and groups Management API with its
 * lifecycle rules, cursor pagination, `X-Rate-Limit-*` headers, scope checks and error bodies.
 *
 * @example
 * const api = createManagementApi({ store, authenticate, rateLimits: createRateLimiter() });
 * server.on('request', (req, res) => api(req, res, new URL(req.url!, `https://${req.headers.host}`)));
 */
export function createManagementApi(deps: {
  store: OrgStore;
  authenticate: Authenticate;
  rateLimits: RateLimiter;
  /** Where Okta's answers vary, which one the org gives; Okta's documented ones by default. */
  behaviour?: Partial<ManagementBehaviour>;
  /** The org's System Log (shared with event hooks); one over `store` when omitted. */
  systemLog?: SystemLog;
  /** The org's event hooks; without them `/api/v1/eventHooks` answers 404. */
  eventHooks?: EventHooks;
}): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { store, authenticate, rateLimits } = deps;
  const systemLog = deps.systemLog ?? new SystemLog(store);
  const behaviour: ManagementBehaviour = { ...DEFAULT_MANAGEMENT_BEHAVIOUR, ...deps.behaviour };
  return async (req, res, url) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = `https://${req.headers.host ?? url.host}`;
    const { route, params, pathExists } = matchRoute(method, url.pathname);
    const decision = rateLimits.take(managementRateLimitFamily(route?.path ?? url.pathname));
    const headers: Record<string, string | string[]> = {
      ...decision.headers,
      'Cache-Control': 'no-cache, no-store',
    };
    try {
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === undefined) throw malformedBody();
      if (decision.limited) throw rateLimited();
      const caller = await authenticate(req, url);
      if (caller.dpopNonce) headers['DPoP-Nonce'] = caller.dpopNonce;
      if ('errorCode' in caller) {
        throw new OktaApiError(
          caller.status,
          caller.errorCode,
          caller.errorSummary,
          [],
          caller.wwwAuthenticate ? { 'WWW-Authenticate': caller.wwwAuthenticate } : {},
        );
      }
      if (!route) {
        if (pathExists)
          throw new OktaApiError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
        throw notFound(url.pathname, 'resource');
      }
      const scope = operationScopes[route.operationId];
      if (caller.kind === 'oauth' && !hasScope(caller.scopes, scope)) {
        throw forbidden({
          'WWW-Authenticate': `Bearer authorization_uri="${origin}/oauth2/v1/authorize", realm="${origin}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${url.pathname}"`,
        });
      }
      const body = parseJson(raw);
      const now = new Date();
      let events: LogEvent[] = [];
      const ctx = { store, behaviour, url, origin, params, body, now, eventHooks: deps.eventHooks };
      const result: HandlerResult = route.async
        ? await route.handle(ctx)
        : store.transaction(() => {
            const changes = observeChanges(store, route.operationId, params);
            const answer = route.handle(ctx) as HandlerResult;
            // The System Log records what the request changed, in the same transaction.
            const actor = callerActor(caller);
            events = changes(answer).map((change) =>
              logEvent({
                ...change,
                actor,
                published: now,
                requestId: randomUUID().replaceAll('-', ''),
                requestUri: url.pathname,
                clientId: caller.clientId,
              }),
            );
            systemLog.append(events);
            return answer;
          });
      if (result.links) headers.Link = result.links;
      send(res, result.status, headers, result.body);
      systemLog.publish(events);
    } catch (error) {
      if (error instanceof OktaApiError) {
        send(res, error.status, { ...headers, ...error.headers }, error.toBody());
        return;
      }
      // An emulator bug: answer like Okta's 500 and keep the cause on the console (it holds no secrets).
      console.error(
        'emulator: Management API handler failed:',
        error instanceof Error ? error.message : error,
      );
      send(res, 500, headers, internalError().toBody());
    }
  };
}
