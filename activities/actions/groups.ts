import {
  type DeleteResult,
  GroupMembersInputSchema,
  GroupMembersPageInputSchema,
  GroupMembershipInputSchema,
  GroupsCreateInputSchema,
  GroupsDeleteInputSchema,
  GroupsFindByNameInputSchema,
  GroupsGetInputSchema,
  GroupsListInputSchema,
  GroupsListPageInputSchema,
  GroupsUpdateInputSchema,
  type ListResult,
  type OktaGroup,
  type Page,
} from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { OktaErrorType } from '../../common/errors.js';
import { oktaFailure } from '../failures.js';
import type { ActionContext } from './context.js';
import { listBounded, listPage, searchQuery } from './listing.js';
import { isConflict, sameProfile } from './retry-safe.js';
import { fetchUser, toGroup, toUser } from './users.js';

const GROUPS = '/api/v1/groups';
const groupPath = (group: string) => `${GROUPS}/${encodeURIComponent(group)}`;

/**
 * Creates a group. Safe to retry: when the name is taken by a group with the same profile (an earlier
 * attempt created it and its answer was lost), that group is returned.
 */
export async function create(ctx: ActionContext, rawInput: unknown): Promise<OktaGroup> {
  const input = GroupsCreateInputSchema.parse(rawInput);
  try {
    return toGroup(
      (await ctx.client.request({ method: 'POST', path: GROUPS, body: { profile: input.profile } })).body,
    );
  } catch (err) {
    if (!isConflict(err)) throw err;
    const name = input.profile.name;
    // `q` is a name prefix search: pick the exact (case-insensitive, as Okta compares) name from it.
    const found = await ctx.client.request<unknown[]>({ method: 'GET', path: GROUPS, query: { q: name } });
    const existing = found.body.map(toGroup).find((g) => g.profile.name.toLowerCase() === name.toLowerCase());
    if (!existing) throw err;
    // A create without a description makes a group without one.
    const requested = { ...input.profile, description: input.profile.description ?? null };
    if (sameProfile(requested, existing.profile)) return existing;
    throw oktaFailure(
      OktaErrorType.OktaConflict,
      `A group named "${existing.profile.name}" (${existing.id}) already exists with another profile: ` +
        'choose another name, or update that group instead of creating one.',
      { details: [{ existingGroupId: existing.id }] },
    );
  }
}

export async function get(ctx: ActionContext, rawInput: unknown): Promise<OktaGroup> {
  const input = GroupsGetInputSchema.parse(rawInput);
  return toGroup((await ctx.client.request({ method: 'GET', path: groupPath(input.group) })).body);
}

/** A string literal of Okta's expression language: quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Finds the one group with this exact name, in one call (`search=profile.name eq "..."`). Okta compares
 * names case-insensitively, and so does the check of what it returns.
 *
 * @throws `OktaNotFound` when no group has the name; `OktaConflict` naming the ids when several do (an
 * app group imported from a directory can share an Okta group's name).
 */
export async function findByName(ctx: ActionContext, rawInput: unknown): Promise<OktaGroup> {
  const input = GroupsFindByNameInputSchema.parse(rawInput);
  const res = await ctx.client.request<unknown[]>({
    method: 'GET',
    path: GROUPS,
    query: { search: `profile.name eq ${quoted(input.name)}` },
  });
  const wanted = input.name.toLowerCase();
  const found = res.body.map(toGroup).filter((g) => g.profile.name.toLowerCase() === wanted);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw oktaFailure(
      OktaErrorType.OktaNotFound,
      `No group is named "${input.name}": check the name, or create the group first.`,
    );
  }
  const ids = found.map((g) => g.id);
  throw oktaFailure(
    OktaErrorType.OktaConflict,
    `${found.length} groups are named "${input.name}" (${ids.join(', ')}): use the id of the one you mean.`,
    { details: [{ groupIds: ids }] },
  );
}

export async function update(ctx: ActionContext, rawInput: unknown): Promise<OktaGroup> {
  const input = GroupsUpdateInputSchema.parse(rawInput);
  const res = await ctx.client.request({
    method: 'PUT',
    path: groupPath(input.group),
    body: { profile: input.profile },
  });
  return toGroup(res.body);
}

/** Deletes a group; a group already gone counts as deleted, so a retry succeeds. */
export async function remove(ctx: ActionContext, rawInput: unknown): Promise<DeleteResult> {
  const input = GroupsDeleteInputSchema.parse(rawInput);
  const res = await ctx.client.request({ method: 'DELETE', path: groupPath(input.group), accept: [404] });
  return { outcome: res.status === 404 ? 'alreadyDeleted' : 'deleted' };
}

export async function list(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaGroup>> {
  const input = GroupsListInputSchema.parse(rawInput);
  return listBounded(
    ctx,
    { method: 'GET', path: GROUPS, query: searchQuery(input, input.limit) },
    input.limit,
    toGroup,
  );
}

export async function listPageOfGroups(ctx: ActionContext, rawInput: unknown): Promise<Page<OktaGroup>> {
  const input = GroupsListPageInputSchema.parse(rawInput);
  return listPage(
    ctx,
    { method: 'GET', path: GROUPS, query: searchQuery(input, input.pageSize) },
    input.cursor,
    toGroup,
  );
}

/**
 * Resolves a login to a user id: Okta's membership endpoints take ids only.
 */
async function userId(ctx: ActionContext, user: string): Promise<string> {
  if (/^00u[0-9A-Za-z]{17}$/.test(user)) return user;
  return (await fetchUser(ctx, user)).id;
}

/** Adds a user to a group. Adding a member twice is a success (Okta answers 204 both times). */
export async function addUser(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = GroupMembershipInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  await ctx.client.request({ method: 'PUT', path: `${groupPath(input.group)}/users/${id}` });
}

/**
 * Removes a user from a group. Safe to retry: removing a user who is not a member is a success, whether
 * Okta answers 204 or 404. A 404 because the group or the user does not exist stays `OktaNotFound`.
 */
export async function removeUser(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = GroupMembershipInputSchema.parse(rawInput);
  const id = await userId(ctx, input.user);
  const path = `${groupPath(input.group)}/users/${id}`;
  const res = await ctx.client.request({ method: 'DELETE', path, accept: [404] });
  if (res.status !== 404) return;
  // Okta's 404 does not say what is missing: when both the group and the user exist, it is the membership.
  await ctx.client.request({ method: 'GET', path: groupPath(input.group) });
  await fetchUser(ctx, id);
}

export async function members(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaUser>> {
  const input = GroupMembersInputSchema.parse(rawInput);
  const pageSize = Math.min(input.limit, 1000);
  return listBounded(
    ctx,
    { method: 'GET', path: `${groupPath(input.group)}/users`, query: { limit: pageSize } },
    input.limit,
    toUser,
  );
}

export async function membersPage(ctx: ActionContext, rawInput: unknown): Promise<Page<OktaUser>> {
  const input = GroupMembersPageInputSchema.parse(rawInput);
  return listPage(
    ctx,
    { method: 'GET', path: `${groupPath(input.group)}/users`, query: { limit: input.pageSize } },
    input.cursor,
    toUser,
  );
}
