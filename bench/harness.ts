/**
 * What the Temporal benchmarks share: one dev server for the run, an emulated org per benchmark, worker
 * processes of one build (test/fleet/worker-process.ts, the package's public API as a user's worker), and
 * memory readings of those processes.
 */
import { randomBytes } from 'node:crypto';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { promoteBuild } from '../client/deployments.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import type { RateLimitFamily } from 'temporal-okta-emulator/rate-limits';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { temporalCliPath } from '../test/helpers/temporal-executables.js';
import { startFleet, type Fleet } from '../test/fleet/fleet.js';
import { bundleOktaWorkflows } from '../worker/create-worker.js';
import { createDataConverter } from '../worker/data-converter.js';
import { generateCodecKey, parseCodecKeys } from '../worker/keys.js';

/** The bench's own workflows (fan-out and listing), bundled beside the package's. */
export const BENCH_WORKFLOWS = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/** The dev server of one `npm run bench` and a scratch directory; started on first use. */
export interface BenchTemporal {
  env: TestWorkflowEnvironment;
  dir: string;
  /** The workflow bundle (package and bench workflows, session interceptors), written once. */
  bundlePath(): Promise<string>;
  close(): Promise<void>;
}

let shared: Promise<BenchTemporal> | undefined;
let existingAddress: string | undefined;

/** Runs the benchmarks on a server already running at `address` (the test suite's) instead of their own. */
export function useTemporalServer(address: string): void {
  existingAddress = address;
}

/** The run's dev server (quiet, in memory), started once and shared by every benchmark. */
export function benchTemporal(): Promise<BenchTemporal> {
  shared ??= (async () => {
    const env = existingAddress
      ? await TestWorkflowEnvironment.createFromExistingServer({ address: existingAddress })
      : await TestWorkflowEnvironment.createLocal({
          server: {
            executable: { type: 'existing-path', path: temporalCliPath() },
            ip: '127.0.0.1',
            // It logs an expected NOT_FOUND while each build registers; failures reach the bench anyway.
            log: { format: 'pretty', level: 'never' },
          },
        });
    const dir = await mkdtemp(join(tmpdir(), 'okta-bench-'));
    let bundle: Promise<string> | undefined;
    return {
      env,
      dir,
      bundlePath: () =>
        (bundle ??= bundleOktaWorkflows({ workflowsPath: BENCH_WORKFLOWS }).then(async ({ code }) => {
          const path = join(dir, 'workflows.js');
          await writeFile(path, code);
          return path;
        })),
      async close() {
        await env.teardown();
        await rm(dir, { recursive: true, force: true });
      },
    };
  })();
  return shared;
}

/** Stops the shared dev server, if a benchmark started it. */
export async function closeBenchTemporal(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}

/** An emulated org with the given budgets and window, and a request log long enough for a whole run. */
export function startBenchOrg(options: {
  budgets?: Partial<Record<RateLimitFamily, number>>;
  windowSeconds?: number;
  seedUsers?: number;
}): Promise<TestOrg> {
  return startTestOrg({
    seedUsers: options.seedUsers ?? 0,
    rateLimits: options.budgets,
    rateLimitWindowSeconds: options.windowSeconds,
    requestLogCapacity: 1_000_000,
  });
}

/** Worker processes of one build on the bench's dev server, and a client that encrypts as they do. */
export interface BenchWorkers {
  fleet: Fleet;
  client: Client;
  taskQueue: string;
  /** The payload codec keys of the processes and the client (`id:base64key`). */
  codecKeys: string;
  close(): Promise<void>;
}

/**
 * Starts `size` worker processes of a new build on a task queue of their own, against `org`, and makes the
 * build current. `env` adds worker settings (e.g. `TEMPORAL_OKTA_ACTIVITIES_PER_SECOND`).
 */
export async function startBenchWorkers(
  org: TestOrg,
  options: { size: number; env?: NodeJS.ProcessEnv },
): Promise<BenchWorkers> {
  const temporal = await benchTemporal();
  const tag = randomBytes(4).toString('hex');
  const taskQueue = `bench-${tag}`;
  const buildId = `bench-${tag}`;
  const codecKeys = (({ id, key }) => `${id}:${key}`)(generateCodecKey());
  const fleet = await startFleet({
    size: options.size,
    env: {
      TEMPORAL_ADDRESS: temporal.env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_OKTA_TASK_QUEUE: taskQueue,
      TEMPORAL_OKTA_DEPLOYMENT_NAME: taskQueue,
      TEMPORAL_OKTA_BUILD_ID: buildId,
      TEMPORAL_OKTA_CONNECTIONS: await writeEmulatorConnections(
        org.org,
        join(temporal.dir, `connections-${tag}`),
      ),
      TEMPORAL_OKTA_CODEC_KEYS: codecKeys,
      TEMPORAL_OKTA_SESSION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      FLEET_WORKFLOW_BUNDLE: await temporal.bundlePath(),
      ...options.env,
    },
  });
  const client = new Client({
    connection: temporal.env.connection,
    namespace: 'default',
    dataConverter: createDataConverter(parseCodecKeys(codecKeys)),
  });
  try {
    await promoteBuild(client, { deploymentName: taskQueue, buildId });
  } catch (err) {
    await fleet.close();
    throw err;
  }
  return { fleet, client, taskQueue, codecKeys, close: () => fleet.close() };
}

/** A process's resident set size in bytes (Linux `/proc`), or undefined when it cannot be read. */
export async function rssOf(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : undefined;
}

/** Samples the RSS of `pids` every `everyMs` until stopped; returns the peak of their sum. */
export function samplePeakRss(pids: number[], everyMs = 200): { stop(): Promise<number> } {
  let peak = 0;
  const read = async () => {
    const sizes = await Promise.all(pids.map(rssOf));
    peak = Math.max(
      peak,
      sizes.reduce<number>((sum, s) => sum + (s ?? 0), 0),
    );
  };
  const timer = setInterval(() => void read(), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await read();
      return peak;
    },
  };
}
