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
  versioningOf,
  type BuildWorker,
  type OktaOrg,
} from './harness.js';
import { connectVariable, parentThatWaits, startChildren, workOnSessionValue } from './workflows.js';

describe('parent and child workflows pinned to one build while another build becomes current', () => {
  const { taskQueue, deploymentName } = uniqueDeployment('okta-pinning');
  const buildA = '1.0.0+build-a';
  const buildB = '1.1.0+build-b';
  let env: TestWorkflowEnvironment;
  let org: OktaOrg;
  const workers: BuildWorker[] = [];
  const workflowId = (name: string) => `${name}-${randomUUID()}`;

  beforeAll(async () => {
    [env, org] = await Promise.all([connectToDevServer(), startOktaOrg()]);
    const workflowBundle = await bundleFixtures();
    for (const buildId of [buildA, buildB]) {
      workers.push(
        await startBuildWorker(env, {
          taskQueue,
          deploymentName,
          buildId,
          connections: org.connections,
          workflowBundle,
        }),
      );
    }
    await promoteBuild(env.client, { deploymentName, buildId: buildA, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await org?.close();
    await env?.teardown();
  });

  it('runs the children of a parent pinned to build A on build A after build B became current, and new parents on build B', async () => {
    const parent = await env.client.workflow.start(parentThatWaits, {
      taskQueue,
      workflowId: workflowId('parent-a'),
    });
    // The parent has connected on build A before B becomes current.
    await expect.poll(async () => (await versioningOf(parent)).buildId, { timeout: 20_000 }).toBe(buildA);
    await promoteBuild(env.client, { deploymentName, buildId: buildB, timeoutMs: 30_000 });

    await parent.signal(startChildren);
    const { session, work } = await parent.result();

    expect(session.buildId).toBe(buildA);
    const executions = [parent.workflowId, ...work.map((w) => w.workflowId)];
    expect(executions).toHaveLength(3);
    for (const id of executions) {
      expect(await versioningOf(env.client.workflow.getHandle(id))).toEqual({
        deploymentName,
        buildId: buildA,
        behavior: 'PINNED',
      });
    }
    for (const w of work) expect((await org.getUser(w.login))?.id).toBe(w.userId);

    const newParent = await env.client.workflow.start(parentThatWaits, {
      taskQueue,
      workflowId: workflowId('parent-b'),
    });
    await expect.poll(async () => (await versioningOf(newParent)).buildId, { timeout: 20_000 }).toBe(buildB);
    await newParent.signal(startChildren);
    const onB = await newParent.result();
    expect(onB.session.buildId).toBe(buildB);
    for (const id of [newParent.workflowId, ...onB.work.map((w) => w.workflowId)]) {
      expect(await versioningOf(env.client.workflow.getHandle(id))).toEqual({
        deploymentName,
        buildId: buildB,
        behavior: 'PINNED',
      });
    }
  });

  it('refuses, on build B, a session created on build A, naming both builds', async () => {
    const onBuild = (buildId: string) => ({
      taskQueue,
      versioningOverride: { pinnedTo: { deploymentName, buildId } },
    });
    const sessionFromA = await env.client.workflow.execute(connectVariable, {
      ...onBuild(buildA),
      workflowId: workflowId('connect-a'),
    });
    expect(sessionFromA.buildId).toBe(buildA);

    const handle = await env.client.workflow.start(workOnSessionValue, {
      ...onBuild(buildB),
      args: [sessionFromA],
      workflowId: workflowId('session-from-a'),
    });
    const failure = await applicationFailureOf(handle.result());
    expect((await versioningOf(handle)).buildId).toBe(buildB);
    expect(failure.type).toBe(OktaErrorType.OktaSessionVersionMismatch);
    expect(failure.message).toContain(`created by build ${buildA}`);
    expect(failure.message).toContain(`this worker runs build ${buildB}`);
  });
});
