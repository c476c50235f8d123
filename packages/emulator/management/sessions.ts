import { notFound } from '../okta-errors.js';
import type { HandlerResult, RequestContext, Route } from './context.js';
import { booleanQuery } from './credentials.js';

/**
 * `DELETE /api/v1/users/{userId}/sessions` (`revokeUserSessions`): ends every session of the user; 204
 * whether or not there was one. `oauthTokens` and `forgetDevices` are read (a non-boolean is 400); the
 * emulator issues no tokens to users through a session, so `oauthTokens=true` has nothing more to revoke.
 */
function revokeUserSessions(ctx: RequestContext): HandlerResult {
  const user = ctx.store.getUser(ctx.params.userId!);
  if (!user) throw notFound(ctx.params.userId!, 'User');
  booleanQuery(ctx.url, 'oauthTokens', false);
  booleanQuery(ctx.url, 'forgetDevices', true);
  ctx.store.revokeUserSessions(user.id);
  return { status: 204 };
}

/** `GET /api/v1/sessions/{sessionId}` (`getSession`): a session that still exists; 404 E0000007 once ended. */
function getSession(ctx: RequestContext): HandlerResult {
  const id = ctx.params.sessionId!;
  const session = ctx.store.getSession(id);
  if (!session) throw notFound(id, 'resource');
  return {
    status: 200,
    body: {
      id: session.id,
      userId: session.userId,
      login: session.login,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      status: 'ACTIVE',
      lastPasswordVerification: session.lastPasswordVerification,
      amr: ['pwd'],
      idp: { id: '00o1n8sbwArJ7OQRw406', type: 'OKTA' },
      _links: { self: { href: `${ctx.origin}/api/v1/sessions/${session.id}` } },
    },
  };
}

/** The session routes, in Okta's paths. */
export const sessionRoutes: Route[] = [
  {
    method: 'DELETE',
    path: '/api/v1/users/:userId/sessions',
    operationId: 'revokeUserSessions',
    handle: revokeUserSessions,
  },
  { method: 'GET', path: '/api/v1/sessions/:sessionId', operationId: 'getSession', handle: getSession },
];
