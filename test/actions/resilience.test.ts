import { Context } from '@temporalio/activity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_LIMIT, type ListResult } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { parseLinkHeader } from '../../activities/okta-client.js';
import { act, iterateUserPages, listUsersCancellable } from './workflows.js';
import { newProfile, startActionsHarness, type ActionsHarness } from './harness.js';

/** One attempt of an activity, timed on the worker. */
interface Attempt {
  activity: string;
  workflowId: string;
  attempt: number;
  start: number;
  end: number;
  ok: boolean;
}
const attempts: Attempt[] = [];

let h: ActionsHarness;
beforeAll(async () => {
  h = await startActionsHarness({
    seedUsers: 1200,
    // Time every attempt of the activities these tests retry, without changing what they do.
    wrap: (activities) => {
      const timed = <I, R>(name: string, run: (input: I) => Promise<R>) =>
        async function (input: I): Promise<R> {
          const { workflowExecution, attempt } = Context.current().info;
          const entry = {
            activity: name,
            workflowId: workflowExecution?.workflowId ?? '',
            attempt,
            start: Date.now(),
          };
          try {
            const result = await run(input);
            attempts.push({ ...entry, end: Date.now(), ok: true });
            return result;
          } catch (err) {
            attempts.push({ ...entry, end: Date.now(), ok: false });
            throw err;
          }
        };
      return {
        ...activities,
        oktaUsersGet: timed('oktaUsersGet', activities.oktaUsersGet),
        oktaUsersCreate: timed('oktaUsersCreate', activities.oktaUsersCreate),
      };
    },
  });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.t.controls.clearFaults();
});

/** Every user the org lists without a query, read directly with the SSWS token, in Okta's order. */
async function allListedUserIds(): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = `https://${h.t.org.domain}/api/v1/users?limit=200`;
  while (url) {
    const res: Response = await h.t.fetch(url, { headers: { authorization: `SSWS ${h.t.org.apiToken}` } });
    ids.push(...((await res.json()) as { id: string }[]).map((u) => u.id));
    url = parseLinkHeader(res.headers.get('link')).next;
  }
  return ids;
}

const listRequests = async () =>
  (await h.t.controls.requests()).requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/users');

describe('listing a 1,200-user org', () => {
  it('resumes at page 4 after an attempt failed on page 4, without fetching pages 1 to 3 again', async () => {
    await h.t.controls.clearRequests();
    // Pages 1 to 3 pass (a 1 ms delay), page 4 answers 500 once; the retry must start from the heartbeat.
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', latencyMs: 1, count: 3 });
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 500, count: 1 });
    const result = await h.run<ListResult<OktaUser>>('users.list', {
      limit: 1000,
      activityOptions: { heartbeatTimeout: '10 seconds', retry: { initialInterval: '100 milliseconds' } },
    });
    // Attempt 1: pages 1, 2, 3 and a failed page 4. Attempt 2: page 4 again, then page 5.
    expect((await listRequests()).map((r) => r.status)).toEqual([200, 200, 200, 500, 200, 200]);
    expect(result.items.map((u) => u.id)).toEqual((await allListedUserIds()).slice(0, 1000));
    expect(result.truncated).toBe(true);
  });

  it('okta.users.pages iterates every page with one activity result per page', async () => {
    const handle = await h.env.client.workflow.start(iterateUserPages, {
      args: [h.session, 200],
      taskQueue: h.taskQueue,
      workflowId: `${h.taskQueue}-pages`,
    });
    const { pageSizes, ids } = await handle.result();
    const expected = await allListedUserIds();
    expect(expected.length).toBeGreaterThan(1000);
    expect(ids).toEqual(expected);
    expect(Math.max(...pageSizes)).toBeLessThanOrEqual(200);

    const history = await handle.fetchHistory();
    const results = (history.events ?? [])
      .map((e) => e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data)
      .filter((data): data is Uint8Array => data != null)
      .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as { items: unknown[] });
    expect(results).toHaveLength(Math.ceil(expected.length / 200));
    for (const page of results) expect(page.items.length).toBeLessThanOrEqual(200);
  });

  it('cancelling a listing activity aborts the page request in flight', async () => {
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', latencyMs: 8000, count: 1 });
    const outcome = await h.execute(listUsersCancellable.name, [
      h.session,
      { heartbeatTimeout: '2 seconds', cancellationType: 'WAIT_CANCELLATION_COMPLETED' },
      500,
    ]);
    // The workflow waited for the activity to report the cancellation (WAIT_CANCELLATION_COMPLETED).
    expect(outcome).toBe('cancelled');
    // The emulator's own record: the client closed the connection before the page's 8 s answer was sent.
    const [request] = await listRequests();
    expect(request).toMatchObject({ status: 0 });
    expect(request!.durationMs).toBeLessThan(8000);
  });
});

/** Temporal's warning threshold for one payload (the server's `limit.blobSize.warn`). */
const PAYLOAD_WARN_BYTES = 512 * 1024;

/**
 * Runs `users.list` (limit 1,000) with pages 1 to `okPages` passing and the next page failing once, and
 * returns the failed attempt's heartbeat as Temporal holds it (the pending activity, waiting for its retry).
 */
async function heartbeatOfFailedListing(okPages: number): Promise<{ json: string; bytes: number }> {
  await h.t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', latencyMs: 1, count: okPages });
  await h.t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 500, count: 1 });
  const handle = await h.env.client.workflow.start(act, {
    args: [
      h.session,
      'users.list',
      {
        limit: MAX_LIST_LIMIT,
        // The retry waits long enough for the test to read the failed attempt's heartbeat.
        activityOptions: { heartbeatTimeout: '10 seconds', retry: { initialInterval: '1 minute' } },
      },
    ],
    taskQueue: h.taskQueue,
    workflowId: `${h.taskQueue}-heartbeat-${okPages}-${Date.now()}`,
  });
  try {
    for (let tries = 0; tries < 200; tries++) {
      const [pending] = (await handle.describe()).raw.pendingActivities ?? [];
      const data = pending?.heartbeatDetails?.payloads?.[0]?.data;
      if (pending?.lastFailure && data) {
        return { json: Buffer.from(data).toString('utf8'), bytes: data.byteLength };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the listing did not fail an attempt with a heartbeat within 20 s');
  } finally {
    await handle.terminate('heartbeat read');
  }
}

describe('listing heartbeats', () => {
  it("a failed attempt's heartbeat holds users as actions return them, without links, credentials or tokens", async () => {
    const { json } = await heartbeatOfFailedListing(1);
    const progress = JSON.parse(json) as { items: Record<string, unknown>[] };
    expect(progress.items).toHaveLength(200);
    for (const user of progress.items) {
      expect(Object.keys(user)).not.toContain('_links');
      expect(Object.keys(user)).not.toContain('credentials');
    }
    const accessTokens = (await h.t.controls.tokens()).filter((t) => t.kind === 'access_token');
    expect(accessTokens.length).toBeGreaterThan(0);
    for (const token of accessTokens) expect(json).not.toContain(token.value);
  });

  it("the heartbeat of a listing at the 1,000-item cap stays below Temporal's 512 KiB payload warning", async () => {
    // With Okta's 200-user pages, the heartbeat after page 4 (800 users) is the largest a 1,000-user
    // listing makes: after page 5 it has its 1,000 and returns.
    const { json, bytes } = await heartbeatOfFailedListing(4);
    expect((JSON.parse(json) as { items: unknown[] }).items).toHaveLength(800);
    expect(bytes).toBeLessThan(PAYLOAD_WARN_BYTES);
  });
});

describe('rate limits', () => {
  it('a 429 burst is retried when the window resets, without sleeping in the activity or failing a workflow', async () => {
    const users = (await allListedUserIds()).slice(0, 5);
    await h.t.controls.clearRequests();
    // Another integration spent the budget: Okta refuses the window with one 429. The worker sends
    // nothing more into it: the other gets fail their attempt too and all are retried at the reset.
    // (No earlier test of this file calls /api/v1/users/{id}: the worker knows nothing of that family's
    // window, so the first get goes alone and draws the 429.)
    const reset = Math.floor(Date.now() / 1000) + 5;
    await h.t.controls.addFault({
      pathPrefix: '/api/v1/users/',
      method: 'GET',
      status: 429,
      headers: {
        'X-Rate-Limit-Limit': '5',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(reset),
      },
      count: 1,
    });
    const started = Date.now();
    const results = await Promise.all(users.map((user) => h.run<OktaUser>('users.get', { user })));
    expect(results.map((u) => u.id)).toEqual(users);

    const byWorkflow = new Map<string, Attempt[]>();
    for (const a of attempts.filter((a) => a.activity === 'oktaUsersGet' && a.start >= started)) {
      byWorkflow.set(a.workflowId, [...(byWorkflow.get(a.workflowId) ?? []), a]);
    }
    expect(byWorkflow.size).toBe(users.length);
    for (const [, [first, second, ...more]] of byWorkflow) {
      expect(more).toEqual([]);
      expect(first).toMatchObject({ attempt: 1, ok: false });
      expect(second).toMatchObject({ attempt: 2, ok: true });
      expect(first!.end).toBeLessThan(reset * 1000); // failed at once: no sleeping inside until the reset
    }
    // The emulator's own clock: one GET drew the 429, and each user's answered GET arrived after the window
    // reset (plus the 1 s margin), not on the 1 s default backoff, and within the same minute, not a whole
    // window later.
    const gets = (await h.t.controls.requests()).requests.filter((r) => r.method === 'GET');
    expect(gets.filter((r) => r.status === 429)).toHaveLength(1);
    for (const user of users) {
      const answered = gets.filter((r) => r.path === `/api/v1/users/${user}` && r.status === 200);
      expect(answered).toHaveLength(1);
      const arrived = Date.parse(answered[0]!.at) - answered[0]!.durationMs;
      expect(arrived).toBeGreaterThanOrEqual(reset * 1000 + 900);
      expect(arrived).toBeLessThan(reset * 1000 + 30_000);
    }
  });
});

describe('retry-safe create', () => {
  it('returns the user its timed-out first attempt created, and creates exactly one', async () => {
    const profile = newProfile('slow-create');
    await h.t.controls.clearRequests();
    // Okta takes 2.5 s to create the user; the attempt times out after 1 s but the request runs on, so
    // the user exists when the retry (4 s later) posts the same login again.
    await h.t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'POST', latencyMs: 2500, count: 1 });
    const started = Date.now();
    const user = await h.run<OktaUser>('users.create', {
      profile,
      activityOptions: {
        startToCloseTimeout: '1 second',
        retry: { initialInterval: '4 seconds', maximumAttempts: 3 },
      },
    });
    expect(user.profile.login).toBe(profile.login);

    const posts = (await h.t.controls.requests()).requests.filter(
      (r) => r.method === 'POST' && r.path === '/api/v1/users',
    );
    // Attempt 1's request created the user (200, after its activity timed out); attempt 2 found the login taken.
    expect(posts.map((r) => r.status)).toEqual([200, 400]);
    const creates = attempts.filter((a) => a.activity === 'oktaUsersCreate' && a.start >= started);
    expect(creates.map((a) => a.attempt)).toEqual([1, 2]);
    const found = await h.direct(
      'GET',
      `/api/v1/users?filter=${encodeURIComponent(`profile.login eq "${profile.login}"`)}`,
    );
    expect((found.body as { id: string }[]).map((u) => u.id)).toEqual([user.id]);
  });
});
