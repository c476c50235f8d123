import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Command, type CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerDeploymentsCommands } from '../../cli/deployments-cli.js';
import { promoteBuild, rampBuild } from '../../client/deployments.js';
import { connectToDevServer } from '../helpers/temporal.js';
import {
  bundleFixtures,
  startBuildWorker,
  startOktaOrg,
  uniqueDeployment,
  versioningOf,
  type BuildWorker,
  type OktaOrg,
} from './harness.js';
import { startsOneChild } from './workflows.js';

describe('ramping a build', () => {
  let env: TestWorkflowEnvironment;
  let org: OktaOrg;
  let workflowBundle: WorkflowBundleWithSourceMap;
  let workers: BuildWorker[] = [];

  beforeAll(async () => {
    [env, org, workflowBundle] = await Promise.all([connectToDevServer(), startOktaOrg(), bundleFixtures()]);
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
  });
  afterAll(async () => {
    await org?.close();
    await env?.teardown();
  });

  /** A deployment whose build `current` is current, with a worker of build `next` polling too. */
  async function deploymentWithTwoBuilds(prefix: string) {
    const { taskQueue, deploymentName } = uniqueDeployment(prefix);
    const [current, next] = ['1.0.0+current', '1.1.0+next'];
    for (const buildId of [current, next]) {
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
    await promoteBuild(env.client, { deploymentName, buildId: current, timeoutMs: 30_000 });
    return { taskQueue, deploymentName, current, next };
  }

  async function routingOf(deploymentName: string) {
    const { workerDeploymentInfo } = await env.client.workflowService.describeWorkerDeployment({
      namespace: env.client.options.namespace,
      deploymentName,
    });
    const routing = workerDeploymentInfo?.routingConfig;
    return {
      current: routing?.currentDeploymentVersion?.buildId ?? undefined,
      ramping: routing?.rampingDeploymentVersion?.buildId || undefined,
      percentage: routing?.rampingVersionPercentage ?? 0,
    };
  }

  it("splits new parent workflows between the current build and a build ramped to 50 %, and starts every child on its parent's build", async () => {
    const { taskQueue, deploymentName, current, next } = await deploymentWithTwoBuilds('okta-ramp');

    const report = await rampBuild(env.client, {
      deploymentName,
      buildId: next,
      percentage: 50,
      timeoutMs: 30_000,
    });

    expect(report).toEqual({
      deploymentName,
      buildId: next,
      percentage: 50,
      currentBuildId: current,
      olderVersions: [],
    });
    expect(await routingOf(deploymentName)).toEqual({ current, ramping: next, percentage: 50 });
    const parents = await Promise.all(
      Array.from({ length: 40 }, () =>
        env.client.workflow.start(startsOneChild, {
          taskQueue,
          workflowId: `okta-ramp-parent-${randomUUID()}`,
        }),
      ),
    );
    const childIds = await Promise.all(parents.map((p) => p.result()));
    const builds: Record<string, number> = { [current]: 0, [next]: 0 };
    const mismatches: string[] = [];
    for (const [i, parent] of parents.entries()) {
      const onParent = await versioningOf(parent);
      const onChild = await versioningOf(env.client.workflow.getHandle(childIds[i]!));
      builds[onParent.buildId!] = (builds[onParent.buildId!] ?? 0) + 1;
      if (onChild.buildId !== onParent.buildId || onChild.behavior !== 'PINNED') {
        mismatches.push(
          `${childIds[i]}: ${onChild.buildId} (${onChild.behavior}), parent on ${onParent.buildId}`,
        );
      }
    }
    // 40 parents at 50 %: each build gets 20 on average; 8 to 32 holds but for about 1 run in 25,000.
    expect(Object.keys(builds).sort()).toEqual([current, next].sort());
    expect(builds[next]).toBeGreaterThanOrEqual(8);
    expect(builds[next]).toBeLessThanOrEqual(32);
    expect(mismatches).toEqual([]);
  });

  it('ends the ramp when the ramped build is promoted', async () => {
    const { deploymentName, current, next } = await deploymentWithTwoBuilds('okta-ramp-promote');
    await rampBuild(env.client, { deploymentName, buildId: next, percentage: 25, timeoutMs: 30_000 });

    const report = await promoteBuild(env.client, { deploymentName, buildId: next, timeoutMs: 30_000 });

    expect(report.previousBuildId).toBe(current);
    expect(await routingOf(deploymentName)).toEqual({ current: next, ramping: undefined, percentage: 0 });
  });

  it('prints, from the CLI with --ramp, the share the build takes and the build that keeps the rest', async () => {
    const { deploymentName, current, next } = await deploymentWithTwoBuilds('okta-ramp-cli');
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command('temporal-okta')
      .exitOverride()
      .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    registerDeploymentsCommands(program, {
      env: { TEMPORAL_ADDRESS: inject('devServerAddress'), TEMPORAL_NAMESPACE: env.client.options.namespace },
    });

    await program.parseAsync(
      ['deployments', 'promote', '--deployment-name', deploymentName, '--build-id', next, '--ramp', '10'],
      { from: 'user' },
    );

    expect(err).toEqual([]);
    expect(out.join('')).toContain(
      `Build ${next} takes 10% of new workflows in deployment ${deploymentName}; the current build ${current} takes the rest.`,
    );
    expect(out.join('')).toContain(`temporal-okta deployments promote --build-id ${next}`);
    expect(await routingOf(deploymentName)).toEqual({ current, ramping: next, percentage: 10 });
  });

  it('refuses, from the CLI, a ramp that is not a percentage above 0 and at most 100', async () => {
    for (const ramp of ['0', '150', 'half']) {
      const err: string[] = [];
      const program = new Command('temporal-okta')
        .exitOverride()
        .configureOutput({ writeOut: () => undefined, writeErr: (s) => err.push(s) });
      registerDeploymentsCommands(program, { env: { TEMPORAL_ADDRESS: inject('devServerAddress') } });

      const run = program.parseAsync(['deployments', 'promote', '--build-id', '1.0.0', '--ramp', ramp], {
        from: 'user',
      });

      await expect(run).rejects.toMatchObject({ exitCode: 1 } satisfies Partial<CommanderError>);
      expect(err.join('')).toContain(`'--ramp <percent>' argument '${ramp}' is invalid`);
      expect(err.join('')).toContain('more than 0, at most 100');
    }
  });
});
