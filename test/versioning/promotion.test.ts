import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Command, type CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerDeploymentsCommands } from '../../cli/deployments-cli.js';
import { promoteBuild, PromotionError } from '../../client/deployments.js';
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
import { openUntilSignalled, startChildren } from './workflows.js';

/** What {@link observedClient} reports: a look at the deployment (is the build registered?) or a change of it. */
type DeploymentCall = 'registered?yes' | 'registered?no' | 'set current';

/**
 * The client with its Worker Deployment calls reported as they complete, so a test sees what a promotion saw
 * and when it acted. Every call still goes to the server; nothing is answered in its place.
 */
function observedClient(client: Client, buildId: string, report: (call: DeploymentCall) => void): Client {
  const service = client.workflowService;
  const observed = new Proxy(service, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      if (name === 'describeWorkerDeployment') {
        return async (...args: unknown[]) => {
          const res = (await method(...args).catch((err: unknown) => {
            report('registered?no'); // NOT_FOUND: no worker of the deployment has polled yet
            throw err;
          })) as Awaited<ReturnType<typeof service.describeWorkerDeployment>>;
          const versions = res.workerDeploymentInfo?.versionSummaries ?? [];
          report(
            versions.some((v) => v.deploymentVersion?.buildId === buildId)
              ? 'registered?yes'
              : 'registered?no',
          );
          return res;
        };
      }
      if (name === 'setWorkerDeploymentCurrentVersion') {
        return async (...args: unknown[]) => {
          const res = await method(...args);
          report('set current');
          return res;
        };
      }
      return method;
    },
  });
  return new Proxy(client, {
    get: (target, name) => (name === 'workflowService' ? observed : Reflect.get(target, name, target)),
  });
}

describe('promoting a build', () => {
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

  /** Starts a worker of one build of the fixtures; it is stopped after the test. */
  async function startWorker(taskQueue: string, deploymentName: string, buildId: string): Promise<void> {
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

  /**
   * A deployment whose build `old` is current with `open` pinned workflows still running on it, and a
   * worker of build `next` polling but not current yet.
   */
  async function deploymentWithOpenWorkflowsOn(prefix: string, open: number) {
    const { taskQueue, deploymentName } = uniqueDeployment(prefix);
    const [old, next] = ['1.0.0+old', '1.1.0+next'];
    for (const buildId of [old, next]) {
      await startWorker(taskQueue, deploymentName, buildId);
    }
    await promoteBuild(env.client, { deploymentName, buildId: old, timeoutMs: 30_000 });
    const handles = [];
    for (let i = 0; i < open; i++) {
      const handle = await env.client.workflow.start(openUntilSignalled, {
        taskQueue,
        workflowId: `${prefix}-open-${randomUUID()}`,
      });
      await expect.poll(async () => (await versioningOf(handle)).buildId, { timeout: 20_000 }).toBe(old);
      handles.push(handle);
    }
    return { taskQueue, deploymentName, old, next, handles };
  }

  async function currentBuildOf(deploymentName: string) {
    const res = await env.client.workflowService.describeWorkerDeployment({
      namespace: env.client.options.namespace,
      deploymentName,
    });
    return res.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId;
  }

  it('makes a registered build current and reports the previous build draining with its open pinned workflows', async () => {
    const { taskQueue, deploymentName, old, next, handles } = await deploymentWithOpenWorkflowsOn(
      'okta-promote',
      2,
    );
    const progress: string[] = [];

    const report = await promoteBuild(env.client, {
      deploymentName,
      buildId: next,
      timeoutMs: 30_000,
      onProgress: (line) => progress.push(line),
    });

    expect(report).toEqual({
      deploymentName,
      buildId: next,
      previousBuildId: old,
      olderVersions: [{ buildId: old, drainage: 'draining', openWorkflows: 2 }],
    });
    expect(await currentBuildOf(deploymentName)).toBe(next);
    expect(progress.join('\n')).toContain(`Making build ${next} current (was ${old})`);
    const started = await env.client.workflow.start(openUntilSignalled, {
      taskQueue,
      workflowId: `after-promotion-${randomUUID()}`,
    });
    await expect.poll(async () => (await versioningOf(started)).buildId, { timeout: 20_000 }).toBe(next);
    await Promise.all([...handles, started].map((h) => h.signal(startChildren)));
  });

  it('waits for a worker of the build to register before making it current', async () => {
    const { taskQueue, deploymentName } = uniqueDeployment('okta-promote-wait');
    const buildId = '2.0.0+late';
    // What the promotion sees and does, in order, next to when the worker starts.
    const events: string[] = [];
    let lookedTwice!: () => void;
    const promotionIsWaiting = new Promise<void>((resolve) => (lookedTwice = resolve));
    const client = observedClient(env.client, buildId, (call) => {
      events.push(call);
      if (events.filter((e) => e === 'registered?no').length === 2) lookedTwice();
    });

    const promotion = promoteBuild(client, { deploymentName, buildId, timeoutMs: 30_000 }).finally(() =>
      events.push('promotion done'),
    );
    // Twice "not registered": the promotion is polling, not failing and not going ahead.
    await Promise.race([promotionIsWaiting, promotion]);
    expect(events).toEqual(['registered?no', 'registered?no']);
    events.push('worker starts');
    await startWorker(taskQueue, deploymentName, buildId);
    const report = await promotion;

    expect(report).toEqual({ deploymentName, buildId, previousBuildId: undefined, olderVersions: [] });
    const at = (event: string) => events.indexOf(event);
    expect(at('registered?yes')).toBeGreaterThan(at('worker starts'));
    expect(at('set current')).toBeGreaterThan(at('registered?yes'));
    expect(events.filter((e) => e === 'set current')).toHaveLength(1);
    expect(events.at(-1)).toBe('promotion done');
    expect(await currentBuildOf(deploymentName)).toBe(buildId);
  });

  it('leaves an already current build current and says so', async () => {
    const { taskQueue, deploymentName } = uniqueDeployment('okta-promote-again');
    const buildId = '2.1.0+again';
    await startWorker(taskQueue, deploymentName, buildId);
    await promoteBuild(env.client, { deploymentName, buildId, timeoutMs: 30_000 });
    const progress: string[] = [];

    const report = await promoteBuild(env.client, {
      deploymentName,
      buildId,
      timeoutMs: 30_000,
      onProgress: (line) => progress.push(line),
    });

    expect(report).toEqual({ deploymentName, buildId, previousBuildId: buildId, olderVersions: [] });
    expect(progress).toContain(`Build ${buildId} is already current.`);
    expect(await currentBuildOf(deploymentName)).toBe(buildId);
  });

  it('fails with what to do when no worker of the build registers in time', async () => {
    const { deploymentName } = uniqueDeployment('okta-promote-none');
    const promotion = promoteBuild(env.client, { deploymentName, buildId: '9.9.9+absent', timeoutMs: 1_000 });
    await expect(promotion).rejects.toThrow(PromotionError);
    await expect(promotion).rejects.toThrow(
      /No worker of build 9\.9\.9\+absent .*Start a worker of that build/,
    );
  });

  it('prints, from the CLI, the progress and the same draining report', async () => {
    const { deploymentName, old, next, handles } = await deploymentWithOpenWorkflowsOn('okta-promote-cli', 1);
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command('temporal-okta')
      .exitOverride()
      .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    registerDeploymentsCommands(program, {
      env: {
        TEMPORAL_ADDRESS: inject('devServerAddress'),
        TEMPORAL_NAMESPACE: env.client.options.namespace,
        TEMPORAL_OKTA_DEPLOYMENT_NAME: deploymentName,
      },
    });

    await program.parseAsync(['deployments', 'promote', '--build-id', next, '--timeout', '30'], {
      from: 'user',
    });

    const printed = out.join('');
    expect(err).toEqual([]);
    expect(printed).toContain(
      `Waiting for a worker of build ${next} to register in deployment ${deploymentName}`,
    );
    expect(printed).toContain(
      `Build ${next} is the current version of deployment ${deploymentName} (was ${old}).`,
    );
    expect(printed).toContain(`  ${old}: draining, 1 open pinned workflow(s)`);
    expect(await currentBuildOf(deploymentName)).toBe(next);
    await Promise.all(handles.map((h) => h.signal(startChildren)));
  });

  it('fails from the CLI with exit code 1 and the reason when the build never registers', async () => {
    const { deploymentName } = uniqueDeployment('okta-promote-cli-none');
    const err: string[] = [];
    const program = new Command('temporal-okta')
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: (s) => err.push(s) });
    registerDeploymentsCommands(program, {
      env: { TEMPORAL_ADDRESS: inject('devServerAddress'), TEMPORAL_OKTA_BUILD_ID: '9.9.9+absent' },
    });

    const run = program.parseAsync(
      ['deployments', 'promote', '--deployment-name', deploymentName, '--timeout', '1'],
      { from: 'user' },
    );

    await expect(run).rejects.toMatchObject({ exitCode: 1 } satisfies Partial<CommanderError>);
    expect(err.join('')).toContain(
      `No worker of build 9.9.9+absent has registered in deployment ${deploymentName}`,
    );
  });

  it('refuses, from the CLI, a deployment name with a dot, naming the option and what to use instead', async () => {
    const err: string[] = [];
    const program = new Command('temporal-okta')
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: (s) => err.push(s) });
    registerDeploymentsCommands(program, { env: { TEMPORAL_ADDRESS: inject('devServerAddress') } });

    const run = program.parseAsync(['deployments', 'promote', '--deployment-name', 'okta.workers'], {
      from: 'user',
    });

    await expect(run).rejects.toMatchObject({ exitCode: 1 } satisfies Partial<CommanderError>);
    expect(err.join('')).toContain('--deployment-name must not contain "."');
    expect(err.join('')).toContain('use "-"');
  });
});
