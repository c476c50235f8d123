/** Workflows of the fan-out and listing benchmarks, bundled with the package's own (bench/harness.ts). */
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Page } from '../common/actions.js';
import { okta } from '../workflows/index.js';

export * from '../workflows/index.js';

/**
 * The activities of the baselines: the fan-out's does nothing at all (registered by bench/fan-out.ts); the
 * listing floor's returns a page held in memory, the same bytes `okta.users.listPage` returns for it
 * (bench/listing.ts).
 */
export interface BenchActivities {
  benchNoop(): Promise<void>;
  benchPage(index: number): Promise<Page<unknown>>;
}

const { benchNoop, benchPage } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

/** Where the benchmark workflows connect. */
export interface BenchOrg {
  domain: string;
  connection: string;
}

/** Runs `children` children at once, each by `run`, with ids under this workflow's. */
async function fanOut<A extends unknown[]>(
  children: number,
  child: (...args: A) => Promise<void>,
  args: A,
): Promise<void> {
  const { workflowId } = workflowInfo();
  await Promise.all(
    Array.from({ length: children }, (_, i) =>
      executeChild(child, { args, workflowId: `${workflowId}-${i}` }),
    ),
  );
}

/** Reads one user on the global session `okta` its parent opened. */
export async function benchGetUser(user: string): Promise<void> {
  await okta.users.get({ session: 'okta', user });
}

/** Calls the no-op activity once. */
export async function benchCallNoop(): Promise<void> {
  await benchNoop();
}

/** Connects a global session, then runs `children` children that each read `user` on it. */
export async function benchFanOutGetUser(org: BenchOrg, children: number, user: string): Promise<void> {
  await okta.connect({ ...org, session: { global: 'okta' } });
  await fanOut(children, benchGetUser, [user]);
}

/** Runs `children` children that each call the no-op activity. */
export async function benchFanOutNoop(children: number): Promise<void> {
  await fanOut(children, benchCallNoop, []);
}

/**
 * Iterates the users with `okta.users.pages` (on a local session), at most `maxPages` pages; returns how
 * many users it saw.
 */
export async function benchListUsers(org: BenchOrg, pageSize: number, maxPages = Infinity): Promise<number> {
  await okta.connect({ ...org, session: { local: 'okta' } });
  let users = 0;
  let pages = 0;
  for await (const page of okta.users.pages({ session: 'okta', pageSize })) {
    users += page.length;
    if (++pages >= maxPages) break;
  }
  return users;
}

/** Temporal's floor of a listing: one activity per page, each returning a page without calling Okta. */
export async function benchListFloor(pages: number): Promise<number> {
  let users = 0;
  for (let i = 0; i < pages; i++) users += (await benchPage(i)).items.length;
  return users;
}
