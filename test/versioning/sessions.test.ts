import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteBuild } from '../../client/deployments.js';
import { OktaErrorType } from '../../common/errors.js';
import { connectToDevServer } from '../helpers/temporal.js';
import {
  applicationFailureOf,
  bundleFixtures,
  startBuildWorker,
  startOktaOrg,
  uniqueDeployment,
  type BuildWorker,
  type OktaOrg,
} from './harness.js';
import { globalAcrossContinueAsNew, globalToGrandchild, localToChild, variableToChild } from './workflows.js';

describe('sessions shared with child workflows, on real activities and a versioned worker', () => {
  const { taskQueue, deploymentName } = uniqueDeployment('okta-sessions');
  const buildId = '1.0.0+sessions';
  let env: TestWorkflowEnvironment;
  let org: OktaOrg;
  let worker: BuildWorker;
  const start = <A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A) =>
    env.client.workflow.start(workflow, { args, taskQueue, workflowId: `${workflow.name}-${randomUUID()}` });

  beforeAll(async () => {
    [env, org] = await Promise.all([connectToDevServer(), startOktaOrg()]);
    const workflowBundle = await bundleFixtures();
    worker = await startBuildWorker(env, {
      taskQueue,
      deploymentName,
      buildId,
      connections: org.connections,
      workflowBundle,
    });
    await promoteBuild(env.client, { deploymentName, buildId, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    await org?.close();
    await env?.teardown();
  });

  it("lets a child and a grandchild act in Okta on the parent's global session by name", async () => {
    const { session, work } = await (await start(globalToGrandchild)).result();
    expect(session).toMatchObject({ kind: 'global', name: 'okta', buildId });
    expect(work.map((w) => w.sessionId)).toEqual([session.id, session.id]);
    for (const w of work) expect((await org.getUser(w.login))?.id).toBe(w.userId);
  });

  it('does not show a local session to a child, and the error lists the names visible there', async () => {
    const failure = await applicationFailureOf((await start(localToChild)).result());
    expect(failure.type).toBe(OktaErrorType.OktaSessionNotFound);
    expect(failure.message).toContain("No Okta session named 'private'");
    expect(failure.message).toContain("local (none); global 'shared'");
  });

  it('lets a child act in Okta on a variable session passed as an argument', async () => {
    const { session, work } = await (await start(variableToChild)).result();
    expect(session.kind).toBe('variable');
    expect(work.sessionId).toBe(session.id);
    expect((await org.getUser(work.login))?.id).toBe(work.userId);
  });

  it("keeps a global session across the parent's continue-as-new, and the next run acts in Okta on it", async () => {
    const handle = await start(globalAcrossContinueAsNew);
    const { session, work, runId, connectedId } = await handle.result();
    expect(runId).not.toBe(handle.firstExecutionRunId);
    expect(session).toMatchObject({ kind: 'global', name: 'okta' });
    expect(session.createdBy.runId).toBe(handle.firstExecutionRunId);
    // The id the first run's Connect returned, not one the second run produced itself.
    expect(work.sessionId).toBe(connectedId);
    expect((await org.getUser(work.login))?.id).toBe(work.userId);
  });
});
