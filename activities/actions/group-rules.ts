import {
  type DeleteResult,
  GroupRuleInputSchema,
  GroupRulesCreateInputSchema,
  GroupRulesDeleteInputSchema,
  GroupRulesListInputSchema,
  type ListResult,
  type OktaGroupRule,
} from '../../common/actions.js';
import { OktaErrorType } from '../../common/errors.js';
import { oktaFailure } from '../failures.js';
import type { ActionContext } from './context.js';
import { listBounded } from './listing.js';
import { isConflict } from './retry-safe.js';

/**
 * Group rules (docs/ARCHITECTURE.md §13): Okta puts users matching an expression in groups. Okta creates a rule
 * INACTIVE, and an ACTIVE rule cannot be changed or deleted until it is deactivated.
 */

const RULES = '/api/v1/groups/rules';
const rulePath = (rule: string) => `${RULES}/${encodeURIComponent(rule)}`;
/** Okta's largest page of group rules. */
const RULES_MAX_PAGE = 200;

type RawRule = {
  id: string;
  name: string;
  status: string;
  created: string;
  lastUpdated: string;
  conditions?: { expression?: { value?: string }; people?: { users?: { exclude?: string[] } } };
  actions?: { assignUserToGroups?: { groupIds?: string[] } };
};

/** Okta's nested `GroupRule` as the flat shape actions return. */
export function toGroupRule(raw: unknown): OktaGroupRule {
  const r = raw as RawRule;
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    expression: r.conditions?.expression?.value ?? '',
    groupIds: r.actions?.assignUserToGroups?.groupIds ?? [],
    excludeUserIds: r.conditions?.people?.users?.exclude ?? [],
    created: r.created,
    lastUpdated: r.lastUpdated,
  };
}

async function fetchRule(ctx: ActionContext, rule: string): Promise<OktaGroupRule> {
  return toGroupRule((await ctx.client.request({ method: 'GET', path: rulePath(rule) })).body);
}

/** The rule with exactly this name (case-insensitive, as names are unique), if any. */
async function ruleNamed(ctx: ActionContext, name: string): Promise<OktaGroupRule | undefined> {
  const res = await ctx.client.request<unknown[]>({
    method: 'GET',
    path: RULES,
    query: { search: name, limit: RULES_MAX_PAGE },
  });
  return res.body.map(toGroupRule).find((r) => r.name.toLowerCase() === name.toLowerCase());
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

async function lifecycle(ctx: ActionContext, rule: string, op: 'activate' | 'deactivate') {
  await ctx.client.request({ method: 'POST', path: `${rulePath(rule)}/lifecycle/${op}` });
}

/**
 * Creates a group rule, and activates it when asked. Safe to retry: a rule with the same name is looked
 * for first (and again when Okta refuses the name as taken), and returned when its expression and groups
 * are the ones requested (an earlier attempt created it and its answer was lost); with another definition
 * it is an `OktaConflict`.
 */
export async function create(ctx: ActionContext, rawInput: unknown): Promise<OktaGroupRule> {
  const input = GroupRulesCreateInputSchema.parse(rawInput);
  const excludeUserIds = input.excludeUserIds ?? [];
  const matches = (r: OktaGroupRule) =>
    r.expression === input.expression &&
    sameSet(r.groupIds, input.groupIds) &&
    sameSet(r.excludeUserIds, excludeUserIds);
  const existingOrConflict = (r: OktaGroupRule) => {
    if (matches(r)) return r;
    throw oktaFailure(
      OktaErrorType.OktaConflict,
      `A group rule named "${r.name}" (${r.id}) already exists with another expression or groups: ` +
        'choose another name, or delete that rule first.',
      { details: [{ existingRuleId: r.id }] },
    );
  };
  let rule = await ruleNamed(ctx, input.name).then((r) => r && existingOrConflict(r));
  if (!rule) {
    try {
      const res = await ctx.client.request({
        method: 'POST',
        path: RULES,
        body: {
          type: 'group_rule',
          name: input.name,
          conditions: {
            people: { users: { exclude: excludeUserIds } },
            expression: { type: 'urn:okta:expression:1.0', value: input.expression },
          },
          actions: { assignUserToGroups: { groupIds: input.groupIds } },
        },
      });
      rule = toGroupRule(res.body);
    } catch (err) {
      const found = isConflict(err) || isValidation(err) ? await ruleNamed(ctx, input.name) : undefined;
      if (!found) throw err;
      rule = existingOrConflict(found);
    }
  }
  if (input.activate && rule.status !== 'ACTIVE') {
    await lifecycle(ctx, rule.id, 'activate');
    rule = await fetchRule(ctx, rule.id);
  }
  return rule;
}

/** Okta refuses a taken rule name as a validation failure (400 E0000001) on `name`. */
function isValidation(err: unknown): boolean {
  return (err as { type?: string } | undefined)?.type === OktaErrorType.OktaValidationFailed;
}

export async function list(ctx: ActionContext, rawInput: unknown): Promise<ListResult<OktaGroupRule>> {
  const input = GroupRulesListInputSchema.parse(rawInput);
  const query = { search: input.search, limit: Math.min(input.limit, RULES_MAX_PAGE) };
  return listBounded(ctx, { method: 'GET', path: RULES, query }, input.limit, toGroupRule);
}

export async function get(ctx: ActionContext, rawInput: unknown): Promise<OktaGroupRule> {
  const input = GroupRuleInputSchema.parse(rawInput);
  return fetchRule(ctx, input.rule);
}

/** Activates a rule and returns it; safe to retry (activating an active rule changes nothing). */
export async function activate(ctx: ActionContext, rawInput: unknown): Promise<OktaGroupRule> {
  const input = GroupRuleInputSchema.parse(rawInput);
  await lifecycle(ctx, input.rule, 'activate');
  return fetchRule(ctx, input.rule);
}

/** Deactivates a rule and returns it; safe to retry. */
export async function deactivate(ctx: ActionContext, rawInput: unknown): Promise<OktaGroupRule> {
  const input = GroupRuleInputSchema.parse(rawInput);
  await lifecycle(ctx, input.rule, 'deactivate');
  return fetchRule(ctx, input.rule);
}

/**
 * Deletes a rule, deactivating it first when it is ACTIVE (Okta refuses to delete an active rule). Safe
 * to retry: a rule already gone counts as deleted.
 */
export async function remove(ctx: ActionContext, rawInput: unknown): Promise<DeleteResult> {
  const input = GroupRulesDeleteInputSchema.parse(rawInput);
  const found = await ctx.client.request({ method: 'GET', path: rulePath(input.rule), accept: [404] });
  if (found.status === 404) return { outcome: 'alreadyDeleted' };
  if (toGroupRule(found.body).status === 'ACTIVE') await lifecycle(ctx, input.rule, 'deactivate');
  const res = await ctx.client.request({
    method: 'DELETE',
    path: rulePath(input.rule),
    query: { removeUsers: input.removeUsers },
    accept: [404],
  });
  return { outcome: res.status === 404 ? 'alreadyDeleted' : 'deleted' };
}
