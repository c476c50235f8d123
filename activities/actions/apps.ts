import {
  AppsAssignGroupInputSchema,
  AppsAssignUserInputSchema,
  AppsListInputSchema,
  AppsListPageInputSchema,
  AppsRemoveGroupInputSchema,
  AppsRemoveUserInputSchema,
  AppsUsersInputSchema,
  AppsUsersPageInputSchema,
  type ListResult,
  type OktaApp,
  type OktaAppGroupAssignment,
  type OktaAppLink,
  type OktaAppUser,
  type Page,
  UserAppLinksInputSchema,
} from '../../common/actions.js';
import type { ActionContext } from './context.js';
import { userId } from './factors.js';
import { listBounded, listPage } from './listing.js';
import { isConflict, sameProfile } from './retry-safe.js';
import { fetchUser } from './users.js';

/**
 * Application assignments (docs/ARCHITECTURE.md §13): who has which app, directly or through a group, and a
 * user's app links. What offboarding takes away after groups.
 */

const APPS = '/api/v1/apps';
const appPath = (app: string) => `${APPS}/${encodeURIComponent(app)}`;
/** Okta's largest page for apps, and for an app's users. */
const APPS_MAX_PAGE = 200;
const APP_USERS_MAX_PAGE = 500;

/** Drops `_links`/`_embedded` from an app. */
export function toApp(raw: unknown): OktaApp {
  const { _links: _l, _embedded: _e, ...app } = raw as Record<string, unknown>;
  return app as OktaApp;
}

/** An app user without links and credentials (which may hold a password): the user name is kept. */
export function toAppUser(raw: unknown): OktaAppUser {
  const { _links: _l, _embedded: _e, credentials, ...rest } = raw as Record<string, unknown>;
  const userName = (credentials as { userName?: unknown } | undefined)?.userName;
  return {
    ...(rest as unknown as OktaAppUser),
    profile: (rest.profile as Record<string, unknown> | undefined) ?? {},
    ...(typeof userName === 'string' ? { userName } : {}),
  };
}

function toAppGroup(raw: unknown): OktaAppGroupAssignment {
  const { _links: _l, _embedded: _e, ...assignment } = raw as Record<string, unknown>;
  return assignment as unknown as OktaAppGroupAssignment;
}

const appsQuery = (input: { q?: string; filter?: string }, limit?: number) => ({
  q: input.q,
  filter: input.filter,
  limit,
});

export async function list(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaApp>> {
  const input = AppsListInputSchema.parse(rawInput);
  const query = appsQuery(input, Math.min(input.limit, APPS_MAX_PAGE));
  return listBounded(ctx, { method: 'GET', path: APPS, query }, input.limit, toApp);
}

export async function listPageOfApps(ctx: ActionContext, rawInput: unknown): Promise<Page<OktaApp>> {
  const input = AppsListPageInputSchema.parse(rawInput);
  return listPage(
    ctx,
    { method: 'GET', path: APPS, query: appsQuery(input, input.pageSize) },
    input.cursor,
    toApp,
  );
}

/**
 * `POST /api/v1/apps/{appId}/users`: assigns the user directly, with the app profile. Safe to retry:
 * Okta answers 200 for a user already assigned (and sets the profile again); should it refuse one as a
 * conflict, the existing assignment is returned when its profile is the one requested.
 */
export async function assignUser(ctx: ActionContext, rawInput: unknown): Promise<OktaAppUser> {
  const input = AppsAssignUserInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  const profile = input.profile ?? {};
  try {
    const res = await ctx.client.request({
      method: 'POST',
      path: `${appPath(input.app)}/users`,
      body: { id, scope: 'USER', profile },
    });
    return toAppUser(res.body);
  } catch (err) {
    if (!isConflict(err)) throw err;
    const existing = toAppUser(
      (await ctx.client.request({ method: 'GET', path: `${appPath(input.app)}/users/${id}` })).body,
    );
    if (existing.scope === 'USER' && sameProfile(profile, existing.profile)) return existing;
    throw err;
  }
}

/**
 * `DELETE /api/v1/apps/{appId}/users/{userId}`: removes the user's direct assignment. Safe to retry: a
 * user not assigned (Okta's 404) is a success once the app and the user are known to exist. Access
 * through an assigned group stays: remove the group's assignment or the user's membership for that.
 */
export async function removeUser(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = AppsRemoveUserInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  const path = `${appPath(input.app)}/users/${id}`;
  const res = await ctx.client.request({ method: 'DELETE', path, accept: [404] });
  if (res.status !== 404) return;
  // Okta's 404 does not say what is missing: when both the app and the user exist, it is the assignment.
  await ctx.client.request({ method: 'GET', path: appPath(input.app) });
  await fetchUser(ctx, id);
}

export async function users(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaAppUser>> {
  const input = AppsUsersInputSchema.parse(rawInput);
  const query = { limit: Math.min(input.limit, APP_USERS_MAX_PAGE) };
  return listBounded(
    ctx,
    { method: 'GET', path: `${appPath(input.app)}/users`, query },
    input.limit,
    toAppUser,
  );
}

export async function usersPage(ctx: ActionContext, rawInput: unknown): Promise<Page<OktaAppUser>> {
  const input = AppsUsersPageInputSchema.parse(rawInput);
  const query = { limit: input.pageSize };
  return listPage(
    ctx,
    { method: 'GET', path: `${appPath(input.app)}/users`, query },
    input.cursor,
    toAppUser,
  );
}

/** `PUT /api/v1/apps/{appId}/groups/{groupId}`: assigns the group; a PUT, so a retry sets the same again. */
export async function assignGroup(ctx: ActionContext, rawInput: unknown): Promise<OktaAppGroupAssignment> {
  const input = AppsAssignGroupInputSchema.parse(rawInput);
  const body = {
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    ...(input.profile === undefined ? {} : { profile: input.profile }),
  };
  const res = await ctx.client.request({
    method: 'PUT',
    path: `${appPath(input.app)}/groups/${encodeURIComponent(input.group)}`,
    body,
  });
  return toAppGroup(res.body);
}

/**
 * `DELETE /api/v1/apps/{appId}/groups/{groupId}`: removes the group's assignment (its members lose the
 * app unless assigned otherwise). Safe to retry: a group not assigned is a success once the app and the
 * group are known to exist.
 */
export async function removeGroup(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = AppsRemoveGroupInputSchema.parse(rawInput);
  const group = encodeURIComponent(input.group);
  const res = await ctx.client.request({
    method: 'DELETE',
    path: `${appPath(input.app)}/groups/${group}`,
    accept: [404],
  });
  if (res.status !== 404) return;
  await ctx.client.request({ method: 'GET', path: appPath(input.app) });
  await ctx.client.request({ method: 'GET', path: `/api/v1/groups/${group}` });
}

/** `GET /api/v1/users/{id}/appLinks`: the apps on the user's dashboard (Okta answers in one page). */
export async function appLinks(ctx: ActionContext, rawInput: unknown): Promise<OktaAppLink[]> {
  const input = UserAppLinksInputSchema.parse(rawInput);
  const res = await ctx.client.request<OktaAppLink[]>({
    method: 'GET',
    path: `/api/v1/users/${await userId(ctx, input.user)}/appLinks`,
  });
  return res.body;
}
