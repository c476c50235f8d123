import {
  type OktaFactor,
  UserFactorsInputSchema,
  UsersClearSessionsInputSchema,
  UsersResetFactorsInputSchema,
} from '../../common/actions.js';
import type { ActionContext } from './context.js';
import { fetchUser } from './users.js';

/**
 * A user's MFA factors and Okta sessions: what offboarding takes away after access (docs/ARCHITECTURE.md §13).
 */

const userPath = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

/** The user id for a user id or login: these endpoints take ids only. */
export async function userId(ctx: ActionContext, user: string): Promise<string> {
  if (/^00u[0-9A-Za-z]{17}$/.test(user)) return user;
  return (await fetchUser(ctx, user)).id;
}

/** Drops `_links`/`_embedded` from a factor. */
export function toFactor(raw: unknown): OktaFactor {
  const { _links: _l, _embedded: _e, ...factor } = raw as Record<string, unknown>;
  return factor as unknown as OktaFactor;
}

/** `GET /api/v1/users/{userId}/factors`: every enrolled factor (Okta answers in one page). */
export async function factors(ctx: ActionContext, rawInput: unknown): Promise<OktaFactor[]> {
  const input = UserFactorsInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  const res = await ctx.client.request<unknown[]>({ method: 'GET', path: `${userPath(id)}/factors` });
  return res.body.map(toFactor);
}

/**
 * `POST /api/v1/users/{id}/lifecycle/reset_factors`: unenrolls every factor; the user's status stays.
 * Safe to retry: resetting a user without factors changes nothing and succeeds.
 */
export async function resetFactors(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = UsersResetFactorsInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  await ctx.client.request({ method: 'POST', path: `${userPath(id)}/lifecycle/reset_factors` });
}

/**
 * `DELETE /api/v1/users/{userId}/sessions`: ends every Okta session of the user (they must sign in
 * again), and with `oauthTokens` revokes the tokens issued to them. Safe to retry: Okta answers 204 when
 * there is no session left.
 */
export async function clearSessions(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = UsersClearSessionsInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  await ctx.client.request({
    method: 'DELETE',
    path: `${userPath(id)}/sessions`,
    query: { oauthTokens: input.oauthTokens, forgetDevices: input.forgetDevices },
  });
}
