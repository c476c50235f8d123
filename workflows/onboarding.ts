import { defineQuery, executeChild, patched, setHandler, type ActivityOptions } from '@temporalio/workflow';
import type { OktaGroup } from '../common/actions.js';
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
  type OnboardingActivityOptions,
  type OnboardingInput,
  type OnboardingProgress,
  type ProvisionOptions,
  type ProvisionResult,
} from '../common/new-hire.js';
import { oktaErrorType, rootMessage } from './failures.js';
import { okta } from './okta.js';
import { parseInput } from './validation.js';
import { pinned } from './versioning.js';

/**
 * Sample workflows: onboarding a list of new hires. The parent connects once with a GLOBAL session, which
 * every child sees by name, and provisions each hire in its own child workflow.
 */

/** The session the parent opens and its children use. */
const SESSION = 'okta';

/**
 * The child's workflow id: opaque (a hash of the login) since 0.2. Histories of runs that started
 * earlier named children `provision-<login>`; the patch keeps those runs replaying as they were.
 */
function childWorkflowId(login: string): string {
  return patched(OPAQUE_CHILD_IDS_PATCH) ? provisionWorkflowId(login) : `provision-${login.toLowerCase()}`;
}
const OPAQUE_CHILD_IDS_PATCH = 'temporal-okta-opaque-child-workflow-ids';

/** What every Okta call of a run takes: the session, and the run's activity options (none: the defaults). */
interface CallOptions {
  session: typeof SESSION;
  activityOptions?: ActivityOptions;
}

function callOptions(activityOptions: OnboardingActivityOptions | undefined): CallOptions {
  // The schema admits only Temporal durations (milliseconds or the `ms` format), so the cast holds.
  return { session: SESSION, activityOptions: activityOptions as ActivityOptions | undefined };
}

/** The parent's progress: total, done, failed, and each hire's status. */
export const progressQuery = defineQuery<OnboardingProgress>(ONBOARDING_PROGRESS_QUERY);

/**
 * Onboards new hires: connects to the org (a global session named `okta`), then runs one
 * {@link provisionNewHire} child per hire (workflow id {@link provisionWorkflowId}: `provision-` and a
 * hash of the login), `concurrency` at a time. `activityOptions`, when set, apply to Connect and to every
 * action of every child. A hire that fails is reported, not retried by the parent; the others go on.
 * Progress is kept in workflow state and answered by the `progress` query; the result is the final progress.
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
    activityOptions,
  } = parseInput(OnboardingInputSchema, input, 'onboardNewHires');
  for (const hire of people) hires.push({ login: hire.login, status: 'pending' });

  await okta.connect({
    domain,
    connection,
    session: { global: SESSION },
    activityOptions: callOptions(activityOptions).activityOptions,
  });
  // A child gets a second argument only when there is something to pass on.
  const childOptions: [ProvisionOptions] | [] = activityOptions ? [{ activityOptions }] : [];

  let next = 0;
  async function lane(): Promise<void> {
    while (next < people.length) {
      const index = next++;
      const hire = people[index]!;
      const line = hires[index]!;
      line.status = 'running';
      try {
        const result = await executeChild(provisionNewHire, {
          args: [hire, ...childOptions],
          workflowId: childWorkflowId(hire.login),
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

/**
 * Provisions one new hire on the parent's global `okta` session: finds the user by login or creates it
 * (activated), then puts it in each of the hire's groups, creating a group that does not exist yet.
 * Safe to run again: an existing user is `alreadyProvisioned`, and adding a member twice is a success.
 * `options.activityOptions` (from the parent's input) apply to each of its Okta calls.
 */
export async function provisionNewHire(
  input: NewHire,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const hire = parseInput(NewHireSchema, input, 'provisionNewHire');
  const call = callOptions(parseInput(ProvisionOptionsSchema, options, 'provisionNewHire').activityOptions);
  let status: ProvisionResult['status'] = 'alreadyProvisioned';
  // A filtered listing finds the user or nothing; a `get` would log an expected 404 as a failed activity.
  const { items } = await okta.users.list({
    ...call,
    filter: `profile.login eq ${JSON.stringify(hire.login)}`,
    limit: 1,
  });
  let user = items[0];
  if (!user) {
    user = await okta.users.create({ ...call, profile: toProfile(hire), activate: true });
    status = 'created';
  }
  for (const name of hire.groups) {
    const group = await findOrCreateGroup(name, call);
    await okta.groups.addUser({ ...call, group: group.id, user: user.id });
  }
  return { login: hire.login, userId: user.id, status, groups: hire.groups };
}
pinned(provisionNewHire);

/** The group with exactly this name (case-insensitive, as Okta compares names), if any. */
async function findGroup(name: string, call: CallOptions): Promise<OktaGroup | undefined> {
  // An exact search, not the `q` prefix search: a prefix shared by many groups could push the match
  // past the first page. Okta compares names case-insensitively, and so does the check that follows.
  const { items } = await okta.groups.list({
    ...call,
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
async function findOrCreateGroup(name: string, call: CallOptions): Promise<OktaGroup> {
  const existing = await findGroup(name, call);
  if (existing) return existing;
  try {
    return await okta.groups.create({
      ...call,
      profile: { name, description: 'Created by temporal-okta onboarding' },
    });
  } catch (err) {
    if (oktaErrorType(err) !== OktaErrorType.OktaConflict) throw err;
    const created = await findGroup(name, call);
    if (!created) throw err;
    return created;
  }
}
