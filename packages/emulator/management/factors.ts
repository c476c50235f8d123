import { OktaApiError, notFound } from '../okta-errors.js';
import type { FactorRecord, UserRecord } from '../store.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

function findUser(ctx: RequestContext, param: string): UserRecord {
  const user = ctx.store.getUser(ctx.params[param]!);
  if (!user) throw notFound(ctx.params[param]!, 'User');
  return user;
}

/** A factor as Okta returns it (`UserFactor`). */
export function factorJson(origin: string, factor: FactorRecord): Record<string, unknown> {
  const user = `${origin}/api/v1/users/${factor.userId}`;
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.vendorName,
    status: factor.status,
    created: factor.created,
    lastUpdated: factor.lastUpdated,
    profile: factor.profile,
    _links: {
      self: { href: `${user}/factors/${factor.id}`, hints: { allow: ['GET', 'DELETE'] } },
      user: { href: user, hints: { allow: ['GET'] } },
    },
  };
}

/**
 * `GET /api/v1/users/{userId}/factors` (`listFactors`): every enrolled factor, in one unpaginated
 * array, as Okta answers.
 */
function listFactors(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx, 'userId');
  return { status: 200, body: ctx.store.userFactors(user.id).map((f) => factorJson(ctx.origin, f)) };
}

/**
 * `POST /api/v1/users/{id}/lifecycle/reset_factors` (`resetFactors`): every factor returns to
 * unenrolled; the user's status is unchanged. A user without factors is still 200 (nothing to reset).
 * A DEPROVISIONED user is refused with 403 E0000038, as every lifecycle operation Okta does not allow in
 * the user's status.
 */
function resetFactors(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx, 'id');
  if (user.status === 'DEPROVISIONED') {
    throw new OktaApiError(403, 'E0000038', "This operation is not allowed in the user's current status.");
  }
  ctx.store.resetFactors(user.id);
  return { status: 200, body: {} };
}

/** The factor routes, in Okta's paths. */
export const factorRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/users/:userId/factors', operationId: 'listFactors', handle: listFactors },
  {
    method: 'POST',
    path: '/api/v1/users/:id/lifecycle/reset_factors',
    operationId: 'resetFactors',
    handle: resetFactors,
  },
];
