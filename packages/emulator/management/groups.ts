import type { GroupRecord } from '../store.js';
import { forbidden, notFound, validationFailed } from '../okta-errors.js';
import { ALL_OPERATORS, expressionMatcher, type ExpressionRules, type Operator } from './expressions.js';
import { listPage } from './pagination.js';
import { groupJson, groupSearchView, userJson } from './serialize.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/** Okta's page sizes: groups up to 10,000 per page, group members 1,000 by default and at most. */
export const GROUPS_DEFAULT_LIMIT = 10_000;
export const GROUPS_MAX_LIMIT = 10_000;
export const GROUP_MEMBERS_DEFAULT_LIMIT = 1000;
export const GROUP_MEMBERS_MAX_LIMIT = 1000;

const DATES: readonly Operator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

/** `filter` on groups: `type`/`id` equality and date ranges, as Okta documents. */
export const groupFilterRules: ExpressionRules = {
  attributes: { id: ['eq'], type: ['eq'], lastUpdated: DATES, lastMembershipUpdated: DATES },
};

/** `search` on groups: profile attributes and the top-level properties. */
export const groupSearchRules: ExpressionRules = {
  attributes: {
    id: ['eq', 'ne', 'sw'],
    type: ['eq', 'ne'],
    created: DATES,
    lastUpdated: DATES,
    lastMembershipUpdated: DATES,
    'profile.*': ALL_OPERATORS,
  },
};

function findGroup(ctx: RequestContext): GroupRecord {
  const id = ctx.params.groupId!;
  const group = ctx.store.getGroup(id);
  if (!group) throw notFound(id, 'UserGroup');
  return group;
}

/** Okta manages the built-in "Everyone" group itself: its profile and members cannot be changed. */
function requireOktaGroup(group: GroupRecord): void {
  if (group.type !== 'OKTA_GROUP') throw forbidden();
}

function readGroupProfile(
  ctx: RequestContext,
  exceptId?: string,
): { name: string; description: string | null } {
  const body = ctx.body;
  const profile =
    body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>).profile
      : undefined;
  const p =
    profile && typeof profile === 'object' && !Array.isArray(profile)
      ? (profile as Record<string, unknown>)
      : {};
  if (typeof p.name !== 'string' || p.name.trim() === '') {
    throw validationFailed('name', ['name: The field cannot be left blank']);
  }
  if (p.description !== undefined && p.description !== null && typeof p.description !== 'string') {
    throw validationFailed('description', ['description: Must be a string']);
  }
  const name = p.name;
  const clash = ctx.store.scanGroups(
    0,
    1,
    (g) => g.id !== exceptId && g.name.toLowerCase() === name.toLowerCase(),
  );
  if (clash.items.length > 0) {
    throw validationFailed('name', [
      'name: An object with this field already exists in the current organization',
    ]);
  }
  return { name, description: (p.description as string | null | undefined) ?? null };
}

function listGroups(ctx: RequestContext): HandlerResult {
  const { searchParams } = ctx.url;
  const q = searchParams.get('q');
  let match = expressionMatcher(
    searchParams,
    { search: groupSearchRules, filter: groupFilterRules },
    groupSearchView,
  );
  if (!match && q !== null) {
    const prefix = q.toLowerCase();
    match = (g) => g.name.toLowerCase().startsWith(prefix);
  }
  return listPage(
    ctx,
    { default: GROUPS_DEFAULT_LIMIT, max: GROUPS_MAX_LIMIT },
    (after, limit) => ctx.store.scanGroups(after, limit, match),
    (g) => groupJson(ctx.origin, g),
  );
}

function addGroup(ctx: RequestContext): HandlerResult {
  const group = ctx.store.createGroup(readGroupProfile(ctx), ctx.now);
  return { status: 200, body: groupJson(ctx.origin, group) };
}

function getGroup(ctx: RequestContext): HandlerResult {
  return { status: 200, body: groupJson(ctx.origin, findGroup(ctx)) };
}

function replaceGroup(ctx: RequestContext): HandlerResult {
  const group = findGroup(ctx);
  requireOktaGroup(group);
  const updated = ctx.store.updateGroup(group.id, readGroupProfile(ctx, group.id), ctx.now);
  return { status: 200, body: groupJson(ctx.origin, updated) };
}

function deleteGroup(ctx: RequestContext): HandlerResult {
  const group = findGroup(ctx);
  requireOktaGroup(group);
  ctx.store.deleteGroup(group.id);
  return { status: 204 };
}

function listGroupUsers(ctx: RequestContext): HandlerResult {
  const group = findGroup(ctx);
  return listPage(
    ctx,
    { default: GROUP_MEMBERS_DEFAULT_LIMIT, max: GROUP_MEMBERS_MAX_LIMIT },
    (after, limit) => ctx.store.scanGroupMembers(group.id, after, limit),
    (u) => userJson(ctx.origin, u, 'collection'),
  );
}

function membership(ctx: RequestContext, add: boolean): HandlerResult {
  const group = findGroup(ctx);
  const userId = ctx.params.userId!;
  const user = ctx.store.getUser(userId);
  if (!user || user.id !== userId) throw notFound(userId, 'User');
  requireOktaGroup(group);
  if (add) {
    ctx.store.addMember(group.id, user.id, ctx.now); // Okta documents only 204, a member already or not
  } else {
    const removed = ctx.store.removeMember(group.id, user.id, ctx.now);
    // A non-member: 204, or 404 as Okta can answer (see ManagementBehaviour).
    if (!removed && ctx.behaviour.nonMemberRemoval === 'notFound')
      throw notFound(ctx.url.pathname, 'resource');
  }
  return { status: 204 };
}

/** The groups routes, in Okta's paths. */
export const groupRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/groups', operationId: 'listGroups', handle: listGroups },
  { method: 'POST', path: '/api/v1/groups', operationId: 'addGroup', handle: addGroup },
  { method: 'GET', path: '/api/v1/groups/:groupId', operationId: 'getGroup', handle: getGroup },
  { method: 'PUT', path: '/api/v1/groups/:groupId', operationId: 'replaceGroup', handle: replaceGroup },
  { method: 'DELETE', path: '/api/v1/groups/:groupId', operationId: 'deleteGroup', handle: deleteGroup },
  {
    method: 'GET',
    path: '/api/v1/groups/:groupId/users',
    operationId: 'listGroupUsers',
    handle: listGroupUsers,
  },
  {
    method: 'PUT',
    path: '/api/v1/groups/:groupId/users/:userId',
    operationId: 'assignUserToGroup',
    handle: (c) => membership(c, true),
  },
  {
    method: 'DELETE',
    path: '/api/v1/groups/:groupId/users/:userId',
    operationId: 'unassignUserFromGroup',
    handle: (c) => membership(c, false),
  },
];
