import {
  type DeleteResult,
  type ListResult,
  type Page,
  UserGroupsInputSchema,
  UsersCreateInputSchema,
  UsersDeleteInputSchema,
  UsersGetInputSchema,
  UserLifecycleOperation,
  UsersLifecycleInputSchema,
  UsersListInputSchema,
  UsersListPageInputSchema,
  UsersUpdateInputSchema,
  type OktaGroup,
} from '../../common/actions.js';
import type { OktaCreatedUser, OktaUser } from '../../common/contract.js';
import { OktaErrorType } from '../../common/errors.js';
import { oktaFailure } from '../failures.js';
import type { ActionContext } from './context.js';
import { listBounded, listPage, searchQuery } from './listing.js';
import { isConflict, sameProfile } from './retry-safe.js';

const USERS = '/api/v1/users';
const userPath = (user: string) => `${USERS}/${encodeURIComponent(user)}`;

/** Drops `_links`/`_embedded` and the credentials block: actions return plain, secret-free users. */
export function toUser(raw: unknown): OktaUser {
  const { _links: _l, _embedded: _e, credentials: _c, ...user } = raw as Record<string, unknown>;
  return user as OktaUser;
}

/** `GET /api/v1/users/{id or login}`: the user, without links and credentials. */
export async function fetchUser(ctx: ActionContext, user: string): Promise<OktaUser> {
  return toUser((await ctx.client.request<unknown>({ method: 'GET', path: userPath(user) })).body);
}

/**
 * `POST /api/v1/users`, with `groupIds` when given (Okta adds the memberships in the same call). Safe to
 * retry: when the login is taken by a user with the same profile (created earlier, or by an earlier attempt
 * whose answer was lost), it puts that user in `groupIds` (idempotent PUTs) and returns it with
 * `alreadyExisted: true`; a different user holding the login is an OktaConflict.
 */
export async function create(ctx: ActionContext, rawInput: unknown): Promise<OktaCreatedUser> {
  const input = UsersCreateInputSchema.parse(rawInput);
  const groupIds = [...new Set(input.groupIds ?? [])];
  const body = {
    profile: input.profile,
    ...(input.password ? { credentials: { password: { value: input.password } } } : {}),
    ...(groupIds.length ? { groupIds } : {}),
  };
  try {
    const res = await ctx.client.request<unknown>({
      method: 'POST',
      path: USERS,
      query: { activate: input.activate },
      body,
    });
    return toUser(res.body);
  } catch (err) {
    if (!isConflict(err)) throw err;
    // The login is taken. If an earlier attempt of this activity created it (its answer was lost to a
    // timeout), or a previous run did, the profile matches: return that user instead of failing.
    const existing = await fetchUser(ctx, input.profile.login);
    if (!sameProfile(input.profile, existing.profile)) {
      throw oktaFailure(
        OktaErrorType.OktaConflict,
        `A different user (${existing.id}) already holds the login ${input.profile.login}: ` +
          'choose another login, or update that user instead of creating one.',
        { details: [{ existingUserId: existing.id }] },
      );
    }
    // A create with groupIds is one call in Okta, so either all memberships exist or, for a user made
    // some other way, some may be missing: adding a member is idempotent, so add each.
    for (const group of groupIds) {
      await ctx.client.request({
        method: 'PUT',
        path: `/api/v1/groups/${encodeURIComponent(group)}/users/${encodeURIComponent(existing.id)}`,
      });
    }
    return { ...existing, alreadyExisted: true };
  }
}

export async function get(ctx: ActionContext, rawInput: unknown): Promise<OktaUser> {
  const input = UsersGetInputSchema.parse(rawInput);
  return fetchUser(ctx, input.user);
}

export async function update(ctx: ActionContext, rawInput: unknown): Promise<OktaUser> {
  const input = UsersUpdateInputSchema.parse(rawInput);
  const res = await ctx.client.request<unknown>({
    method: input.replace ? 'PUT' : 'POST',
    path: userPath(input.user),
    body: { profile: input.profile },
  });
  return toUser(res.body);
}

/** The lifecycle operations that take Okta's `sendEmail` parameter. */
const SENDS_EMAIL: ReadonlySet<UserLifecycleOperation> = new Set([
  UserLifecycleOperation.activate,
  UserLifecycleOperation.reactivate,
  UserLifecycleOperation.resetPassword,
]);

export async function lifecycle(ctx: ActionContext, rawInput: unknown): Promise<OktaUser> {
  const input = UsersLifecycleInputSchema.parse(rawInput);
  const sendsEmail = SENDS_EMAIL.has(input.operation);
  await ctx.client.request<unknown>({
    method: 'POST',
    path: `${userPath(input.user)}/lifecycle/${input.operation}`,
    query: sendsEmail ? { sendEmail: input.sendEmail } : undefined,
  });
  // Lifecycle calls answer with tokens or links, not the user: read it back so callers see the new status.
  return fetchUser(ctx, input.user);
}

/**
 * Okta deletes a user in two calls: the first deactivates (DEPROVISIONED), the second deletes. Safe to
 * retry: a user already gone counts as deleted.
 */
export async function remove(ctx: ActionContext, rawInput: unknown): Promise<DeleteResult> {
  const input = UsersDeleteInputSchema.parse(rawInput);
  const found = await ctx.client.request<unknown>({
    method: 'GET',
    path: userPath(input.user),
    accept: [404],
  });
  if (found.status === 404) return { outcome: 'alreadyDeleted' };
  const user = toUser(found.body);
  const path = userPath(user.id);
  if (user.status !== 'DEPROVISIONED') await ctx.client.request({ method: 'DELETE', path, accept: [404] });
  const deleted = await ctx.client.request({ method: 'DELETE', path, accept: [404] });
  return { outcome: deleted.status === 404 ? 'alreadyDeleted' : 'deleted' };
}

export async function list(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaUser>> {
  const input = UsersListInputSchema.parse(rawInput);
  const pageSize = Math.min(input.limit, 200);
  return listBounded(
    ctx,
    { method: 'GET', path: USERS, query: searchQuery(input, pageSize) },
    input.limit,
    toUser,
  );
}

export async function listPageOfUsers(ctx: ActionContext, rawInput: unknown): Promise<Page<OktaUser>> {
  const input = UsersListPageInputSchema.parse(rawInput);
  return listPage(
    ctx,
    { method: 'GET', path: USERS, query: searchQuery(input, input.pageSize) },
    input.cursor,
    toUser,
  );
}

export async function groups(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaGroup>> {
  const input = UserGroupsInputSchema.parse(rawInput);
  return listBounded(ctx, { method: 'GET', path: `${userPath(input.user)}/groups` }, input.limit, toGroup);
}

/** Drops `_links`/`_embedded` from a group. */
export function toGroup(raw: unknown): OktaGroup {
  const { _links: _l, _embedded: _e, ...group } = raw as Record<string, unknown>;
  return group as unknown as OktaGroup;
}
