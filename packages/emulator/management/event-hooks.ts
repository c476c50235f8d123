import type { EventHookRecord, EventHooks } from '../event-hooks.js';
import { OktaApiError, notFound, validationFailed } from '../okta-errors.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

function hooksOf(ctx: RequestContext): EventHooks {
  if (!ctx.eventHooks) throw notFound(ctx.url.pathname, 'resource');
  return ctx.eventHooks;
}

function findHook(ctx: RequestContext): EventHookRecord {
  const hook = hooksOf(ctx).get(ctx.params.eventHookId!);
  if (!hook) throw notFound(ctx.params.eventHookId!, 'resource');
  return hook;
}

/** Okta's `EventHook` object; the auth scheme's value is write-only and never returned. */
function hookJson(origin: string, hook: EventHookRecord): Record<string, unknown> {
  const self = `${origin}/api/v1/eventHooks/${hook.id}`;
  return {
    id: hook.id,
    status: hook.status,
    verificationStatus: hook.verificationStatus,
    name: hook.name,
    description: hook.description,
    created: hook.created,
    lastUpdated: hook.lastUpdated,
    events: hook.events,
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: hook.uri,
        headers: hook.headers,
        method: 'POST',
        ...(hook.authScheme ? { authScheme: { type: hook.authScheme.type, key: hook.authScheme.key } } : {}),
      },
    },
    _links: {
      self: { href: self },
      verify: { href: `${self}/lifecycle/verify`, hints: { allow: ['POST'] } },
      deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ['POST'] } },
    },
  };
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function createEventHook(ctx: RequestContext): HandlerResult {
  const body = obj(ctx.body);
  const events = obj(body.events);
  const config = obj(obj(body.channel).config);
  const causes: string[] = [];
  if (typeof body.name !== 'string' || body.name.trim() === '')
    causes.push('name: The field cannot be left blank');
  const items = Array.isArray(events.items)
    ? events.items.filter((i): i is string => typeof i === 'string')
    : [];
  if (events.type !== 'EVENT_TYPE' || items.length === 0)
    causes.push('events: Subscribe to at least one event type (type EVENT_TYPE, items)');
  let uri: URL | undefined;
  try {
    uri = new URL(String(config.uri));
  } catch {
    causes.push('channel.config.uri: Must be an http(s) URL');
  }
  if (causes.length > 0) throw validationFailed('eventHook', causes);
  const auth = obj(config.authScheme);
  const hook = hooksOf(ctx).create(
    {
      name: body.name as string,
      description: typeof body.description === 'string' ? body.description : null,
      events: { type: 'EVENT_TYPE', items },
      uri: uri!.href,
      headers: (Array.isArray(config.headers) ? config.headers : [])
        .map(obj)
        .filter((h) => typeof h.key === 'string' && typeof h.value === 'string')
        .map((h) => ({ key: h.key as string, value: h.value as string })),
      ...(typeof auth.key === 'string' && typeof auth.value === 'string'
        ? { authScheme: { type: 'HEADER' as const, key: auth.key, value: auth.value } }
        : {}),
    },
    ctx.now,
  );
  return { status: 200, body: hookJson(ctx.origin, hook) };
}

function listEventHooks(ctx: RequestContext): HandlerResult {
  return {
    status: 200,
    body: hooksOf(ctx)
      .list()
      .map((h) => hookJson(ctx.origin, h)),
  };
}

function getEventHook(ctx: RequestContext): HandlerResult {
  return { status: 200, body: hookJson(ctx.origin, findHook(ctx)) };
}

function setStatus(ctx: RequestContext, status: EventHookRecord['status']): HandlerResult {
  const hook = findHook(ctx);
  return { status: 200, body: hookJson(ctx.origin, hooksOf(ctx).update(hook.id, { status }, ctx.now)) };
}

/** Calls the hook with a challenge (one retry); VERIFIED on the right answer, 400 E0000001 otherwise. */
async function verifyEventHook(ctx: RequestContext): Promise<HandlerResult> {
  const hook = findHook(ctx);
  if (!(await hooksOf(ctx).verify(hook))) {
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: eventHook', [
      { errorSummary: `Unable to verify event hook. Hook ${hook.name} execution failed` },
    ]);
  }
  const verified = hooksOf(ctx).update(hook.id, { verificationStatus: 'VERIFIED' }, ctx.now);
  return { status: 200, body: hookJson(ctx.origin, verified) };
}

/** The event hook routes, in Okta's paths. */
export const eventHookRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/eventHooks', operationId: 'listEventHooks', handle: listEventHooks },
  { method: 'POST', path: '/api/v1/eventHooks', operationId: 'createEventHook', handle: createEventHook },
  {
    method: 'GET',
    path: '/api/v1/eventHooks/:eventHookId',
    operationId: 'getEventHook',
    handle: getEventHook,
  },
  {
    method: 'POST',
    path: '/api/v1/eventHooks/:eventHookId/lifecycle/activate',
    operationId: 'activateEventHook',
    handle: (c) => setStatus(c, 'ACTIVE'),
  },
  {
    method: 'POST',
    path: '/api/v1/eventHooks/:eventHookId/lifecycle/deactivate',
    operationId: 'deactivateEventHook',
    handle: (c) => setStatus(c, 'INACTIVE'),
  },
  {
    method: 'POST',
    path: '/api/v1/eventHooks/:eventHookId/lifecycle/verify',
    operationId: 'verifyEventHook',
    handle: verifyEventHook,
    async: true,
  },
];
