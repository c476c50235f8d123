import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { MAX_CREATE_GROUP_IDS, type OktaGroup } from '../common/actions.js';
import { OktaErrorType } from '../common/errors.js';
import {
  MAX_HIRES_PER_BATCH,
  NewHireSchema,
  NewHiresBatchSchema,
  ONBOARDING_ADD_HIRES_SIGNAL,
  ONBOARDING_PROGRESS_QUERY,
  OnboardingInputSchema,
  ProvisionOptionsSchema,
  provisionWorkflowId,
  toProfile,
  type BatchInput,
  type BatchReport,
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

/** Further hires of a run started with `total` above its first batch: at most 500 a signal. */
export const addHiresSignal = defineSignal<[NewHire[]]>(ONBOARDING_ADD_HIRES_SIGNAL);

/** From a batch child to its parent: how many of the batch's hires are done and failed so far. */
export const batchProgressSignal = defineSignal<[{ done: number; failed: number }]>('batchProgress');

/** A batch child tells its parent its progress at most this often (in hires), besides its result. */
const BATCH_PROGRESS_EVERY = 25;

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
 * state and answered by the `progress` query; the result is the final progress. With `total` above the
 * hires of the input (at most 500 a payload), the rest arrive by `addHires` signals and each batch of 500
 * runs in a child workflow ({@link onboardNewHiresBatch}); progress and result then carry counts.
 * `startOnboarding` does the splitting.
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
  } = parseInput(OnboardingInputSchema, input, 'onboardNewHires');
  if (total !== undefined && total > people.length) {
    return onboardInBatches(people, total, concurrency, async () => {
      await okta.connect({ domain, connection, session: { global: SESSION } });
    });
  }
  for (const hire of people) hires.push({ login: hire.login, status: 'pending' });

  await okta.connect({ domain, connection, session: { global: SESSION } });
  await provisionAll(people, hires, concurrency, new Map());
  return snapshot(true);
}
pinned(onboardNewHires);

/**
 * Runs one {@link provisionNewHire} child per hire, `concurrency` at a time, after resolving the groups
 * the hires name that `groups` does not hold yet; records each outcome in `lines` (same order as `people`).
 */
async function provisionAll(
  people: NewHire[],
  lines: HireProgress[],
  concurrency: number,
  groups: Map<string, ResolvedGroup>,
  onOutcome: () => void = () => undefined,
): Promise<void> {
  for (const [key, group] of await resolveGroups(people, concurrency, groups)) groups.set(key, group);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < people.length) {
      const index = next++;
      const hire = people[index]!;
      const line = lines[index]!;
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
      onOutcome();
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, people.length) }, lane));
}

/**
 * A run of more hires than one payload holds: the first batch comes in the input, the others by
 * `addHires` signals (the client sends them right after the start; the run waits for `total` hires).
 * Each batch runs in its own child workflow ({@link onboardNewHiresBatch}), one after the other, so the
 * parent's history holds a few events per batch, not per hire, and no payload grows with the run: the
 * progress and the result carry counts and the failed hires' lines (at most 500).
 */
async function onboardInBatches(
  first: NewHire[],
  total: number,
  concurrency: number,
  connect: () => Promise<void>,
): Promise<OnboardingProgress> {
  const pending: NewHire[][] = [first];
  let received = first.length;
  const counts = { created: 0, alreadyProvisioned: 0, failed: 0 };
  const failures: HireProgress[] = [];
  const batchCount = Math.ceil(total / MAX_HIRES_PER_BATCH);
  let batchesDone = 0;
  let current = { done: 0, failed: 0 };
  const fail = (lines: HireProgress[]) => {
    counts.failed += lines.length;
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
    batches: { done: batchesDone, total: batchCount },
  });
  setHandler(progressQuery, () => snapshot(false));
  setHandler(batchProgressSignal, (progress) => void (current = progress));
  setHandler(addHiresSignal, (more) => {
    // A signal handler must not throw: a bad batch fails its hires, not the run.
    const parsed = NewHiresBatchSchema.safeParse(more);
    const count = Array.isArray(more) ? more.length : 1;
    received += count;
    if (parsed.success) pending.push(parsed.data);
    else
      fail([
        { login: '(a batch of hires)', status: 'failed', error: `${count} hires refused: invalid batch` },
      ]);
  });

  await connect();
  const groupIds: Record<string, string> = {};
  for (let batch = 0; received < total || pending.length > 0; batch++) {
    await condition(() => pending.length > 0 || received >= total);
    const hires = pending.shift();
    if (!hires) break;
    current = { done: 0, failed: 0 };
    try {
      const report = await executeChild(onboardNewHiresBatch, {
        args: [{ hires, concurrency, groupIds }],
        workflowId: `${workflowInfo().workflowId}-batch-${batch}`,
      });
      counts.created += report.created;
      counts.alreadyProvisioned += report.alreadyProvisioned;
      counts.failed += report.failed - report.failures.length;
      fail(report.failures);
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
 * One batch of a large onboarding run (at most 500 hires), started by {@link onboardNewHires}: provisions
 * each hire in its own child, `concurrency` at a time, on the parent's global session, and reports
 * counts, the failed hires' lines and the group ids it resolved (the next batch reuses them).
 */
export async function onboardNewHiresBatch(input: BatchInput): Promise<BatchReport> {
  const hires = parseInput(NewHiresBatchSchema, input.hires, 'onboardNewHiresBatch', 'hires');
  const lines: HireProgress[] = hires.map((h) => ({ login: h.login, status: 'pending' }));
  const given = Object.entries(input.groupIds ?? {});
  const groups = new Map<string, ResolvedGroup>(given.map(([name, id]) => [name, { id }]));
  const parent = workflowInfo().parent;
  let reported = 0;
  let sending: Promise<void> = Promise.resolve();
  const report = (force: boolean) => {
    const done = lines.filter((l) => l.status === 'created' || l.status === 'alreadyProvisioned').length;
    const failed = lines.filter((l) => l.status === 'failed').length;
    if (!parent || (!force && done + failed - reported < BATCH_PROGRESS_EVERY)) return;
    reported = done + failed;
    const handle = getExternalWorkflowHandle(parent.workflowId, parent.runId);
    sending = sending.then(() => handle.signal(batchProgressSignal, { done, failed }).catch(() => undefined));
  };
  await provisionAll(hires, lines, Math.max(1, input.concurrency), groups, () => report(false));
  await sending;
  const count = (status: HireProgress['status']) => lines.filter((l) => l.status === status).length;
  const groupIds: Record<string, string> = {};
  for (const [name, group] of groups) if ('id' in group) groupIds[name] = group.id;
  return {
    created: count('created'),
    alreadyProvisioned: count('alreadyProvisioned'),
    failed: count('failed'),
    failures: lines.filter((l) => l.status === 'failed'),
    groupIds,
  };
}
pinned(onboardNewHiresBatch);

/** A group name resolved by the parent: its id, or why it could not be found or created. */
type ResolvedGroup = { id: string } | { error: string };

/**
 * Finds (or creates) every group the hires name, once per run, `concurrency` at a time: the children get
 * ids and create each user in its groups in one call. Keys are lower-cased (Okta compares names so).
 */
async function resolveGroups(
  people: NewHire[],
  concurrency: number,
  known: Map<string, ResolvedGroup>,
): Promise<Map<string, ResolvedGroup>> {
  const names = new Map<string, string>();
  for (const hire of people) {
    for (const name of hire.groups) {
      const key = name.toLowerCase();
      if (!names.has(key) && !known.has(key)) names.set(key, name);
    }
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
