import { defineQuery, executeChild, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { OktaLogEvent } from '../common/actions.js';
import type { OktaUser } from '../common/contract.js';
import { OktaErrorType } from '../common/errors.js';
import {
  OFFBOARDING_EVENT_TYPES,
  OFFBOARDING_PROGRESS_QUERY,
  OffboardingInputSchema,
  OffboardingMode,
  OffboardingStep,
  OffboardUserAnyInputSchema,
  offboardWorkflowId,
  type OffboardingAction,
  type OffboardingInput,
  type OffboardingLogEntry,
  type OffboardingProgress,
  type OffboardingUserProgress,
  type OffboardUserInput,
  type OffboardUserResult,
} from '../common/offboarding.js';
import { oktaErrorType, rootMessage } from './failures.js';
import { okta } from './okta.js';
import { parseInput } from './validation.js';
import { pinned } from './versioning.js';

/**
 * Sample workflows: offboarding, taking access away quickly and provably. The parent connects once with a
 * GLOBAL session and offboards each person in a child workflow, which records what it did and the System
 * Log events that confirm it.
 */

/** The session the parent opens and its children use (a child started by an event hook opens its own). */
const SESSION = 'okta';

/** The parent's progress: total, done, failed, and each person's status. */
export const offboardingProgressQuery = defineQuery<OffboardingProgress>(OFFBOARDING_PROGRESS_QUERY);

/**
 * Offboards people (logins or user ids): connects to the org (a global session named `okta`), then runs
 * one {@link offboardUser} child per person (workflow id {@link offboardWorkflowId}: `offboard-` and a
 * hash of the login or id), `concurrency` at a time. A person whose child fails is reported, not retried
 * by the parent; the others go on. Progress is answered by the `progress` query; the result is the final
 * progress, with each child's record.
 *
 * @example
 * await client.workflow.execute('offboardUsers', { taskQueue, workflowId, args: [{ users: ['ada@companyabc.com'],
 *   domain: 'companyabc.okta.com', connection: 'okta-automation', mode: 'deactivate' }] });
 */
export async function offboardUsers(input: OffboardingInput): Promise<OffboardingProgress> {
  const lines: OffboardingUserProgress[] = [];
  const snapshot = (finished: boolean): OffboardingProgress => ({
    total: lines.length,
    done: lines.filter((l) => l.status === 'offboarded' || l.status === 'alreadyOffboarded').length,
    failed: lines.filter((l) => l.status === 'failed').length,
    finished,
    users: lines.map((l) => ({ ...l })),
  });
  setHandler(offboardingProgressQuery, () => snapshot(false));

  const { users, domain, connection, mode, concurrency } = parseInput(
    OffboardingInputSchema,
    input,
    'offboardUsers',
  );
  for (const user of users) lines.push({ user, status: 'pending' });

  await okta.connect({ domain, connection, session: { global: SESSION } });

  let next = 0;
  async function lane(): Promise<void> {
    while (next < users.length) {
      const index = next++;
      const line = lines[index]!;
      line.status = 'running';
      try {
        const result = await executeChild(offboardUser, {
          args: [{ user: line.user, mode }],
          workflowId: offboardWorkflowId(line.user),
        });
        Object.assign(line, { status: result.status, userId: result.userId, result });
      } catch (err) {
        Object.assign(line, { status: 'failed', error: rootMessage(err) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, lane));
  return snapshot(true);
}
pinned(offboardUsers);

/**
 * Offboards one user and returns the record of it: every step done or skipped (and why), and the System
 * Log events about the user since the workflow started.
 *
 * Order: with `mode: 'suspend'`, suspend first (sign-in stops at once), then end sessions and revoke OAuth
 * tokens, reset factors, leave every group but the built-in Everyone, and lose every direct app
 * assignment. With `mode: 'deactivate'`, sessions, tokens and factors go first (Okta refuses
 * `reset_factors` for a DEPROVISIONED user), then deactivation, groups and apps. Each step reads the
 * state before it changes it, so a retry or a rerun changes nothing twice: a user already suspended or
 * deactivated is not again, factors are reset only when some are enrolled, and only remaining groups and
 * direct assignments are removed; ending sessions is the one call repeated, which Okta always accepts.
 *
 * Started by {@link offboardUsers} with `{ user, mode }` on the parent's global session, or by an event
 * hook (`temporal-okta hooks serve`, route input `{ domain, connection }`) with
 * `{ event, userId, domain, connection }`, when it connects by itself.
 */
export async function offboardUser(input: OffboardUserInput): Promise<OffboardUserResult> {
  const parsed = parseInput(OffboardUserAnyInputSchema, input, 'offboardUser');
  const since = workflowInfo().runStartTime.toISOString();
  const mode = parsed.mode;
  const ref = 'user' in parsed ? parsed.user : parsed.userId;
  if ('event' in parsed) {
    await okta.connect({ domain: parsed.domain, connection: parsed.connection, session: { local: SESSION } });
  }

  const before = await okta.users.get({ session: SESSION, user: ref });
  const id = before.id;
  let status: string = before.status;
  const actions: OffboardingAction[] = [];
  const deprovisioned = () => status === 'DEPROVISIONED';

  if (mode === OffboardingMode.suspend) status = await suspend(id, status, actions);
  // Okta ends a user's sessions when it deactivates them; revoking the OAuth tokens is asked for explicitly.
  await okta.users.clearSessions({ session: SESSION, user: id, oauthTokens: true });
  actions.push({ step: OffboardingStep.clearSessions, outcome: 'done', detail: 'sessions and OAuth tokens' });
  if (deprovisioned()) {
    actions.push({
      step: OffboardingStep.resetFactors,
      outcome: 'skipped',
      detail: 'DEPROVISIONED: Okta refuses reset_factors for a deactivated user',
    });
  } else {
    const factors = await okta.users.factors({ session: SESSION, user: id });
    if (factors.length === 0) {
      actions.push({ step: OffboardingStep.resetFactors, outcome: 'skipped', detail: 'no factor enrolled' });
    } else {
      await okta.users.resetFactors({ session: SESSION, user: id });
      const types = factors.map((f) => f.factorType).join(', ');
      actions.push({ step: OffboardingStep.resetFactors, outcome: 'done', detail: types });
    }
  }
  if (mode === OffboardingMode.deactivate) status = await deactivate(id, status, actions);
  await leaveGroups(id, actions);
  await leaveApps(id, actions);

  const changed = actions.some((a) => a.outcome === 'done' && a.step !== OffboardingStep.clearSessions);
  const lifecycle = changed && actions.some((a) => a.outcome === 'done' && isLifecycle(a.step));
  return {
    user: ref,
    userId: id,
    login: before.profile.login,
    mode,
    status: changed ? 'offboarded' : 'alreadyOffboarded',
    statusBefore: before.status,
    statusAfter: status,
    actions,
    systemLog: await evidence(id, since, lifecycle),
  };
}
pinned(offboardUser);

const isLifecycle = (step: OffboardingStep) =>
  step === OffboardingStep.suspend || step === OffboardingStep.deactivate;

/**
 * Runs a lifecycle operation. Okta refuses to suspend a user who is no longer ACTIVE, or deactivate one
 * already DEPROVISIONED; when an attempt did the change but its answer was lost, the retry is refused
 * that way: the user is read back, and the change counts as done when the status is the one asked for.
 */
async function changeStatus(
  id: string,
  operation: 'suspend' | 'deactivate',
  target: string,
): Promise<OktaUser> {
  try {
    return await okta.users.lifecycle({ session: SESSION, user: id, operation });
  } catch (err) {
    const type = oktaErrorType(err);
    if (type !== OktaErrorType.OktaValidationFailed && type !== OktaErrorType.OktaConflict) throw err;
    const user = await okta.users.get({ session: SESSION, user: id });
    if (user.status !== target) throw err;
    return user;
  }
}

/** Suspends an ACTIVE user; any other status is recorded as skipped (Okta suspends ACTIVE users only). */
async function suspend(id: string, status: string, actions: OffboardingAction[]): Promise<string> {
  if (status !== 'ACTIVE') {
    const why =
      status === 'SUSPENDED' || status === 'DEPROVISIONED'
        ? `already ${status}`
        : `${status}: Okta suspends ACTIVE users only; deactivate instead`;
    actions.push({ step: OffboardingStep.suspend, outcome: 'skipped', detail: why });
    return status;
  }
  const user = await changeStatus(id, 'suspend', 'SUSPENDED');
  actions.push({ step: OffboardingStep.suspend, outcome: 'done', detail: `${status} → ${user.status}` });
  return user.status;
}

/** Deactivates a user unless already DEPROVISIONED. */
async function deactivate(id: string, status: string, actions: OffboardingAction[]): Promise<string> {
  if (status === 'DEPROVISIONED') {
    actions.push({ step: OffboardingStep.deactivate, outcome: 'skipped', detail: 'already DEPROVISIONED' });
    return status;
  }
  const user = await changeStatus(id, 'deactivate', 'DEPROVISIONED');
  actions.push({ step: OffboardingStep.deactivate, outcome: 'done', detail: `${status} → ${user.status}` });
  return user.status;
}

/** Removes the user from every group but the built-in Everyone group (Okta does not allow that). */
async function leaveGroups(id: string, actions: OffboardingAction[]): Promise<void> {
  const { items } = await okta.users.groups({ session: SESSION, user: id, limit: 1000 });
  const groups = items.filter((g) => g.type !== 'BUILT_IN');
  for (const group of groups) {
    await okta.groups.removeUser({ session: SESSION, group: group.id, user: id });
    actions.push({
      step: OffboardingStep.removeFromGroup,
      outcome: 'done',
      detail: group.profile.name,
      targetId: group.id,
    });
  }
  if (groups.length === 0) {
    actions.push({
      step: OffboardingStep.removeFromGroup,
      outcome: 'skipped',
      detail: 'in no group but Everyone',
    });
  }
}

/**
 * Removes every direct app assignment. Runs after {@link leaveGroups}, so the apps left on the dashboard
 * are direct or through a group the user stays in (Everyone): each one's assignment is read, and only a
 * direct one (`scope: USER`) removed, so a rerun sends no removal Okta would answer 404.
 */
async function leaveApps(id: string, actions: OffboardingAction[]): Promise<void> {
  const links = await okta.users.appLinks({ session: SESSION, user: id });
  for (const link of links) {
    const path = `/api/v1/apps/${encodeURIComponent(link.appInstanceId)}/users/${encodeURIComponent(id)}`;
    let scope: string | undefined;
    try {
      const res = await okta.request({ session: SESSION, method: 'GET', path });
      scope = (res.body as { scope?: string } | null)?.scope;
    } catch (err) {
      if (oktaErrorType(err) !== OktaErrorType.OktaNotFound) throw err;
    }
    if (scope !== 'USER') {
      actions.push({
        step: OffboardingStep.removeFromApp,
        outcome: 'skipped',
        detail: `${link.label}: through a group the user stays in`,
        targetId: link.appInstanceId,
      });
      continue;
    }
    await okta.apps.removeUser({ session: SESSION, app: link.appInstanceId, user: id });
    actions.push({
      step: OffboardingStep.removeFromApp,
      outcome: 'done',
      detail: link.label,
      targetId: link.appInstanceId,
    });
  }
  if (links.length === 0) {
    actions.push({ step: OffboardingStep.removeFromApp, outcome: 'skipped', detail: 'no app assigned' });
  }
}

/** How many times, and how long apart, to look for a lifecycle change's event: Okta logs it a few seconds late. */
const EVIDENCE_ATTEMPTS = 4;
const EVIDENCE_WAIT = '5 seconds';

/**
 * The System Log events about the user of the offboarding types, since `since`. When the status changed
 * now, waits (a durable timer) until its event is there, as Okta publishes events a few seconds late.
 * A session without `okta.logs.read` gets the reason instead: access is gone either way.
 */
async function evidence(
  id: string,
  since: string,
  expectLifecycle: boolean,
): Promise<OffboardUserResult['systemLog']> {
  const types = OFFBOARDING_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');
  const filter = `target.id eq "${id}" and (${types})`;
  try {
    let events: OktaLogEvent[] = [];
    for (let attempt = 1; attempt <= EVIDENCE_ATTEMPTS; attempt++) {
      events = (await okta.logs.query({ session: SESSION, since, filter, limit: 1000 })).items;
      if (!expectLifecycle || events.some((e) => e.eventType.startsWith('user.lifecycle.'))) break;
      if (attempt < EVIDENCE_ATTEMPTS) await sleep(EVIDENCE_WAIT);
    }
    return { since, events: events.map(toLogEntry) };
  } catch (err) {
    const type = oktaErrorType(err);
    if (type !== OktaErrorType.OktaMissingScopes && type !== OktaErrorType.OktaForbidden) throw err;
    return { since, events: [], error: rootMessage(err) };
  }
}

function toLogEntry(event: OktaLogEvent): OffboardingLogEntry {
  return {
    uuid: event.uuid,
    published: event.published,
    eventType: event.eventType,
    ...(event.outcome?.result ? { outcome: event.outcome.result } : {}),
    ...(event.displayMessage ? { displayMessage: event.displayMessage } : {}),
    targetIds: (event.target ?? []).map((t) => t.id),
  };
}
