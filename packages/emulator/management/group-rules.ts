import { newOktaId } from '../ids.js';
import { OktaApiError, notFound, validationFailed } from '../okta-errors.js';
import type { GroupRuleRecord } from '../store.js';
import { booleanQuery } from './credentials.js';
import { listPage } from './pagination.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/**
 * Group rules (`/api/v1/groups/rules`) with Okta's lifecycle: a rule is created INACTIVE, activated and
 * deactivated, and an ACTIVE rule must be deactivated before it is deleted. The emulator keeps rules but
 * never evaluates their expressions: no user joins or leaves a group because of a rule.
 */

/** The spec's `limit` for group rules: 50 by default, 200 at most. */
export const GROUP_RULES_DEFAULT_LIMIT = 50;
export const GROUP_RULES_MAX_LIMIT = 200;
/** The spec's bounds on a rule's name. */
const MAX_NAME_LENGTH = 50;
const EXPRESSION_TYPE = 'urn:okta:expression:1.0';

function findRule(ctx: RequestContext): GroupRuleRecord {
  const id = ctx.params.groupRuleId!;
  const rule = ctx.store.getGroupRule(id);
  if (!rule) throw notFound(id, 'GroupRule');
  return rule;
}

/** A rule as Okta returns it (`GroupRule`). */
export function groupRuleJson(rule: GroupRuleRecord): Record<string, unknown> {
  return {
    type: 'group_rule',
    id: rule.id,
    status: rule.status,
    name: rule.name,
    created: rule.created,
    lastUpdated: rule.lastUpdated,
    conditions: {
      people: { users: { exclude: rule.excludedUserIds }, groups: { exclude: [] } },
      expression: rule.expression,
    },
    actions: { assignUserToGroups: { groupIds: rule.groupIds } },
  };
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Reads a `CreateGroupRuleRequest`: `type: group_rule`, a name of 1 to 50 characters unique in the org
 * (case-insensitively), an Okta expression, and existing Okta groups to assign. 400 E0000001 otherwise.
 */
function readRule(ctx: RequestContext): Omit<GroupRuleRecord, 'id' | 'status' | 'created' | 'lastUpdated'> {
  const body = asObject(ctx.body);
  const causes: string[] = [];
  if (body.type !== 'group_rule') causes.push('type: The rule type must be group_rule');
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (name === '') causes.push('name: The field cannot be left blank');
  else if (name.length > MAX_NAME_LENGTH)
    causes.push(`name: The field is limited to ${MAX_NAME_LENGTH} characters`);
  const conditions = asObject(body.conditions);
  const expression = asObject(conditions.expression);
  if (typeof expression.value !== 'string' || expression.value.trim() === '') {
    causes.push('conditions.expression.value: The field cannot be left blank');
  }
  const type = expression.type ?? EXPRESSION_TYPE;
  if (type !== EXPRESSION_TYPE) causes.push(`conditions.expression.type: Must be ${EXPRESSION_TYPE}`);
  const excluded = asObject(asObject(conditions.people).users).exclude ?? [];
  if (!Array.isArray(excluded) || excluded.some((u) => typeof u !== 'string')) {
    causes.push('conditions.people.users.exclude: Must be a list of user ids');
  }
  const groupIds = asObject(asObject(body.actions).assignUserToGroups).groupIds;
  if (!Array.isArray(groupIds) || groupIds.length === 0) {
    causes.push('actions.assignUserToGroups.groupIds: At least one group is required');
  } else {
    for (const id of groupIds) {
      const group = typeof id === 'string' ? ctx.store.getGroup(id) : undefined;
      if (!group || group.type !== 'OKTA_GROUP') {
        causes.push(`actions.assignUserToGroups.groupIds: ${String(id)} is not an Okta group of this org`);
      }
    }
  }
  if (causes.length === 0) {
    const clash = ctx.store.scanGroupRules(0, 1, (r) => r.name.toLowerCase() === name.toLowerCase());
    if (clash.items.length > 0) {
      causes.push('name: An object with this field already exists in the current organization');
    }
  }
  if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
  return {
    name,
    expression: { type: EXPRESSION_TYPE, value: expression.value as string },
    excludedUserIds: excluded as string[],
    groupIds: groupIds as string[],
  };
}

/** `GET /api/v1/groups/rules` (`listGroupRules`): `search` matches rule names containing the keyword. */
function listGroupRules(ctx: RequestContext): HandlerResult {
  const keyword = ctx.url.searchParams.get('search')?.toLowerCase();
  return listPage(
    ctx,
    { default: GROUP_RULES_DEFAULT_LIMIT, max: GROUP_RULES_MAX_LIMIT },
    (after, limit) =>
      ctx.store.scanGroupRules(
        after,
        limit,
        keyword ? (r) => r.name.toLowerCase().includes(keyword) : undefined,
      ),
    groupRuleJson,
  );
}

/** `POST /api/v1/groups/rules` (`createGroupRule`): the rule, INACTIVE, as the spec notes. */
function createGroupRule(ctx: RequestContext): HandlerResult {
  const ts = ctx.now.toISOString();
  const rule = ctx.store.putGroupRule({
    ...readRule(ctx),
    id: newOktaId('0pr'),
    status: 'INACTIVE',
    created: ts,
    lastUpdated: ts,
  });
  return { status: 200, body: groupRuleJson(rule) };
}

function getGroupRule(ctx: RequestContext): HandlerResult {
  return { status: 200, body: groupRuleJson(findRule(ctx)) };
}

/** Activation and deactivation: 204, also when the rule already has that status. */
function setStatus(ctx: RequestContext, status: GroupRuleRecord['status']): HandlerResult {
  const rule = findRule(ctx);
  if (rule.status !== status) {
    ctx.store.putGroupRule({ ...rule, status, lastUpdated: ctx.now.toISOString() });
  }
  return { status: 204 };
}

/**
 * `DELETE /api/v1/groups/rules/{id}` (`deleteGroupRule`): 202. An ACTIVE rule is refused until it is
 * deactivated (400 E0000001 with the emulator's own wording: the spec does not say how Okta refuses it).
 * `removeUsers` is read; with no rule ever evaluated, no user was added by one.
 */
function deleteGroupRule(ctx: RequestContext): HandlerResult {
  const rule = findRule(ctx);
  booleanQuery(ctx.url, 'removeUsers', false);
  if (rule.status === 'ACTIVE') {
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: groupRule', [
      { errorSummary: 'groupRule: An ACTIVE group rule cannot be deleted: deactivate it first' },
    ]);
  }
  ctx.store.deleteGroupRule(rule.id);
  return { status: 202 };
}

/** The group rule routes, in Okta's paths (served before `/api/v1/groups/{groupId}`). */
export const groupRuleRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/groups/rules', operationId: 'listGroupRules', handle: listGroupRules },
  { method: 'POST', path: '/api/v1/groups/rules', operationId: 'createGroupRule', handle: createGroupRule },
  {
    method: 'GET',
    path: '/api/v1/groups/rules/:groupRuleId',
    operationId: 'getGroupRule',
    handle: getGroupRule,
  },
  {
    method: 'DELETE',
    path: '/api/v1/groups/rules/:groupRuleId',
    operationId: 'deleteGroupRule',
    handle: deleteGroupRule,
  },
  {
    method: 'POST',
    path: '/api/v1/groups/rules/:groupRuleId/lifecycle/activate',
    operationId: 'activateGroupRule',
    handle: (c) => setStatus(c, 'ACTIVE'),
  },
  {
    method: 'POST',
    path: '/api/v1/groups/rules/:groupRuleId/lifecycle/deactivate',
    operationId: 'deactivateGroupRule',
    handle: (c) => setStatus(c, 'INACTIVE'),
  },
];
