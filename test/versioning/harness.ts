/** Real workers of given builds, an emulated Okta org, and what the server reports about executions. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { expect } from 'vitest';
import { loadConnections, type Connections } from '../../activities/connections.js';
import { createOktaActivities } from '../../activities/create-activities.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { bundleOktaWorkflows, createOktaWorker } from '../../worker/create-worker.js';
import { uniqueTaskQueue } from '../helpers/temporal.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/** One session keyring for every worker of this file, as a fleet shares one. */
const sessionKeys = testSessionKeys();

const { VersioningBehavior } = temporal.api.enums.v1;

export const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/** The fixture workflows bundled once with the session interceptors, shared by every worker of a file. */
export function bundleFixtures(): Promise<WorkflowBundleWithSourceMap> {
  return bundleOktaWorkflows({ workflowsPath });
}

/** An emulated org with the connections file a worker loads, as an administrator would write it. */
export interface OktaOrg {
  test: TestOrg;
  connections: Connections;
  /** Reads a user from the org's Management API with its SSWS token: what Okta itself holds. */
  getUser(login: string): Promise<{ id: string; profile: { login: string } } | undefined>;
  close(): Promise<void>;
}

export async function startOktaOrg(): Promise<OktaOrg> {
  const test = await startTestOrg({ seedUsers: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'okta-versioning-'));
  const connections = await loadConnections({ file: await writeEmulatorConnections(test.org, dir) });
  return {
    test,
    connections,
    async getUser(login) {
      const res = await test.fetch(`https://${test.org.domain}/api/v1/users/${encodeURIComponent(login)}`, {
        headers: { authorization: `SSWS ${test.org.apiToken}`, accept: 'application/json' },
      });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET user ${login}: HTTP ${res.status}`);
      return (await res.json()) as { id: string; profile: { login: string } };
    },
    async close() {
      await test.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A deployment's name and task queue, unique to one test. */
export function uniqueDeployment(prefix: string): { taskQueue: string; deploymentName: string } {
  const taskQueue = uniqueTaskQueue(prefix);
  return { taskQueue, deploymentName: taskQueue.replaceAll('.', '-') };
}

/** A running worker of one build, created as production creates it (`createOktaWorker`). */
export interface BuildWorker {
  buildId: string;
  worker: Worker;
  stop(): Promise<void>;
}

export async function startBuildWorker(
  env: TestWorkflowEnvironment,
  options: {
    taskQueue: string;
    deploymentName: string;
    buildId: string;
    connections: Connections;
    workflowBundle: WorkflowBundleWithSourceMap;
  },
): Promise<BuildWorker> {
  const { taskQueue, deploymentName, buildId, connections, workflowBundle } = options;
  const worker = await createOktaWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    config: { taskQueue, deploymentName, buildId },
    activities: createOktaActivities({ connections, buildId, sessionKeys }),
    workerOptions: { workflowBundle },
  });
  const running = worker.run();
  return {
    buildId,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** The deployment version and behaviour the server reports for an execution. */
export async function versioningOf(handle: Pick<WorkflowHandle, 'describe'>): Promise<{
  buildId?: string;
  deploymentName?: string;
  behavior: 'PINNED' | 'AUTO_UPGRADE' | 'UNSPECIFIED';
}> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  const behavior =
    info?.behavior === VersioningBehavior.VERSIONING_BEHAVIOR_PINNED
      ? 'PINNED'
      : info?.behavior === VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE
        ? 'AUTO_UPGRADE'
        : 'UNSPECIFIED';
  return {
    buildId: info?.deploymentVersion?.buildId ?? undefined,
    deploymentName: info?.deploymentVersion?.deploymentName ?? undefined,
    behavior,
  };
}

/** The ApplicationFailure that failed a workflow, looking through child workflow failures. */
export async function applicationFailureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const error: unknown = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  // Through child workflow and activity failures, to the ApplicationFailure that started it.
  let cause: Error | undefined = (error as WorkflowFailedError).cause;
  while (cause && !(cause instanceof ApplicationFailure)) {
    cause = cause instanceof TemporalFailure ? cause.cause : undefined;
  }
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
