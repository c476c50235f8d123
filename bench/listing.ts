/**
 * Listing: 50,000 users through `okta.users.pages` (one activity per page, in a workflow on a worker
 * process of its own, whose memory is read) against a plain loop in this process that fetches the same
 * pages with a token and follows `Link: rel="next"`, alternating. A third figure is Temporal's floor: a
 * workflow on a worker in this process running one activity per page that returns the same page from
 * memory (the same bytes through the same codec), without calling Okta.
 */
import { randomBytes } from 'node:crypto';
import { toUser } from '../activities/actions/users.js';
import { findConnection } from '../activities/connect.js';
import { loadConnections } from '../activities/connections.js';
import { requestToken } from '../activities/oauth.js';
import { protectedRequest } from '../activities/protected-request.js';
import { parseLinkHeader } from '../activities/okta-client.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import type { Page } from '../common/actions.js';
import { promoteBuild } from '../client/deployments.js';
import { createOktaWorker } from '../worker/create-worker.js';
import { createDataConverter } from '../worker/data-converter.js';
import { parseCodecKeys } from '../worker/keys.js';
import { benchTemporal, rssOf, samplePeakRss, startBenchOrg, startBenchWorkers } from './harness.js';
import { median, sideBySide, time, type Measured } from './measure.js';
import type { BenchActivities } from './workflows.js';
import { join } from 'node:path';

const FULL_USERS = 50_000;
/** Okta's largest page of users. */
const PAGE_SIZE = 200;
/** Budgets far above what the run needs: this measures the listing, not pacing. */
const BUDGET = 1_000_000;
const MiB = 1024 * 1024;

export async function listingBenchmark(options: { scale: number; rounds: number }): Promise<Measured> {
  const users = Math.max(1_000, Math.round(FULL_USERS * options.scale));
  const t = await startBenchOrg({ seedUsers: users, budgets: { users: BUDGET, oauth2: BUDGET } });
  const workers = await startBenchWorkers(t, { size: 1 });
  try {
    const temporal = await benchTemporal();
    const connection = findConnection(
      await loadConnections({
        file: await writeEmulatorConnections(
          t.org,
          join(temporal.dir, `connections-listing-${workers.taskQueue}`),
        ),
      }),
      EMULATOR_CONNECTIONS.service,
    );
    const org = { domain: t.org.domain, connection: EMULATOR_CONNECTIONS.service };
    const [pid] = workers.fleet.pids();
    let n = 0;
    const listWith = (args: unknown[]) =>
      workers.client.workflow.execute('benchListUsers', {
        args,
        taskQueue: workers.taskQueue,
        workflowId: `${workers.taskQueue}-list-${++n}`,
      }) as Promise<number>;

    // One page first, so the worker has loaded the workflow code before its memory is read.
    await listWith([org, PAGE_SIZE, 1]);
    const rssBefore = (await rssOf(pid!)) ?? 0;
    let rssPeak = rssBefore;
    let listed = 0;
    let fetched = 0;

    // Temporal's floor: the same pages, mapped as the activity maps them, served from memory.
    const floorPages: Page<unknown>[] = [];
    const token = await requestToken(connection);
    for (let url: string | undefined = `https://${t.org.domain}/api/v1/users?limit=${PAGE_SIZE}`; url;) {
      const res = await protectedRequest(connection, token, { method: 'GET', url: new URL(url) });
      url = parseLinkHeader(res.headers.get('link')).next;
      floorPages.push({ items: ((await res.json()) as unknown[]).map(toUser), cursor: url });
    }
    const tag = randomBytes(4).toString('hex');
    const floorConfig = {
      taskQueue: `bench-floor-${tag}`,
      deploymentName: `bench-floor-${tag}`,
      buildId: tag,
    };
    const floorActivities: Pick<BenchActivities, 'benchPage'> = {
      benchPage: async (index) => floorPages[index]!,
    };
    const floorWorker = await createOktaWorker({
      connection: temporal.env.nativeConnection,
      config: floorConfig,
      activities: floorActivities,
      dataConverter: createDataConverter(parseCodecKeys(workers.codecKeys)),
      workerOptions: { workflowBundle: { codePath: await temporal.bundlePath() } },
    });
    const floorRunning = floorWorker.run();
    const floorSamples: number[] = [];
    let floorUsers = 0;
    const floor = async (pages: number) =>
      (floorUsers = (await workers.client.workflow.execute('benchListFloor', {
        args: [pages],
        taskQueue: floorConfig.taskQueue,
        workflowId: `${floorConfig.taskQueue}-${++n}`,
      })) as number);
    try {
      await promoteBuild(workers.client, { deploymentName: floorConfig.deploymentName, buildId: tag });
      await floor(1);
      for (let i = 0; i < options.rounds; i++) floorSamples.push(await time(() => floor(floorPages.length)));
    } finally {
      floorWorker.shutdown();
      await floorRunning;
    }

    return await sideBySide(
      `listing: ${users} users in pages of ${PAGE_SIZE}`,
      options.rounds,
      [
        'okta.users.pages in a workflow',
        async () => {
          const sampler = samplePeakRss([pid!]);
          listed = await listWith([org, PAGE_SIZE]);
          rssPeak = Math.max(rssPeak, await sampler.stop());
        },
      ],
      [
        'a fetch loop over the same pages',
        async () => {
          const token = await requestToken(connection);
          let url: string | undefined = `https://${t.org.domain}/api/v1/users?limit=${PAGE_SIZE}`;
          fetched = 0;
          while (url) {
            const res = await protectedRequest(connection, token, { method: 'GET', url: new URL(url) });
            fetched += ((await res.json()) as unknown[]).length;
            url = parseLinkHeader(res.headers.get('link')).next;
          }
        },
      ],
      'workflow ÷ fetch loop',
      {
        warmUp: false,
        finish: (result) => {
          result.candidate.figures = {
            'worker RSS growth MiB': (rssPeak - rssBefore) / MiB,
            users: listed,
            "Temporal's floor ms (one activity per page returning the same bytes)": median(floorSamples),
            pages: floorPages.length,
          };
          result.baseline.figures = { users: fetched };
          result.goals = [
            { goal: 'time ratio ≤ 1.2', met: result.ratio <= 1.2 },
            { goal: 'worker RSS growth < 64 MiB', met: rssPeak - rssBefore < 64 * MiB },
            { goal: 'both list the same users', met: listed === fetched && floorUsers === fetched },
          ];
        },
      },
    );
  } finally {
    await workers.close();
    await t.close();
  }
}
