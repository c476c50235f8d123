/**
 * Fan-out: what a global session costs the children that use it. 1,000 children each read a user on the
 * parent's global session, against 1,000 children each calling an activity that does nothing, on one
 * worker in this process, alternating.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { loadConnections } from '../activities/connections.js';
import { createOktaActivities } from '../activities/create-activities.js';
import { promoteBuild } from '../client/deployments.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { createOktaWorker } from '../worker/create-worker.js';
import { parseCodecKeys } from '../worker/keys.js';
import { benchTemporal, startBenchOrg } from './harness.js';
import { sideBySide, type Measured } from './measure.js';
import type { BenchActivities } from './workflows.js';

const FULL_CHILDREN = 1_000;
/** Far above what the run needs: this measures overhead, not pacing. */
const BUDGET = 1_000_000;

export async function fanOutBenchmark(options: { scale: number; rounds: number }): Promise<Measured> {
  const children = Math.max(10, Math.round(FULL_CHILDREN * options.scale));
  const temporal = await benchTemporal();
  const t = await startBenchOrg({
    seedUsers: 1,
    budgets: { users: BUDGET, 'users-by-id': BUDGET, oauth2: BUDGET },
  });
  const tag = randomBytes(4).toString('hex');
  const config = { taskQueue: `bench-fan-out-${tag}`, deploymentName: `bench-fan-out-${tag}`, buildId: tag };
  const noop: Pick<BenchActivities, 'benchNoop'> = { benchNoop: async () => undefined };
  const worker = await createOktaWorker({
    connection: temporal.env.nativeConnection,
    config,
    activities: {
      ...createOktaActivities({
        connections: await loadConnections({
          file: await writeEmulatorConnections(t.org, join(temporal.dir, `connections-${tag}`)),
        }),
        buildId: config.buildId,
        sessionKeys: parseCodecKeys(`bench:${randomBytes(32).toString('base64')}`),
      }),
      ...noop,
    },
    workerOptions: { workflowBundle: { codePath: await temporal.bundlePath() } },
  });
  const running = worker.run();
  try {
    const client = new Client({ connection: temporal.env.connection, namespace: 'default' });
    await promoteBuild(client, { deploymentName: config.deploymentName, buildId: config.buildId });
    const [user] = (await (
      await t.fetch(`https://${t.org.domain}/api/v1/users?limit=1`, {
        headers: { authorization: `SSWS ${t.org.apiToken}` },
      })
    ).json()) as { id: string }[];
    const org = { domain: t.org.domain, connection: EMULATOR_CONNECTIONS.service };
    let n = 0;
    const run = (workflow: string, args: unknown[]) => () =>
      client.workflow.execute(workflow, {
        args,
        taskQueue: config.taskQueue,
        workflowId: `${config.taskQueue}-${++n}`,
      });
    return await sideBySide(
      `fan-out: ${children} children`,
      options.rounds,
      [
        `each okta.users.get on the parent's global session`,
        run('benchFanOutGetUser', [org, children, user!.id]),
      ],
      ['each a no-op activity', run('benchFanOutNoop', [children])],
      'children on a global session ÷ children on a no-op',
      { finish: (r) => void (r.goals = [{ goal: 'ratio ≤ 1.3', met: r.ratio <= 1.3 }]) },
    );
  } finally {
    worker.shutdown();
    await running;
    await t.close();
  }
}
