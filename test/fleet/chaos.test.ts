import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseLinkHeader } from '../../activities/okta-client.js';
import { promoteBuild } from '../../client/deployments.js';
import { startOnboarding } from '../../cli/onboarding.js';
import {
  ONBOARDING_PROGRESS_QUERY,
  provisionWorkflowId,
  type NewHire,
  type OnboardingProgress,
} from '../../common/new-hire.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import type { FaultSpecInput } from 'temporal-okta-emulator/faults';
import type { RequestLogEntry } from 'temporal-okta-emulator/request-log';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import type { onboardNewHires } from '../../workflows/onboarding.js';
import { bundleOktaWorkflows } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { generateCodecKey, parseCodecKeys } from '../../worker/keys.js';
import { connectToDevServer } from '../helpers/temporal.js';
import { uniqueDeployment } from '../versioning/harness.js';
import { startFleet, type Fleet } from './fleet.js';

/**
 * The fleet under fire (docs/ARCHITECTURE.md §11, "Crashes and faults lose nothing"), on the test run's dev server.
 * Three worker processes of one build (test/fleet/worker-process.ts) onboard 300 hires with the package's
 * `onboardNewHires` workflow and its global session, while:
 * - FLEET_SIZE workers, round robin, are killed with SIGKILL, each when another quarter of the hires'
 *   children completed, and a new one started in its place;
 * - 10 % of Management API requests fail, a quarter each: 503, a LATENCY_MS delay, the connection dropped
 *   before the org acts, the connection dropped after it acted (a lost response). On top of that the first
 *   LOST_USER_CREATES user creates and LOST_GROUP_CREATES group creates lose their response, so every run
 *   retries creates that took effect;
 * - once half the hires are done, every access token the org issued is revoked.
 * Then the org is read back with its SSWS token (no token request): every hire exactly once, in exactly its
 * groups, and every child workflow completed.
 *
 * Token requests are bounded by worker processes, not by activities or children (docs/ARCHITECTURE.md §3, §11).
 * Each process start obtains the session's token at most once (the one that runs Connect keeps Connect's);
 * the revocation costs each process alive at that moment one more (at most FLEET_SIZE, since the fleet
 * never has more); and a Connect attempt that failed after its token request (a fault on its probe, its
 * worker killed) leaves that token unused. So:
 *
 *   token requests <= worker starts + FLEET_SIZE + (Connect attempts - 1)
 *
 * Tuned for a 2-core machine (the whole file in under 3 minutes): 40 children at once, workers holding at
 * most 10 activities and 4 workflow tasks (what a SIGKILL loses to timeouts), attempts of 8 s instead of
 * the default minute, and rate-limit budgets above what the run needs (a 429 would park a retry until its
 * window resets). Kills follow progress, not the clock: the run takes 16 s on an idle machine and over a
 * minute on a loaded one, so a fixed cadence either missed the run or left no worker up; and a kill needs
 * progress, which needs a worker up, so the run cannot stall on kills.
 */

const HIRES = 300;
const FLEET_SIZE = 3;
const CONCURRENCY = 40;
const FAULT_FRACTION = 0.1;
const LATENCY_MS = 1_500;
const LOST_USER_CREATES = 5;
const LOST_GROUP_CREATES = 2;
/** Per HTTP request on the workers; below the attempt timeout, with room for a 401's refresh and retry. */
const REQUEST_TIMEOUT_MS = 4_000;
/** What a killed worker's activity attempt costs: Temporal retries it after its start-to-close timeout. */
const ATTEMPT_TIMEOUT = '8 seconds';
/** From start to result; with the setup, the file stays under 3 minutes. */
const RUN_BUDGET_MS = 140_000;

const GROUPS = ['Engineering', 'Sales', 'Support', 'Finance', 'Design', 'Operations'];

/** The hires: logins unique to this run (child workflow ids are per login), one to three groups each. */
function newHires(tag: string): NewHire[] {
  return Array.from({ length: HIRES }, (_, i) => ({
    login: `hire${String(i).padStart(3, '0')}.${tag}@fleet.example.com`,
    firstName: `Hire${i}`,
    lastName: 'Fleet',
    department: GROUPS[i % GROUPS.length]!,
    title: 'Engineer',
    groups: [0, 1, 3].slice(0, 1 + (i % 3)).map((offset) => GROUPS[(i + offset) % GROUPS.length]!),
  }));
}

/** The faults of the run, by what they do. */
const FAULTS: Record<string, FaultSpecInput> = {
  lostUserCreate: {
    pathPrefix: '/api/v1/users',
    method: 'POST',
    dropResponse: true,
    count: LOST_USER_CREATES,
  },
  lostGroupCreate: {
    pathPrefix: '/api/v1/groups',
    method: 'POST',
    dropResponse: true,
    count: LOST_GROUP_CREATES,
  },
  // Faults are tried in order: each random one's fraction is of the requests the earlier ones spared, so
  // that each kind hits FAULT_FRACTION / 4 of all requests.
  ...Object.fromEntries(
    Object.entries({
      unavailable: { status: 503 },
      slow: { latencyMs: LATENCY_MS },
      dropped: { drop: true },
      lostResponse: { dropResponse: true },
    }).map(([name, kind], k) => {
      const share = FAULT_FRACTION / 4;
      return [name, { pathPrefix: '/api/v1/', ...kind, fraction: share / (1 - k * share) }];
    }),
  ),
};

/** What the run did, for the assertions. */
interface ChaosRun {
  result: OnboardingProgress;
  runMs: number;
  kills: number;
  revokedAtMs?: number;
}

let env: TestWorkflowEnvironment;
let org: TestOrg;
let dir: string;
let fleet: Fleet | undefined;
let hires: NewHire[];
let handle: WorkflowHandle<typeof onboardNewHires>;
let faultIds: Record<string, string>;
let run: ChaosRun;

/** Children of the run that completed, by visibility. */
function completedChildren(client: Client, taskQueue: string): Promise<number> {
  const query = `WorkflowType = 'provisionNewHire' AND ExecutionStatus = 'Completed' AND TaskQueue = '${taskQueue}'`;
  return client.workflow.count(query).then(({ count }) => count);
}

/**
 * Kills FLEET_SIZE workers round robin, the k-th once k / (FLEET_SIZE + 1) of the hires' children
 * completed, and starts a new one in each one's place (without waiting for it). Returns how many it killed.
 */
async function killAsTheRunProgresses(
  client: Client,
  taskQueue: string,
  isDone: () => boolean,
): Promise<number> {
  let kills = 0;
  while (kills < FLEET_SIZE && !isDone()) {
    if ((await completedChildren(client, taskQueue)) >= (HIRES * (kills + 1)) / (FLEET_SIZE + 1)) {
      await fleet!.killAndRestart(kills % FLEET_SIZE);
      kills += 1;
    } else {
      await sleep(250);
    }
  }
  return kills;
}

/** Revokes every issued access token once half the hires' children completed; returns when (ms after start). */
async function revokeAtHalfway(client: Client, taskQueue: string, isDone: () => boolean, started: number) {
  while (!isDone()) {
    if ((await completedChildren(client, taskQueue)) >= HIRES / 2) {
      await org.controls.revokeTokens();
      return Date.now() - started;
    }
    await sleep(500);
  }
  return undefined;
}

/** The parent's progress for a failure message, or why there is none. */
async function progressNote(): Promise<string> {
  const progress = await Promise.race([
    handle.query<OnboardingProgress>(ONBOARDING_PROGRESS_QUERY),
    sleep(5_000).then(() => undefined),
  ]).catch(() => undefined);
  if (!progress) return 'the progress query got no answer';
  const open = progress.hires.filter((h) => h.status !== 'created' && h.status !== 'alreadyProvisioned');
  return `${progress.done} done, ${progress.failed} failed; not done: ${JSON.stringify(open.slice(0, 20))}`;
}

beforeAll(async () => {
  // Bundled once, while the org starts: every worker and every restart loads the same code, without webpack.
  const bundling = bundleOktaWorkflows();
  bundling.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  env = await connectToDevServer();
  org = await startTestOrg();
  dir = await mkdtemp(join(tmpdir(), 'okta-fleet-'));
  const tag = randomBytes(4).toString('hex');
  hires = newHires(tag);
  const { taskQueue, deploymentName } = uniqueDeployment('fleet');
  const buildId = `fleet-${tag}`;

  // Only "Everyone" and an empty request log: every user, group and token request afterwards is the run's.
  await org.controls.reset({ empty: true });
  await org.controls.setRateLimits({
    users: 20_000,
    'users-by-id': 20_000,
    groups: 20_000,
    'groups-by-id': 20_000,
    oauth2: 20_000,
  });
  faultIds = {};
  for (const [name, spec] of Object.entries(FAULTS)) faultIds[name] = (await org.controls.addFault(spec)).id;

  const bundle = join(dir, 'workflows.js');
  await writeFile(bundle, (await bundling).code);
  const codecKeys = (({ id, key }) => `${id}:${key}`)(generateCodecKey());
  fleet = await startFleet({
    size: FLEET_SIZE,
    env: {
      TEMPORAL_ADDRESS: inject('devServerAddress'),
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_OKTA_TASK_QUEUE: taskQueue,
      TEMPORAL_OKTA_DEPLOYMENT_NAME: deploymentName,
      TEMPORAL_OKTA_BUILD_ID: buildId,
      TEMPORAL_OKTA_CONNECTIONS: await writeEmulatorConnections(org.org, join(dir, 'connections')),
      TEMPORAL_OKTA_CODEC_KEYS: codecKeys,
      TEMPORAL_OKTA_SESSION_KEYS: `fleet:${randomBytes(32).toString('base64')}`,
      TEMPORAL_OKTA_MAX_CONCURRENT_ACTIVITIES: '10',
      FLEET_MAX_WORKFLOW_TASKS: '4',
      FLEET_WORKFLOW_BUNDLE: bundle,
      FLEET_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      FLEET_STICKY_TIMEOUT_MS: '2000',
    },
  });
  const client = new Client({
    connection: env.connection,
    namespace: 'default',
    dataConverter: createDataConverter(parseCodecKeys(codecKeys)),
  });
  await promoteBuild(client, { deploymentName, buildId });

  const started = Date.now();
  handle = await startOnboarding(client, {
    taskQueue,
    workflowId: `fleet-onboarding-${tag}`,
    input: {
      hires,
      domain: org.org.domain,
      connection: EMULATOR_CONNECTIONS.service,
      concurrency: CONCURRENCY,
      activityOptions: {
        startToCloseTimeout: ATTEMPT_TIMEOUT,
        retry: { initialInterval: '200ms', maximumInterval: '2s' },
      },
    },
  });
  let finished = false;
  const outcome = handle.result().finally(() => (finished = true));
  const killing = killAsTheRunProgresses(client, taskQueue, () => finished);
  const revoking = revokeAtHalfway(client, taskQueue, () => finished, started);
  const timer = new AbortController();
  const deadline = sleep(RUN_BUDGET_MS, undefined, { signal: timer.signal }).then(async () => {
    throw new Error(`The onboarding did not finish within ${RUN_BUDGET_MS} ms: ${await progressNote()}`);
  });
  deadline.catch(() => undefined); // raced below; after the run it only ends by the abort
  try {
    const result = await Promise.race([outcome, deadline]);
    run = { result, runMs: Date.now() - started, kills: await killing, revokedAtMs: await revoking };
  } catch (err) {
    const tails = fleet.stderrTails().slice(-FLEET_SIZE);
    throw new Error(`${(err as Error).message}\nThe last workers' stderr, ends:\n${tails.join('\n---\n')}`, {
      cause: err,
    });
  } finally {
    finished = true;
    timer.abort();
    await Promise.allSettled([killing, revoking]);
    await org.controls.clearFaults();
  }
  console.log(
    `fleet: ${HIRES} hires in ${run.runMs} ms, ${run.kills} workers killed, ${fleet.starts} started, ` +
      `tokens revoked at ${run.revokedAtMs} ms`,
  );
}, 175_000);

afterAll(async () => {
  await fleet?.close();
  await env?.teardown();
  await org?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Reads `path` (and every next page) from the org's Management API with its SSWS token. */
async function readAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let url: string | undefined = `https://${org.org.domain}${path}`;
  while (url) {
    const res: Response = await org.fetch(url, {
      headers: { authorization: `SSWS ${org.org.apiToken}`, accept: 'application/json' },
    });
    expect(res.status, url).toBe(200);
    items.push(...((await res.json()) as T[]));
    url = parseLinkHeader(res.headers.get('link')).next;
  }
  return items;
}

/** The request log entries a fault affected. */
const affectedBy = (log: RequestLogEntry[], fault: string) =>
  log.filter((r) => r.faultId === faultIds[fault]);

describe('300 hires onboarded by three worker processes, one killed every few seconds, with Okta faults and a token revocation', () => {
  it('went through what it claims: workers killed, every kind of fault, lost create responses, tokens revoked', async () => {
    const { requests } = await org.controls.requests();

    expect(run.kills).toBeGreaterThanOrEqual(FLEET_SIZE);
    for (const fault of Object.keys(FAULTS)) expect(affectedBy(requests, fault), fault).not.toEqual([]);
    expect(affectedBy(requests, 'lostUserCreate')).toHaveLength(LOST_USER_CREATES);
    expect(affectedBy(requests, 'lostGroupCreate')).toHaveLength(LOST_GROUP_CREATES);
    expect(run.revokedAtMs).toBeDefined();
    // The revocation hit live tokens: API calls were refused with 401 (and their retries succeeded).
    expect(requests.some((r) => r.path.startsWith('/api/v1/') && r.status === 401)).toBe(true);
  });

  it('reports every hire done and none failed', () => {
    expect(run.result.hires.filter((h) => h.status === 'failed')).toEqual([]);
    expect(run.result).toMatchObject({ total: HIRES, done: HIRES, failed: 0, finished: true });
  });

  it('completes every child workflow', async () => {
    const statuses = await Promise.all(
      hires.map(
        async (h) => (await handle.client.getHandle(provisionWorkflowId(h.login)).describe()).status.name,
      ),
    );
    expect(statuses.filter((s) => s !== 'COMPLETED')).toEqual([]);
  });

  it('leaves exactly one user per hire in the org, with the hire login and the id the run reported', async () => {
    const listed = await readAll<{ id: string; profile: { login: string } }>('/api/v1/users?limit=200');
    const deprovisioned = await readAll<{ id: string }>(
      `/api/v1/users?limit=200&filter=${encodeURIComponent('status eq "DEPROVISIONED"')}`,
    );

    expect(deprovisioned).toEqual([]);
    expect(listed.map((u) => u.profile.login).sort()).toEqual(hires.map((h) => h.login).sort());
    expect(new Set(listed.map((u) => u.id)).size).toBe(HIRES);
    const reported = new Map(run.result.hires.map((h) => [h.login, h.userId]));
    for (const user of listed) expect(reported.get(user.profile.login), user.profile.login).toBe(user.id);
  });

  it('puts every user in exactly the groups of its hire, and creates each group once', async () => {
    const groups = await readAll<{ id: string; type: string; profile: { name: string } }>(
      '/api/v1/groups?limit=200',
    );
    const own = groups.filter((g) => g.type !== 'BUILT_IN');
    expect(own.map((g) => g.profile.name).sort()).toEqual([...GROUPS].sort());
    const membership = new Map<string, string[]>();
    for (const group of own) {
      const members = await readAll<{ profile: { login: string } }>(
        `/api/v1/groups/${group.id}/users?limit=1000`,
      );
      for (const { profile } of members) {
        membership.set(profile.login, [...(membership.get(profile.login) ?? []), group.profile.name]);
      }
    }

    for (const hire of hires) {
      expect(membership.get(hire.login)?.sort(), hire.login).toEqual([...hire.groups].sort());
    }
  });

  it('requests tokens at most once per worker start, once more per worker alive at the revocation, and once per extra Connect attempt', async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const connect = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'oktaConnect',
    );
    const connectAttempts =
      events.find(
        (e) =>
          e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === connect?.eventId?.toString(),
      )?.activityTaskStartedEventAttributes?.attempt ?? 0;
    const tokenRequests = (await org.controls.requests()).counts['POST /oauth2/v1/token'] ?? 0;
    const bound = fleet!.starts + FLEET_SIZE + (connectAttempts - 1);
    console.log(
      `fleet: ${tokenRequests} token requests; bound ${bound} = ${fleet!.starts} worker starts + ${FLEET_SIZE} ` +
        `+ (${connectAttempts} Connect attempts - 1)`,
    );

    expect(connectAttempts).toBeGreaterThanOrEqual(1);
    expect(tokenRequests).toBeLessThanOrEqual(bound);
  });
});
