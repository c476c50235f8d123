import {
  GroupRoleInputSchema,
  GroupRolesInputSchema,
  type OktaRoleAssignment,
  UserRoleInputSchema,
  UserRolesInputSchema,
} from '../../common/actions.js';
import type { ActionContext } from './context.js';
import { userId } from './factors.js';
import { isConflict } from './retry-safe.js';

/**
 * Admin roles (docs/ARCHITECTURE.md §13): standard roles assigned to users and groups, and taken away at
 * offboarding.
 */

type Assignee = { kind: 'USER' | 'GROUP'; path: string };

const userAssignee = async (ctx: ActionContext, user: string): Promise<Assignee> => ({
  kind: 'USER',
  path: `/api/v1/users/${await userId(ctx, user)}/roles`,
});
const groupAssignee = (group: string): Assignee => ({
  kind: 'GROUP',
  path: `/api/v1/groups/${encodeURIComponent(group)}/roles`,
});

/** Drops `_links`/`_embedded` from a role assignment. */
function toRole(raw: unknown): OktaRoleAssignment {
  const { _links: _l, _embedded: _e, ...role } = raw as Record<string, unknown>;
  return role as unknown as OktaRoleAssignment;
}

async function listRoles(ctx: ActionContext, who: Assignee): Promise<OktaRoleAssignment[]> {
  return (await ctx.client.request<unknown[]>({ method: 'GET', path: who.path })).body.map(toRole);
}

/** The assignment of `type` made to the assignee itself (not one it holds through a group). */
async function ownAssignment(ctx: ActionContext, who: Assignee, type: string) {
  return (await listRoles(ctx, who)).find((r) => r.type === type && r.assignmentType === who.kind);
}

/**
 * Assigns a standard role. Safe to retry: when Okta answers that the role is already assigned (409
 * E0000090), the existing assignment is returned.
 */
async function assign(ctx: ActionContext, who: Assignee, type: string): Promise<OktaRoleAssignment> {
  try {
    return toRole((await ctx.client.request({ method: 'POST', path: who.path, body: { type } })).body);
  } catch (err) {
    if (!isConflict(err)) throw err;
    const existing = await ownAssignment(ctx, who, type);
    if (existing) return existing;
    throw err;
  }
}

/** Unassigns a standard role; a role not assigned (or already unassigned, Okta's 404) is a success. */
async function unassign(ctx: ActionContext, who: Assignee, type: string): Promise<void> {
  const existing = await ownAssignment(ctx, who, type);
  if (!existing) return;
  await ctx.client.request({
    method: 'DELETE',
    path: `${who.path}/${encodeURIComponent(existing.id)}`,
    accept: [404],
  });
}

export async function assignToUser(ctx: ActionContext, rawInput: unknown): Promise<OktaRoleAssignment> {
  const input = UserRoleInputSchema.parse(rawInput);
  return assign(ctx, await userAssignee(ctx, input.user), input.role);
}

export async function assignToGroup(ctx: ActionContext, rawInput: unknown): Promise<OktaRoleAssignment> {
  const input = GroupRoleInputSchema.parse(rawInput);
  return assign(ctx, groupAssignee(input.group), input.role);
}

export async function listForUser(ctx: ActionContext, rawInput: unknown): Promise<OktaRoleAssignment[]> {
  const input = UserRolesInputSchema.parse(rawInput);
  return listRoles(ctx, await userAssignee(ctx, input.user));
}

export async function listForGroup(ctx: ActionContext, rawInput: unknown): Promise<OktaRoleAssignment[]> {
  const input = GroupRolesInputSchema.parse(rawInput);
  return listRoles(ctx, groupAssignee(input.group));
}

export async function removeFromUser(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = UserRoleInputSchema.parse(rawInput);
  await unassign(ctx, await userAssignee(ctx, input.user), input.role);
}

export async function removeFromGroup(ctx: ActionContext, rawInput: unknown): Promise<void> {
  const input = GroupRoleInputSchema.parse(rawInput);
  await unassign(ctx, groupAssignee(input.group), input.role);
}
