import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  defineQuery,
  executeChild,
  setHandler,
} from '@temporalio/workflow';
import { MAX_CREATE_GROUP_IDS, type OktaGroup } from '../common/actions.js';
import { OktaErrorType } from '../common/errors.js';
import {
  NewHireSchema,
  ONBOARDING_PROGRESS_QUERY,
  OnboardingInputSchema,
  ProvisionOptionsSchema,
  provisionWorkflowId,
  toProfile,
  type HireProgress,
  type NewHire,
  type OnboardingInput,
  type OnboardingProgress,
  type ProvisionOptions,
  type ProvisionResult,
} from '../common/new-hire.js';
import { okta } from './okta.js';
import { parseInput } from './validation.js';
import { pinned } from './versioning.js';

/**
 * Sample workflows: onboarding a list of new hires. The parent connects once with a GLOBAL session, which
 * every child sees by name, and provisions each hire in its own child workflow.
 */

/** The session the parent opens and its children use. */
const SESSION = 'okta';

/** The parent's progress: total, done, failed, and each hire's status. */
export const progressQuery = defineQuery<OnboardingProgress>(ONBOARDING_PROGRESS_QUERY);

/** The Okta failure type behind an action's failure, if any. */
function oktaErrorType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure || err instanceof ChildWorkflowFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The innermost message of a failure chain: what went wrong, without the wrapping. */
function rootMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/**
 * Onboards new hires: connects to the org (a global session named `okta`), then runs one
 * {@link provisionNewHire} child per hire (workflow id {@link provisionWorkflowId}: `provision-` and a
 * hash of the login), `concurrency` at a time.
 * A hire that fails is reported, not retried by the parent; the others go on. Progress is kept in workflow
 * state and answered by the `progress` query; the result is the final progress.
 *
 * @example
 * await client.workflow.execute('onboardNewHires', {
 *   args: [{ hires, domain: 'companyabc.okta.com', connection: 'okta-automation' }], taskQueue, workflowId });
 */
export async function onboardNewHires(input: OnboardingInput): Promise<OnboardingProgress> {
  const hires: HireProgress[] = [];
  const snapshot = (finished: boolean): OnboardingProgress => ({
    total: hires.length,
    done: hires.filter((h) => h.status === 'created' || h.status === 'alreadyProvisioned').length,
    failed: hires.filter((h) => h.status === 'failed').length,
    finished,
    hires: hires.map((h) => ({ ...h })),
  });
  setHandler(progressQuery, () => snapshot(false));

  const {
    hires: people,
    domain,
    connection,
    concurrency,
  } = parseInput(OnboardingInputSchema, input, 'onboardNewHires');
  for (const hire of people) hires.push({ login: hire.login, status: 'pending' });

  await okta.connect({ domain, connection, session: { global: SESSION } });
  const groups = await resolveGroups(people, concurrency);

  let next = 0;
  async function lane(): Promise<void> {
    while (next < people.length) {
      const index = next++;
      const hire = people[index]!;
      const line = hires[index]!;
      line.status = 'running';
      try {
        const result = await executeChild(provisionNewHire, {
          args: [hire, { groupIds: hire.groups.map((name) => groupIdOf(groups, name)) }],
          workflowId: provisionWorkflowId(hire.login),
        });
        Object.assign(line, { status: result.status, userId: result.userId, groups: result.groups });
      } catch (err) {
        Object.assign(line, { status: 'failed', error: rootMessage(err) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, people.length) }, lane));
  return snapshot(true);
}
pinned(onboardNewHires);

/** A group name resolved by the parent: its id, or why it could not be found or created. */
type ResolvedGroup = { id: string } | { error: string };

/**
 * Finds (or creates) every group the hires name, once per run, `concurrency` at a time: the children get
 * ids and create each user in its groups in one call. Keys are lower-cased (Okta compares names so).
 */
async function resolveGroups(people: NewHire[], concurrency: number): Promise<Map<string, ResolvedGroup>> {
  const names = new Map<string, string>();
  for (const hire of people) {
    for (const name of hire.groups) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  const resolved = new Map<string, ResolvedGroup>();
  const pending = [...names];
  async function lane(): Promise<void> {
    for (let entry = pending.shift(); entry; entry = pending.shift()) {
      const [key, name] = entry;
      try {
        resolved.set(key, { id: (await findOrCreateGroup(name)).id });
      } catch (err) {
        resolved.set(key, { error: `group ${name}: ${rootMessage(err)}` });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, lane));
  return resolved;
}

/** The id of a group the parent resolved; throws (failing that hire only) when it could not be. */
function groupIdOf(groups: Map<string, ResolvedGroup>, name: string): string {
  const group = groups.get(name.toLowerCase());
  if (!group || 'error' in group) throw new Error(group?.error ?? `group ${name} was not resolved`);
  return group.id;
}

/**
 * Provisions one new hire on the parent's global `okta` session: creates the user (activated) in the
 * hire's groups in one call. `options.groupIds` are the groups' ids, resolved by the parent; without them
 * the child finds each group by name, creating one that does not exist yet. Safe to run again: when the
 * login already exists, the user is put in the groups (adding a member twice is a success) and reported
 * `alreadyProvisioned`.
 */
export async function provisionNewHire(
  input: NewHire,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const hire = parseInput(NewHireSchema, input, 'provisionNewHire');
  const given = parseInput(ProvisionOptionsSchema, options, 'provisionNewHire').groupIds;
  if (given && given.length !== hire.groups.length) {
    throw ApplicationFailure.create({
      type: OktaErrorType.OktaInvalidInput,
      message: `provisionNewHire: invalid input: groupIds: must hold one id per group of the hire (${hire.groups.length}), in the same order`,
      nonRetryable: true,
      details: [{ fields: ['groupIds'] }],
    });
  }
  const groupIds: string[] = given ?? [];
  if (!given) for (const name of hire.groups) groupIds.push((await findOrCreateGroup(name)).id);
  // Okta takes at most 20 group ids with a create; the rest are added one by one (idempotent).
  const atCreate = groupIds.slice(0, MAX_CREATE_GROUP_IDS);
  let user: { id: string };
  let status: ProvisionResult['status'];
  try {
    const created = await okta.users.create({
      session: SESSION,
      profile: toProfile(hire),
      activate: true,
      groupIds: atCreate,
    });
    user = created;
    status = created.alreadyExisted ? 'alreadyProvisioned' : 'created';
  } catch (err) {
    // The login is held by a user whose profile differs from the hire's (edited in Okta since): it is
    // the same account (the login is unique), so it counts as provisioned and gets its groups.
    const existingUserId = conflictingUserId(err);
    if (!existingUserId) throw err;
    user = { id: existingUserId };
    status = 'alreadyProvisioned';
    for (const group of atCreate) await okta.groups.addUser({ session: SESSION, group, user: user.id });
  }
  for (const group of groupIds.slice(MAX_CREATE_GROUP_IDS)) {
    await okta.groups.addUser({ session: SESSION, group, user: user.id });
  }
  return { login: hire.login, userId: user.id, status, groups: hire.groups };
}
pinned(provisionNewHire);

/** The id of the user that holds the login, when a create failed with OktaConflict for that reason. */
function conflictingUserId(err: unknown): string | undefined {
  if (oktaErrorType(err) !== OktaErrorType.OktaConflict) return undefined;
  const details = ((err as ActivityFailure).cause as ApplicationFailure).details;
  const id = (details?.[0] as { existingUserId?: unknown } | undefined)?.existingUserId;
  return typeof id === 'string' ? id : undefined;
}

/** The group with exactly this name (case-insensitive, as Okta compares names), if any. */
async function findGroup(name: string): Promise<OktaGroup | undefined> {
  // An exact search, not the `q` prefix search: a prefix shared by many groups could push the match
  // past the first page. Okta compares names case-insensitively, and so does the check that follows.
  const { items } = await okta.groups.list({
    session: SESSION,
    search: `profile.name eq ${JSON.stringify(name)}`,
    limit: 10,
  });
  return items.find((g) => g.profile.name.toLowerCase() === name.toLowerCase());
}

/**
 * Looks a group up by name, or creates it. Two children may race to create the same new group: Okta
 * refuses the second one ("An object with this field already exists": OktaConflict), and the loser looks
 * the winner's group up.
 */
async function findOrCreateGroup(name: string): Promise<OktaGroup> {
  const existing = await findGroup(name);
  if (existing) return existing;
  try {
    return await okta.groups.create({
      session: SESSION,
      profile: { name, description: 'Created by temporal-okta onboarding' },
    });
  } catch (err) {
    if (oktaErrorType(err) !== OktaErrorType.OktaConflict) throw err;
    const created = await findGroup(name);
    if (!created) throw err;
    return created;
  }
}
