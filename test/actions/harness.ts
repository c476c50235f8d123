export { activityFailureOf } from '../helpers/failures.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { loadConnections } from '../../activities/connections.js';
import { createOktaActivities } from '../../activities/create-activities.js';
import type { OktaSession } from '../../common/session.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import type { EmulatorOptions } from 'temporal-okta-emulator/server';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { SESSION_INTERCEPTORS_MODULE } from '../../worker/create-worker.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { act, connectVariable } from './workflows.js';
import { testSessionKeys } from '../helpers/session-keys.js';

export const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));
export const BUILD_ID = 'actions-test-build';

/** An emulated org, a dev-server worker running the real Okta activities against it, and a session. */
export interface ActionsHarness {
  t: TestOrg;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  session: OktaSession;
  /** Runs `okta.<name>({ session, ...options })` in a workflow and returns its result. */
  run<R = unknown>(name: string, options?: Record<string, unknown>): Promise<R>;
  /** Runs a fixture workflow to completion on this harness's worker. */
  execute<R>(workflow: string, args: unknown[]): Promise<R>;
  /** Calls the emulated org directly with its SSWS token, bypassing the package (to set up or check state). */
  direct(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/**
 * Starts the emulator (over TLS, under its real domain), writes its connections file, and runs a worker
 * with `createOktaActivities` on the shared dev server. `wrap` may decorate the activities (to time
 * attempts); `workerOptions` tunes the worker.
 */
export async function startActionsHarness(
  options: {
    seedUsers?: number;
    /** More emulator options, such as the answers the org gives where Okta's vary. */
    emulator?: Partial<EmulatorOptions>;
    wrap?: (activities: ReturnType<typeof createOktaActivities>) => object;
    requestTimeoutMs?: number;
    /** The workflows module to bundle; default this folder's `workflows.ts` (other modules re-export it). */
    workflowsPath?: string;
    workerOptions?: Partial<WorkerOptions>;
    /** The payload codec's data converter, on the worker and the client that runs the workflows. */
    dataConverter?: DataConverter;
  } = {},
): Promise<ActionsHarness> {
  const t = await startTestOrg({ ...options.emulator, seedUsers: options.seedUsers ?? 20 });
  const dir = await mkdtemp(join(tmpdir(), 'okta-actions-'));
  const file = await writeEmulatorConnections(t.org, dir);
  const env = await connectToDevServer();
  const taskQueue = uniqueTaskQueue('actions');
  const activities = createOktaActivities({
    connections: await loadConnections({ file }),
    buildId: BUILD_ID,
    sessionKeys: testSessionKeys(),
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: options.workflowsPath ?? workflowsPath,
    activities: options.wrap ? options.wrap(activities) : activities,
    interceptors: { workflowModules: [SESSION_INTERCEPTORS_MODULE] },
    dataConverter: options.dataConverter,
    ...options.workerOptions,
  });
  const running = worker.run();
  let n = 0;
  const client = options.dataConverter
    ? new Client({ connection: env.connection, dataConverter: options.dataConverter })
    : env.client;
  const execute = <R>(workflow: string, args: unknown[]): Promise<R> =>
    client.workflow.execute(workflow, {
      args,
      taskQueue,
      workflowId: `${taskQueue}-${++n}`,
      workflowExecutionTimeout: '2 minutes',
    }) as Promise<R>;
  const session = await execute<OktaSession>(connectVariable.name, []);
  return {
    t,
    env,
    taskQueue,
    session,
    execute,
    run: <R>(name: string, opts: Record<string, unknown> = {}) => execute<R>(act.name, [session, name, opts]),
    async direct(method, path, body) {
      const res = await t.fetch(`https://${t.org.domain}${path}`, {
        method,
        headers: {
          authorization: `SSWS ${t.org.apiToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A profile for a new user with a login unique to this run. */
export function newProfile(tag: string): {
  login: string;
  email: string;
  firstName: string;
  lastName: string;
} {
  const login = `${tag}-${Math.random().toString(36).slice(2, 8)}@companyabc.com`;
  return { login, email: login, firstName: 'Test', lastName: tag };
}

export { uniqueTaskQueue };
