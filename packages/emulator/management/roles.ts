import { newOktaId } from '../ids.js';
import { OktaApiError, notFound, validationFailed } from '../okta-errors.js';
import type { RoleAssignmentRecord } from '../store.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/**
 * Standard admin roles assigned to users and groups (`/api/v1/users/{userId}/roles`,
 * `/api/v1/groups/{groupId}/roles`). Role targets, custom roles and the IAM-based standard roles (whose
 * answers take the custom-role shape) are not emulated; the roles grant nothing inside the emulator.
 */

/** The standard roles whose assignments the spec answers as `StandardRole`, with Okta's labels. */
export const STANDARD_ROLE_LABELS: Readonly<Record<string, string>> = {
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  APP_ADMIN: 'Application Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
  SUPER_ADMIN: 'Super Administrator',
  USER_ADMIN: 'Group Administrator',
};

type Assignee = { type: 'USER' | 'GROUP'; id: string; href: string };

function assignee(ctx: RequestContext, kind: 'USER' | 'GROUP'): Assignee {
  if (kind === 'USER') {
    const id = ctx.params.userId!;
    const user = ctx.store.getUser(id);
    if (!user) throw notFound(id, 'User');
    return { type: 'USER', id: user.id, href: `${ctx.origin}/api/v1/users/${user.id}` };
  }
  const id = ctx.params.groupId!;
  const group = ctx.store.getGroup(id);
  if (!group) throw notFound(id, 'UserGroup');
  return { type: 'GROUP', id: group.id, href: `${ctx.origin}/api/v1/groups/${group.id}` };
}

/** A role assignment as Okta returns it (`StandardRole`). */
export function roleJson(origin: string, role: RoleAssignmentRecord): Record<string, unknown> {
  const path = role.assigneeType === 'USER' ? 'users' : 'groups';
  return {
    id: role.id,
    label: STANDARD_ROLE_LABELS[role.type] ?? role.type,
    type: role.type,
    status: 'ACTIVE',
    created: role.created,
    lastUpdated: role.created,
    assignmentType: role.assigneeType,
    _links: { assignee: { href: `${origin}/api/v1/${path}/${role.assigneeId}` } },
  };
}

/**
 * The list: a group's own roles; a user's own roles and, as Okta lists them, those of its groups
 * (`assignmentType: GROUP`). One unpaginated array.
 */
function listRoles(ctx: RequestContext, kind: 'USER' | 'GROUP'): HandlerResult {
  const who = assignee(ctx, kind);
  const roles = ctx.store.roleAssignments(who.type, who.id, kind === 'USER');
  return { status: 200, body: roles.map((r) => roleJson(ctx.origin, r)) };
}

/**
 * Assigns a standard role: 201 with the assignment. A role the user or group already holds is refused
 * with 409 E0000090, as Okta answers a duplicate assignment (the spec declares no 409 here). A type
 * outside the standard roles is 400 E0000001. `disableNotifications` is accepted and ignored.
 */
function assignRole(ctx: RequestContext, kind: 'USER' | 'GROUP'): HandlerResult {
  const who = assignee(ctx, kind);
  const body = ctx.body && typeof ctx.body === 'object' ? (ctx.body as Record<string, unknown>) : {};
  const type = body.type;
  if (typeof type !== 'string' || !(type in STANDARD_ROLE_LABELS)) {
    throw validationFailed('type', [
      `type: Must be one of ${Object.keys(STANDARD_ROLE_LABELS).join(', ')} (custom and IAM-based roles are not emulated)`,
    ]);
  }
  if (ctx.store.roleAssignments(who.type, who.id).some((r) => r.type === type)) {
    throw new OktaApiError(409, 'E0000090', 'Duplicate role assignment exception.', [
      {
        errorSummary: `The role specified is already assigned to the ${kind === 'USER' ? 'user' : 'group'}.`,
      },
    ]);
  }
  const role = ctx.store.addRoleAssignment({
    id: newOktaId('ra1'),
    assigneeType: who.type,
    assigneeId: who.id,
    type,
    created: ctx.now.toISOString(),
  });
  return { status: 201, body: roleJson(ctx.origin, role) };
}

function getRole(ctx: RequestContext, kind: 'USER' | 'GROUP'): HandlerResult {
  const who = assignee(ctx, kind);
  const id = ctx.params.roleAssignmentId!;
  const role = ctx.store.roleAssignments(who.type, who.id).find((r) => r.id === id);
  if (!role) throw notFound(id, 'resource');
  return { status: 200, body: roleJson(ctx.origin, role) };
}

/** Unassigns a role: 204; 404 E0000007 for an assignment the user or group does not hold. */
function unassignRole(ctx: RequestContext, kind: 'USER' | 'GROUP'): HandlerResult {
  const who = assignee(ctx, kind);
  const id = ctx.params.roleAssignmentId!;
  if (!ctx.store.deleteRoleAssignment(who.type, who.id, id)) throw notFound(id, 'resource');
  return { status: 204 };
}

const routesFor = (kind: 'USER' | 'GROUP'): Route[] => {
  const base = kind === 'USER' ? '/api/v1/users/:userId/roles' : '/api/v1/groups/:groupId/roles';
  const ids =
    kind === 'USER'
      ? ({
          list: 'listAssignedRolesForUser',
          assign: 'assignRoleToUser',
          get: 'getUserAssignedRole',
          unassign: 'unassignRoleFromUser',
        } as const)
      : ({
          list: 'listGroupAssignedRoles',
          assign: 'assignRoleToGroup',
          get: 'getGroupAssignedRole',
          unassign: 'unassignRoleFromGroup',
        } as const);
  return [
    { method: 'GET', path: base, operationId: ids.list, handle: (c) => listRoles(c, kind) },
    { method: 'POST', path: base, operationId: ids.assign, handle: (c) => assignRole(c, kind) },
    {
      method: 'GET',
      path: `${base}/:roleAssignmentId`,
      operationId: ids.get,
      handle: (c) => getRole(c, kind),
    },
    {
      method: 'DELETE',
      path: `${base}/:roleAssignmentId`,
      operationId: ids.unassign,
      handle: (c) => unassignRole(c, kind),
    },
  ];
};

/** The admin role routes, in Okta's paths. */
export const roleRoutes: Route[] = [...routesFor('USER'), ...routesFor('GROUP')];
