/**
 * The largest onboarding run: 10,000 hires in one `onboardNewHires` run (20 batches of 500, each a child
 * workflow), on one worker, against the emulated org with budgets high enough that Temporal, not Okta's
 * windows, bounds the run. Reports how long it took, the parent's history size and the Management API
 * calls by endpoint, and checks the result (every hire created once, none failed).
 *
 *   npx tsx bench/onboarding-10k.ts [hires] [--temporal host:port]
 *
 * Without `--temporal` it starts a Temporal dev server (provisioned like the demo's). `runOnboarding10k`
 * is the same run for a benchmark harness.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConnections } from '../activities/connections.js';
import { createOktaActivities } from '../activities/create-activities.js';
import { promoteBuild } from '../client/deployments.js';
import { startOnboarding } from '../cli/onboarding.js';
import { connectToTemporal, startDevServer, type TemporalTarget } from '../cli/temporal-server.js';
import { MAX_HIRES_PER_RUN, type NewHire, type OnboardingProgress } from '../common/new-hire.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg } from 'temporal-okta-emulator/testing';
import { createOktaWorker } from '../worker/create-worker.js';
import { parseCodecKeys } from '../worker/keys.js';

const GROUPS = ['Engineering', 'Sales', 'Support', 'Finance', 'VPN Users', 'New Hires 2026'];

export interface Onboarding10kOptions {
  /** Default 10,000 (the most one run takes). */
  hires?: number;
  /** Children at once (default 50, the most the input takes). */
  concurrency?: number;
  /** A running Temporal server; default: a dev server started for the run. */
  temporalAddress?: string;
  log?: (line: string) => void;
}

export interface Onboarding10kResult {
  hires: number;
  seconds: number;
  report: OnboardingProgress;
  /** Events in the parent's history (its batches, not its hires, make it grow). */
  parentHistoryEvents: number;
  /** Management API and OAuth requests by endpoint, e.g. `POST /api/v1/users`. */
  calls: Record<string, number>;
  /** What did not hold: every hire created once, none failed (empty when all did). */
  problems: string[];
}

/** Hires with logins unique to the run, each in two of six groups. */
function newHires(count: number, tag: string): NewHire[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `hire${String(i).padStart(5, '0')}.${tag}@scale.example.com`,
    firstName: 'New',
    lastName: `Hire ${i}`,
    department: 'Engineering',
    title: 'Engineer',
    groups: [GROUPS[i % GROUPS.length]!, GROUPS[(i + 1) % GROUPS.length]!],
  }));
}

/** Runs one onboarding of `hires` hires end to end and measures it. */
export async function runOnboarding10k(options: Onboarding10kOptions = {}): Promise<Onboarding10kResult> {
  const count = options.hires ?? MAX_HIRES_PER_RUN;
  const log = options.log ?? ((line: string) => console.log(line));
  const tag = randomBytes(4).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'onboarding-10k-'));
  // Budgets of a large org, so the run is bounded by Temporal, not by Okta's windows.
  const t = await startTestOrg({
    seedUsers: 5,
    rateLimits: { users: 100_000, 'users-by-id': 100_000, groups: 10_000 },
  });
  let temporal: TemporalTarget | undefined;
  try {
    temporal = options.temporalAddress
      ? await connectToTemporal({ address: options.temporalAddress, env: {} })
      : await startDevServer(log);
    const taskQueue = `onboarding-10k-${tag}`;
    const buildId = `onboarding-10k-${tag}`;
    const worker = await createOktaWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      config: { taskQueue, deploymentName: taskQueue, buildId },
      activities: createOktaActivities({
        connections: await loadConnections({ file: await writeEmulatorConnections(t.org, dir) }),
        buildId,
        sessionKeys: parseCodecKeys(`bench:${randomBytes(32).toString('base64')}`),
      }),
    });
    const running = worker.run();
    try {
      const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
      await promoteBuild(client, { deploymentName: taskQueue, buildId });
      const started = Date.now();
      const handle = await startOnboarding(client, {
        input: {
          hires: newHires(count, tag),
          domain: t.org.domain,
          connection: EMULATOR_CONNECTIONS.service,
          concurrency: options.concurrency ?? 50,
        },
        taskQueue,
        workflowId: `onboarding-10k-${tag}`,
      });
      const report = await handle.result();
      const seconds = (Date.now() - started) / 1000;
      const history = await handle.fetchHistory();
      const { counts: calls } = await t.controls.requests();
      const problems: string[] = [];
      // A run in batches counts its creates; a run of one batch has a line per hire instead.
      const created = report.created ?? report.hires.filter((h) => h.status === 'created').length;
      if (report.done !== count || report.failed !== 0 || created !== count) {
        problems.push(`report: ${JSON.stringify({ ...report, hires: report.hires.slice(0, 3) })}`);
      }
      if (calls['POST /api/v1/users'] !== count) {
        problems.push(`${calls['POST /api/v1/users'] ?? 0} user creates for ${count} hires`);
      }
      return { hires: count, seconds, report, parentHistoryEvents: history.events!.length, calls, problems };
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await temporal?.close();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // The worker's state changes would bury the figures.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const args = process.argv.slice(2);
  const at = args.indexOf('--temporal');
  const temporalAddress = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const result = await runOnboarding10k({
    ...(args[0] ? { hires: Number(args[0]) } : {}),
    ...(temporalAddress ? { temporalAddress } : {}),
  });
  console.log(
    `${result.hires} hires in ${result.seconds.toFixed(0)} s (${(result.hires / result.seconds).toFixed(1)} a second); ` +
      `${result.report.batches?.total ?? 1} batches; parent history: ${result.parentHistoryEvents} events\n` +
      `calls: ${JSON.stringify(result.calls)}`,
  );
  if (result.problems.length) {
    console.error(`FAILED:\n- ${result.problems.join('\n- ')}`);
    process.exitCode = 1;
  }
}
