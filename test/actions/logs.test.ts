import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListResult, LogPoll, OktaLogEvent } from '../../common/actions.js';
import type { OktaSession } from '../../common/session.js';
import type { createOktaActivities } from '../../activities/create-activities.js';
import { SESSION_INTERCEPTORS_MODULE } from '../../worker/create-worker.js';
import { newProfile, startActionsHarness, uniqueTaskQueue, type ActionsHarness } from './harness.js';
import {
  act,
  collectEvents,
  connectAudit,
  doneSignal,
  followSystemLog,
  iterateLogPages,
  receivedQuery,
} from './logs-workflows.js';

const { EventType } = temporal.api.enums.v1;
const workflowsPath = fileURLToPath(new URL('./logs-workflows.ts', import.meta.url));

let h: ActionsHarness;
let audit: OktaSession;
let activities: ReturnType<typeof createOktaActivities>;
let bundle: WorkflowBundle;
beforeAll(async () => {
  h = await startActionsHarness({
    workflowsPath,
    wrap: (a) => (activities = a),
  });
  audit = await h.execute<OktaSession>(connectAudit.name, []);
  bundle = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [SESSION_INTERCEPTORS_MODULE],
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Creates an activated user with a password through the Management API: two events (create, activate). */
async function createUser(tag: string): Promise<string> {
  const res = await h.direct('POST', '/api/v1/users?activate=true', {
    profile: newProfile(tag),
    credentials: { password: { value: 'correct-horse-1' } },
  });
  return (res.body as { id: string }).id;
}

const logs = <R>(name: string, options: Record<string, unknown>) =>
  h.execute<R>(act.name, [audit, name, options]);

describe('okta.logs', () => {
  it('queries the events of a window, filtered, up to a limit', async () => {
    const since = new Date().toISOString();
    const a = await createUser('log-a');
    await createUser('log-b');
    const all = await logs<ListResult<OktaLogEvent>>('logs.query', { since });
    expect(all.items.map((e) => e.eventType)).toEqual([
      'user.lifecycle.create',
      'user.lifecycle.activate',
      'user.lifecycle.create',
      'user.lifecycle.activate',
    ]);
    const filtered = await logs<ListResult<OktaLogEvent>>('logs.query', {
      since,
      filter: `eventType eq "user.lifecycle.create" and target.id eq "${a}"`,
    });
    expect(filtered.items.map((e) => e.target?.[0]?.id)).toEqual([a]);
    const bounded = await logs<ListResult<OktaLogEvent>>('logs.query', { since, limit: 3 });
    expect(bounded).toMatchObject({ truncated: true, items: { length: 3 } });
  });

  it('iterates a query page by page, and the pages end', async () => {
    const since = new Date().toISOString();
    for (let i = 0; i < 3; i++) await createUser(`log-page${i}`);
    const pages = await h.execute<string[][]>(iterateLogPages.name, [audit, { since, pageSize: 4 }]);
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(new Set(pages.flat()).size).toBe(6);
  });

  it('polls: an empty poll keeps its place, and the next one returns only the new events', async () => {
    const since = new Date().toISOString();
    await createUser('log-poll1');
    const first = await logs<LogPoll>('logs.poll', { since });
    expect(first.events).toHaveLength(2);
    const empty = await logs<LogPoll>('logs.poll', { cursor: first.cursor });
    expect(empty).toEqual({ events: [], cursor: first.cursor });
    const id = await createUser('log-poll2');
    const next = await logs<LogPoll>('logs.poll', { cursor: empty.cursor });
    expect(next.events.map((e) => e.target?.[0]?.id)).toEqual([id, id]);
  });
});

describe('followSystemLog', () => {
  it('signals every event exactly once across worker restarts and continue-as-new', async () => {
    const taskQueue = uniqueTaskQueue('follow');
    const startWorker = async () => {
      const worker = await Worker.create({
        connection: h.env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        activities,
        stickyQueueScheduleToStartTimeout: '1 second',
      });
      return { worker, running: worker.run() };
    };
    const since = new Date().toISOString();
    const client = h.env.client;
    const collectorId = `${taskQueue}-collector`;
    let w = await startWorker();
    const collector = await client.workflow.start(collectEvents, { taskQueue, workflowId: collectorId });
    const follower = await client.workflow.start(followSystemLog, {
      taskQueue,
      workflowId: `${taskQueue}-follower`,
      args: [
        {
          domain: 'companyabc.okta.com',
          connection: 'okta-audit',
          since,
          pageSize: 2,
          pagesPerRun: 3,
          pollInterval: '200 milliseconds',
          deliverTo: { workflowId: collectorId },
        },
      ],
    });
    const received = () => collector.query(receivedQuery);
    /** Where a workflow is: its run, pending activities and last history events (for a failure message). */
    const stateOf = async (workflowId: string) => {
      const handle = client.workflow.getHandle(workflowId);
      const { status, runId, raw } = await handle.describe();
      const pending = (raw.pendingActivities ?? []).map(
        (a) => `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ?? ''}`,
      );
      const { events } = await handle.fetchHistory();
      const last = (events ?? []).slice(-8).map((e) => `${e.eventId} ${EventType[e.eventType ?? 0]}`);
      return JSON.stringify({ status: status.name, runId, pending, last });
    };
    // Events arrive within seconds. The bound leaves room for a task lost in transit at the worker's
    // shutdown, which Temporal retries after the poll's start-to-close timeout (60 s).
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 150_000;
      while ((await received()).length < count && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      const got = (await received()).length;
      if (got < count)
        throw new Error(
          `The collector has ${got} of ${count} events. Follower: ${await stateOf(follower.workflowId)}. Collector: ${await stateOf(collectorId)}`,
        );
    };

    for (let i = 0; i < 3; i++) await createUser(`follow-a${i}`);
    await waitFor(2);
    w.worker.shutdown();
    await w.running;
    for (let i = 0; i < 3; i++) await createUser(`follow-b${i}`);
    w = await startWorker();
    await waitFor(12);

    const expected = (
      await h.direct(
        'GET',
        `/api/v1/logs?since=${encodeURIComponent(since)}&until=${encodeURIComponent(new Date().toISOString())}`,
      )
    ).body as OktaLogEvent[];
    await new Promise((r) => setTimeout(r, 1000)); // time for a stray duplicate to arrive, if any
    expect(await received()).toEqual(expected.map((e) => e.uuid));
    expect(expected).toHaveLength(12);
    const described = await client.workflow.getHandle(follower.workflowId).describe();
    expect(described.runId).not.toBe(follower.firstExecutionRunId);

    await client.workflow.getHandle(follower.workflowId).terminate('test done');
    await collector.signal(doneSignal);
    await collector.result();
    w.worker.shutdown();
    await w.running;
  }, 400_000);
});
