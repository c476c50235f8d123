/** Workflows that drive the Okta actions against the emulator; bundled by the tests in this folder. */
import { CancellationScope, isCancellation, sleep, type ActivityOptions } from '@temporalio/workflow';
import { okta, type OktaSession } from '../../workflows/index.js';

const org = { domain: 'companyabc.okta.com', connection: 'okta-automation' } as const;

/** Connects a variable session and returns it, for the other workflows to use by value. */
export async function connectVariable(): Promise<OktaSession> {
  return okta.connect({ ...org, session: { variable: true } });
}

/** Connects a variable session on another connection of the emulated org (`okta-automation-dpop`, say). */
export async function connectVariableTo(connection: string): Promise<OktaSession> {
  return okta.connect({ domain: org.domain, connection, session: { variable: true } });
}

/** An action by its dotted name under `okta` (`users.create`, `groups.addUser`, `request`). */
function actionNamed(name: string): (options: Record<string, unknown>) => Promise<unknown> {
  let target: unknown = okta;
  for (const part of name.split('.')) target = (target as Record<string, unknown>)[part];
  if (typeof target !== 'function') throw new Error(`okta.${name} is not an action`);
  return target as (options: Record<string, unknown>) => Promise<unknown>;
}

/** Runs `okta.<name>({ session, ...options })` and returns its result. */
export async function act(
  session: OktaSession,
  name: string,
  options: Record<string, unknown>,
): Promise<unknown> {
  return actionNamed(name)({ session, ...options });
}

/** Runs several actions one after the other (e.g. a delete and its retry); returns every result. */
export async function actInSequence(
  session: OktaSession,
  steps: { name: string; options: Record<string, unknown> }[],
): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const step of steps) results.push(await actionNamed(step.name)({ session, ...step.options }));
  return results;
}

/** Runs the same action with each of `optionsList` at once; returns every result in order. */
export async function actInParallel(
  session: OktaSession,
  name: string,
  optionsList: Record<string, unknown>[],
): Promise<unknown[]> {
  return Promise.all(optionsList.map((options) => actionNamed(name)({ session, ...options })));
}

/** Iterates `okta.users.pages`; returns the page sizes and every user id seen. */
export async function iterateUserPages(
  session: OktaSession,
  pageSize: number,
): Promise<{ pageSizes: number[]; ids: string[] }> {
  const pageSizes: number[] = [];
  const ids: string[] = [];
  for await (const page of okta.users.pages({ session, pageSize })) {
    pageSizes.push(page.length);
    for (const user of page) ids.push(user.id);
  }
  return { pageSizes, ids };
}

/** Runs `okta.users.list`, and cancels it after `cancelAfterMs` when given; reports whether it was cancelled. */
export async function listUsersCancellable(
  session: OktaSession,
  activityOptions: ActivityOptions,
  cancelAfterMs: number,
): Promise<'cancelled' | 'completed'> {
  const scope = new CancellationScope();
  const listing = scope.run(() => okta.users.list({ session, limit: 1000, activityOptions }));
  const timer = CancellationScope.nonCancellable(async () => {
    await sleep(cancelAfterMs);
    scope.cancel();
  });
  try {
    await listing;
    return 'completed';
  } catch (err) {
    if (isCancellation(err)) return 'cancelled';
    throw err;
  } finally {
    await timer;
  }
}
