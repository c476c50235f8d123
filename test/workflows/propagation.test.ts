import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OktaErrorType } from '../../common/errors.js';
import { OktaSessionSchema } from '../../common/session.js';
import { SESSIONS_HEADER } from '../../workflows/interceptors.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import {
  globalAcrossContinueAsNew,
  globalToGrandchild,
  localToChild,
  startChildAfterConnects,
  variableToChild,
} from './fixtures.js';
import { applicationFailureOf, startFixtureWorker, type FixtureWorker } from './worker.js';

describe('session propagation to child workflows and across continue-as-new', () => {
  let env: TestWorkflowEnvironment;
  let worker: FixtureWorker;
  const taskQueue = uniqueTaskQueue('okta-propagation');
  const start = <A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A) =>
    env.client.workflow.start(workflow, { args, taskQueue, workflowId: `${workflow.name}-${randomUUID()}` });

  beforeAll(async () => {
    env = await connectToDevServer();
    worker = await startFixtureWorker(env, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  it("lets a child and a grandchild use the parent's global session by name", async () => {
    const { global, used } = await (await start(globalToGrandchild)).result();
    expect(used).toEqual([global.id, global.id]);
  });

  it('does not show a local session to a child, and the error lists the names visible there', async () => {
    const failure = await applicationFailureOf((await start(localToChild)).result());
    expect(failure.type).toBe(OktaErrorType.OktaSessionNotFound);
    expect(failure.message).toContain("No Okta session named 'private'");
    expect(failure.message).toContain("local (none); global 'shared'");
  });

  it('lets a child use a variable session passed as an argument', async () => {
    const { variable, used } = await (await start(variableToChild)).result();
    expect(used).toBe(variable.id);
  });

  it('keeps a global session, and only a global session, across continue-as-new', async () => {
    const handle = await start(globalAcrossContinueAsNew);
    const report = await handle.result();
    expect(report.runId).not.toBe(handle.firstExecutionRunId);
    expect(report.resolved).toMatchObject({ name: 'okta', kind: 'global' });
    expect(report.resolved.createdBy.runId).toBe(handle.firstExecutionRunId);
    expect(report.used).toBe(report.resolved.id);
    expect(report.localVisible).toBe(false);
  });

  it('sends a child exactly the OktaSession values of the global sessions still connected', async () => {
    const childId = `okta-header-child-${randomUUID()}`;
    const [kept] = await (await start(startChildAfterConnects, childId)).result();

    const history = await env.client.workflow.getHandle(childId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const header = started?.header?.fields?.[SESSIONS_HEADER];
    expect(header).toBeDefined();
    const sessions = defaultPayloadConverter.fromPayload<Record<string, unknown>[]>(header!);
    expect(sessions).toEqual([kept]);
    expect(Object.keys(sessions[0]!).sort()).toEqual(Object.keys(OktaSessionSchema.shape).sort());
    expect(Object.keys(started?.header?.fields ?? {})).toEqual([SESSIONS_HEADER]);
  });
});
