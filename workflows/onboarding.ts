import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { MAX_CREATE_GROUP_IDS, type OktaGroup } from '../common/actions.js';
import { OktaErrorType } from '../common/errors.js';
import {
  AddHiresSchema,
  MAX_HIRES_PER_BATCH,
  NewHireSchema,
  ONBOARDING_ADD_HIRES_SIGNAL,
  ONBOARDING_PROGRESS_QUERY,
  OnboardingBatchInputSchema,
  OnboardingInputSchema,
  ProvisionOptionsSchema,
  provisionWorkflowId,
  toProfile,
  type AddHires,
  type HireProgress,
  type NewHire,
  type OnboardingActivityOptions,
  type OnboardingBatchInput,
  type OnboardingBatchReport,
  type OnboardingInput,
  type OnboardingProgress,
  type ProvisionOptions,
  type ProvisionResult,
} from '../common/new-hire.js';
import { describeIssues } from '../common/issues.js';
import { oktaErrorDetails, oktaErrorType, rootMessage } from './failures.js';
import { okta } from './okta.js';
import { parseInput } from './validation.js';
import { pinned } from './versioning.js';

/**
 * Sample workflows: onboarding a list of new hires. The parent connects once with a GLOBAL session, which
 * every child sees by name, resolves the hires' group names to ids once per run, and provisions each hire
 * in its own child workflow with one create call. A run of more than 500 hires goes in batches of 500,
 * each in its own child workflow (README, "Onboarding at scale").
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

/**
 * Since 0.2 the parent resolves each group name once per run and passes the ids on, and a child creates
 * its user in its groups in one call, without reading first. Histories recorded earlier (a child that
 * looks the user up, then each group by name) replay on the path they took.
 */
const GROUP_IDS_PATCH = 'temporal-okta-onboarding-group-ids';

/** What every Okta call of a run takes: the session, and the run's activity options (none: the defaults). */
interface CallOptions {
  session: typeof SESSION;
  activityOptions?: ActivityOptions;
}

function callOptions(activityOptions: OnboardingActivityOptions | undefined): CallOptions {
  // The schema admits only Temporal durations (milliseconds or the `ms` format), so the cast holds.
  return { session: SESSION, activityOptions: activityOptions as ActivityOptions | undefined };
}

/** The parent's progress: total, done, failed, and each hire's status (a run in batches: counts). */
export const progressQuery = defineQuery<OnboardingProgress>(ONBOARDING_PROGRESS_QUERY);

/** The further batches of a run started with `total` above its input's hires: at most 500 hires each. */
export const addHiresSignal = defineSignal<[AddHires]>(ONBOARDING_ADD_HIRES_SIGNAL);

/** From a batch child to its parent: how many of the batch's hires are done and failed so far. */
export const batchProgressSignal = defineSignal<[{ done: number; failed: number }]>('batchProgress');

/** A batch child tells its parent its progress every this many finished hires (its result, the rest). */
const BATCH_PROGRESS_EVERY = 25;

/** The workflow's input as it checks it: `total`, when given, counts the input's hires too. */
const RunInputSchema = OnboardingInputSchema.refine(
  (input) => input.total === undefined || input.total >= input.hires.length,
  { error: 'must be at least the number of hires in the input', path: ['total'] },
);

/**
 * Onboards new hires: connects to the org (a global session named `okta`), finds or creates each group the
 * hires name, once per run, then runs one {@link provisionNewHire} child per hire (workflow id
 * {@link provisionWorkflowId}: `provision-` and a hash of the login), `concurrency` at a time, each
 * given its groups' ids. `activityOptions`, when set, apply to Connect and to every action of the run.
 * A hire that fails (or whose group could not be found or created) is reported, not retried by the
 * parent; the others go on. Progress is kept in workflow state and answered by the `progress` query; the
 * result is the final progress.
 *
 * A run takes up to 10,000 hires, 500 a payload: with `total` above the input's hires, the rest arrive by
 * `addHires` signals (`startOnboarding` splits and sends them) and each batch runs in its own child
 * workflow ({@link onboardNewHiresBatch}), one after the other, so the parent's history grows by batches,
 * not by hires; the progress and the result then carry counts and the failed hires' lines.
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
    total,
    domain,
    connection,
    concurrency,
    activityOptions,
  } = parseInput(RunInputSchema, input, 'onboardNewHires');
  const connect = () =>
    okta.connect({
      domain,
      connection,
      session: { global: SESSION },
      activityOptions: callOptions(activityOptions).activityOptions,
    });
  const options = { concurrency, ...(activityOptions ? { activityOptions } : {}) };

  if (total !== undefined && total > people.length && patched(GROUP_IDS_PATCH)) {
    return onboardInBatches(people, total, options, connect);
  }
  for (const hire of people) hires.push({ login: hire.login, status: 'pending' });
  await connect();
  if (patched(GROUP_IDS_PATCH)) {
    await provisionAll(people, hires, options, new Map());
  } else {
    // The path of runs recorded before the patch: each child looks its groups up by name.
    const childOptions: [ProvisionOptions] | [] = activityOptions ? [{ activityOptions }] : [];
    await runChildren(people, hires, concurrency, (hire) =>
      executeChild(provisionNewHire, {
        args: [hire, ...childOptions],
        workflowId: childWorkflowId(hire.login),
      }),
    );
  }
  return snapshot(true);
}
pinned(onboardNewHires);

/** How a run (or a batch) runs its children. */
interface RunOptions {
  concurrency: number;
  activityOptions?: OnboardingActivityOptions;
}

/**
 * Runs `provision` for each hire, `concurrency` at a time, and records each outcome in `lines` (same order
 * as `people`): the child's result, or `failed` with the reason.
 */
async function runChildren(
  people: NewHire[],
  lines: HireProgress[],
  concurrency: number,
  provision: (hire: NewHire) => Promise<ProvisionResult>,
  onOutcome: () => void = () => undefined,
): Promise<void> {
  let next = 0;
  async function lane(): Promise<void> {
    while (next < people.length) {
      const index = next++;
      const line = lines[index]!;
      line.status = 'running';
      try {
        const result = await provision(people[index]!);
        Object.assign(line, { status: result.status, userId: result.userId, groups: result.groups });
      } catch (err) {
        Object.assign(line, { status: 'failed', error: rootMessage(err) });
      }
      onOutcome();
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, people.length) }, lane));
}

/**
 * Resolves the group names of `people` that `groups` does not hold yet (adding them to it), then runs one
 * {@link provisionNewHire} child per hire with its groups' ids.
 */
async function provisionAll(
  people: NewHire[],
  lines: HireProgress[],
  options: RunOptions,
  groups: Map<string, ResolvedGroup>,
  onOutcome?: () => void,
): Promise<void> {
  await resolveGroups(people, options, groups);
  await runChildren(
    people,
    lines,
    options.concurrency,
    (hire) => {
      const groupIds = hire.groups.map((name) => groupIdOf(groups, name));
      const given: ProvisionOptions = {
        groupIds,
        ...(options.activityOptions ? { activityOptions: options.activityOptions } : {}),
      };
      return executeChild(provisionNewHire, { args: [hire, given], workflowId: childWorkflowId(hire.login) });
    },
    onOutcome,
  );
}

/** A group name the run resolved: its id, or why it could not be found or created. */
type ResolvedGroup = { id: string } | { error: string };

/** Group names one look-up searches for (`profile.name eq "A" or profile.name eq "B" ...`). */
const NAMES_PER_LOOKUP = 20;

/**
 * Finds (or creates) each group `people` name that `groups` does not hold yet, and adds it to `groups` under
 * its lower-cased name (Okta compares names so): one search per 20 names, then one create per name that
 * does not exist yet, `concurrency` at a time.
 */
async function resolveGroups(
  people: NewHire[],
  options: RunOptions,
  groups: Map<string, ResolvedGroup>,
): Promise<void> {
  const names = new Map<string, string>();
  for (const hire of people) {
    for (const name of hire.groups) {
      const key = name.toLowerCase();
      if (!names.has(key) && !groups.has(key)) names.set(key, name);
    }
  }
  const call = callOptions(options.activityOptions);
  const wanted = [...names.values()];
  for (let i = 0; i < wanted.length; i += NAMES_PER_LOOKUP) {
    const chunk = wanted.slice(i, i + NAMES_PER_LOOKUP);
    try {
      for (const group of await findGroups(chunk, call)) {
        const key = group.profile.name.toLowerCase();
        if (names.has(key) && !groups.has(key)) groups.set(key, { id: group.id });
      }
    } catch (err) {
      for (const name of chunk)
        groups.set(name.toLowerCase(), { error: `group ${name}: ${rootMessage(err)}` });
    }
  }
  const missing = wanted.filter((name) => !groups.has(name.toLowerCase()));
  async function lane(): Promise<void> {
    for (let name = missing.shift(); name !== undefined; name = missing.shift()) {
      try {
        groups.set(name.toLowerCase(), { id: (await createGroup(name, call)).id });
      } catch (err) {
        groups.set(name.toLowerCase(), { error: `group ${name}: ${rootMessage(err)}` });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, missing.length) }, lane));
}

/** The id of a group the run resolved; throws (failing that hire only) when it could not be. */
function groupIdOf(groups: Map<string, ResolvedGroup>, name: string): string {
  const group = groups.get(name.toLowerCase());
  if (!group || 'error' in group) throw new Error(group?.error ?? `group ${name} was not resolved`);
  return group.id;
}

/**
 * A run of more hires than one payload holds: the first batch comes in the input, the others by
 * `addHires` signals (numbered, so a batch delivered twice is taken once; the run waits until it has
 * `total` hires). Each batch runs in its own child workflow ({@link onboardNewHiresBatch}), one after the
 * other, so the parent's history holds a few events per batch, not per hire, and no payload grows with
 * the run: the progress and the result carry counts and the failed hires' lines (at most 500).
 */
async function onboardInBatches(
  first: NewHire[],
  total: number,
  options: RunOptions,
  connect: () => Promise<unknown>,
): Promise<OnboardingProgress> {
  const pending: NewHire[][] = [first];
  const taken = new Set<number>([0]);
  let received = first.length;
  const counts = { created: 0, alreadyProvisioned: 0, failed: 0 };
  const failures: HireProgress[] = [];
  const batchCount = Math.ceil(total / MAX_HIRES_PER_BATCH);
  let batchesDone = 0;
  let current = { done: 0, failed: 0 };
  const fail = (lines: HireProgress[], count = lines.length) => {
    counts.failed += count;
    failures.push(...lines.slice(0, Math.max(0, MAX_HIRES_PER_BATCH - failures.length)));
  };
  const snapshot = (finished: boolean): OnboardingProgress => ({
    total,
    done: counts.created + counts.alreadyProvisioned + current.done,
    failed: counts.failed + current.failed,
    finished,
    hires: failures.map((h) => ({ ...h })),
    created: counts.created,
    alreadyProvisioned: counts.alreadyProvisioned,
    batches: { done: batchesDone, total: Math.max(batchCount, batchesDone + pending.length) },
  });
  setHandler(progressQuery, () => snapshot(false));
  setHandler(batchProgressSignal, (progress) => void (current = progress));
  setHandler(addHiresSignal, (more) => {
    // A signal handler must not throw: a bad batch fails its hires, not the run.
    const parsed = AddHiresSchema.safeParse(more);
    if (!parsed.success) {
      const hires = (more as { hires?: unknown } | undefined)?.hires;
      const count = Array.isArray(hires) ? hires.length : 0;
      received += count;
      const error = `${count} hires refused: ${describeIssues(parsed.error).join('; ')}`;
      fail([{ login: '(a batch of hires)', status: 'failed', error }], count);
      return;
    }
    if (taken.has(parsed.data.batch)) return;
    taken.add(parsed.data.batch);
    received += parsed.data.hires.length;
    pending.push(parsed.data.hires);
  });

  await connect();
  const groupIds: Record<string, string> = {};
  for (let batch = 0; ; batch++) {
    await condition(() => pending.length > 0 || received >= total);
    const hires = pending.shift();
    if (!hires) break;
    current = { done: 0, failed: 0 };
    try {
      const input: OnboardingBatchInput = { hires, ...options, groupIds };
      const report = await executeChild(onboardNewHiresBatch, {
        args: [input],
        workflowId: `${workflowInfo().workflowId}-batch-${batch}`,
      });
      counts.created += report.created;
      counts.alreadyProvisioned += report.alreadyProvisioned;
      fail(report.failures, report.failed);
      Object.assign(groupIds, report.groupIds);
    } catch (err) {
      fail(hires.map((h) => ({ login: h.login, status: 'failed' as const, error: rootMessage(err) })));
    }
    current = { done: 0, failed: 0 };
    batchesDone++;
  }
  return snapshot(true);
}

/**
 * One batch of a large onboarding run (at most 500 hires), started by {@link onboardNewHires}: resolves the
 * group names earlier batches did not, then provisions each hire in its own {@link provisionNewHire}
 * child, `concurrency` at a time, on the parent's global session. Tells the parent its progress by signal
 * every 25 hires, and returns counts, the failed hires' lines and the group ids (for the next batch).
 */
export async function onboardNewHiresBatch(input: OnboardingBatchInput): Promise<OnboardingBatchReport> {
  const { hires, concurrency, activityOptions, groupIds } = parseInput(
    OnboardingBatchInputSchema,
    input,
    'onboardNewHiresBatch',
  );
  const lines: HireProgress[] = hires.map((h) => ({ login: h.login, status: 'pending' }));
  const groups = new Map<string, ResolvedGroup>(Object.entries(groupIds).map(([name, id]) => [name, { id }]));
  const count = (status: HireProgress['status']) => lines.filter((l) => l.status === status).length;
  const parent = workflowInfo().parent;
  let reported = 0;
  let sending: Promise<void> = Promise.resolve();
  const report = () => {
    const done = count('created') + count('alreadyProvisioned');
    const failed = count('failed');
    if (!parent || done + failed - reported < BATCH_PROGRESS_EVERY) return;
    reported = done + failed;
    const handle = getExternalWorkflowHandle(parent.workflowId, parent.runId);
    // Progress is a courtesy: a signal that cannot be delivered does not fail the batch.
    sending = sending.then(() => handle.signal(batchProgressSignal, { done, failed }).catch(() => undefined));
  };
  const options = { concurrency, ...(activityOptions ? { activityOptions } : {}) };
  await provisionAll(hires, lines, options, groups, report);
  await sending;
  const resolved: Record<string, string> = {};
  for (const [name, group] of groups) if ('id' in group) resolved[name] = group.id;
  return {
    created: count('created'),
    alreadyProvisioned: count('alreadyProvisioned'),
    failed: count('failed'),
    failures: lines.filter((l) => l.status === 'failed'),
    groupIds: resolved,
  };
}
pinned(onboardNewHiresBatch);

/**
 * Provisions one new hire on the parent's global `okta` session: creates the user (activated) in the
 * hire's groups in one call. `options.groupIds` are the groups' ids, in the order of the hire's `groups`
 * (the parent resolves them once per run); without them the child finds each group by name, creating one
 * that does not exist yet. Safe to run again: when a user already holds the login, it is put in the groups
 * (adding a member twice is a success) and reported `alreadyProvisioned`. `options.activityOptions` (from
 * the parent's input) apply to each of its Okta calls.
 */
export async function provisionNewHire(
  input: NewHire,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const hire = parseInput(NewHireSchema, input, 'provisionNewHire');
  const { activityOptions, groupIds } = parseInput(ProvisionOptionsSchema, options, 'provisionNewHire');
  const call = callOptions(activityOptions);
  if (groupIds) {
    if (groupIds.length !== hire.groups.length) {
      throw ApplicationFailure.create({
        type: OktaErrorType.OktaInvalidInput,
        message:
          'provisionNewHire: invalid input: groupIds: must hold one id per group of the hire ' +
          `(${hire.groups.length}), in the same order`,
        nonRetryable: true,
        details: [{ fields: ['groupIds'] }],
      });
    }
    return createInGroups(hire, groupIds, call);
  }
  if (!patched(GROUP_IDS_PATCH)) return provisionLookingUp(hire, call);
  const groups = new Map<string, ResolvedGroup>();
  await resolveGroups([hire], { concurrency: 1, ...(activityOptions ? { activityOptions } : {}) }, groups);
  return createInGroups(
    hire,
    hire.groups.map((name) => groupIdOf(groups, name)),
    call,
  );
}
pinned(provisionNewHire);

/**
 * Creates the hire's user (activated) in its groups: the first 20 ids with the create (Okta's limit), the
 * others added one by one. A rerun's create finds the user it made (same profile) and puts it in the
 * groups (`alreadyExisted`); a user whose profile was edited in Okta since holds the login too, so it is
 * the same account: it gets its groups and counts as provisioned.
 */
async function createInGroups(
  hire: NewHire,
  groupIds: string[],
  call: CallOptions,
): Promise<ProvisionResult> {
  const atCreate = groupIds.slice(0, MAX_CREATE_GROUP_IDS);
  let userId: string;
  let status: ProvisionResult['status'];
  try {
    const user = await okta.users.create({
      ...call,
      profile: toProfile(hire),
      activate: true,
      groupIds: atCreate,
    });
    userId = user.id;
    status = user.alreadyExisted ? 'alreadyProvisioned' : 'created';
  } catch (err) {
    const existing = conflictingUserId(err);
    if (!existing) throw err;
    userId = existing;
    status = 'alreadyProvisioned';
    for (const group of atCreate) await okta.groups.addUser({ ...call, group, user: userId });
  }
  for (const group of groupIds.slice(MAX_CREATE_GROUP_IDS)) {
    await okta.groups.addUser({ ...call, group, user: userId });
  }
  return { login: hire.login, userId, status, groups: hire.groups };
}

/** The id of the user that holds the login, when a create failed with OktaConflict for that reason. */
function conflictingUserId(err: unknown): string | undefined {
  if (oktaErrorType(err) !== OktaErrorType.OktaConflict) return undefined;
  const id = (oktaErrorDetails(err)[0] as { existingUserId?: unknown } | undefined)?.existingUserId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The child as it ran before {@link GROUP_IDS_PATCH}: finds the user by login or creates it, then finds
 * or creates each group by name and adds the user. Kept so that histories recorded then replay.
 */
async function provisionLookingUp(hire: NewHire, call: CallOptions): Promise<ProvisionResult> {
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

/** The groups named any of `names` (case-insensitively, as Okta compares names), in one search. */
async function findGroups(names: string[], call: CallOptions): Promise<OktaGroup[]> {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const { items } = await okta.groups.list({
    ...call,
    search: names.map((name) => `profile.name eq ${JSON.stringify(name)}`).join(' or '),
    limit: 200,
  });
  return items.filter((g) => wanted.has(g.profile.name.toLowerCase()));
}

/**
 * Creates a group the run's search did not find. Another run may create it first: Okta refuses the
 * second create (OktaConflict), and the group it made is looked up.
 */
async function createGroup(name: string, call: CallOptions): Promise<OktaGroup> {
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

/** Looks a group up by name, or creates it (the path of runs recorded before {@link GROUP_IDS_PATCH}). */
async function findOrCreateGroup(name: string, call: CallOptions): Promise<OktaGroup> {
  return (await findGroup(name, call)) ?? createGroup(name, call);
}
