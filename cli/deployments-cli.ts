import { Client, Connection } from '@temporalio/client';
import { InvalidArgumentError, type Command } from 'commander';
import { loadWorkerConfig } from '../worker/config.js';
import { positiveSeconds, writeOut } from './command-helpers.js';
import {
  promoteBuild,
  rampBuild,
  type OlderVersionReport,
  type PromotionReport,
  type RampReport,
} from '../client/deployments.js';

/** What the deployments commands read besides their options; the defaults are the process's. */
export interface DeploymentsCommandsOptions {
  /**
   * The environment: TEMPORAL_OKTA_DEPLOYMENT_NAME and TEMPORAL_OKTA_BUILD_ID for the defaults, and the
   * Temporal connection settings of `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
   * TEMPORAL_API_KEY, TLS, TEMPORAL_PROFILE and its config file).
   */
  env?: NodeJS.ProcessEnv;
}

/** The older builds of a report, and whether to keep their workers. */
function formatOlderVersions(olderVersions: readonly OlderVersionReport[]): string[] {
  if (olderVersions.length === 0) return ['No older builds are registered.'];
  const lines = ['Older builds:'];
  for (const v of olderVersions) {
    lines.push(`  ${v.buildId}: ${v.drainage}, ${v.openWorkflows} open pinned workflow(s)`);
  }
  if (olderVersions.some((v) => v.openWorkflows > 0)) {
    lines.push('Keep the workers of those builds running until their pinned workflows have finished.');
  }
  return lines;
}

/** The promotion report as the CLI prints it. */
export function formatPromotionReport(report: PromotionReport): string[] {
  return [
    `Build ${report.buildId} is the current version of deployment ${report.deploymentName}` +
      (report.previousBuildId && report.previousBuildId !== report.buildId
        ? ` (was ${report.previousBuildId}).`
        : '.'),
    ...formatOlderVersions(report.olderVersions),
  ];
}

/** The ramp report as the CLI prints it. */
export function formatRampReport(report: RampReport): string[] {
  return [
    `Build ${report.buildId} takes ${report.percentage}% of new workflows in deployment ${report.deploymentName}; ` +
      (report.currentBuildId
        ? `the current build ${report.currentBuildId} takes the rest.`
        : 'unversioned workers take the rest.'),
    'Workflows stay on the build they started on, and so do the child workflows they start.',
    ...formatOlderVersions(report.olderVersions),
    `Once build ${report.buildId} has proved itself: temporal-okta deployments promote --build-id ${report.buildId}`,
  ];
}

/** Parses `--ramp <percent>`: more than 0, at most 100. */
export function rampPercentage(value: string): number {
  const percent = Number(value.trim().replace(/%$/, ''));
  if (value.trim() === '' || !Number.isFinite(percent) || percent <= 0 || percent > 100) {
    throw new InvalidArgumentError('must be a percentage of new workflows: more than 0, at most 100.');
  }
  return percent;
}

/** Connects to Temporal as `@temporalio/envconfig` describes (profile file, then environment). */
async function connectClient(env: NodeJS.ProcessEnv): Promise<{ client: Client; close(): Promise<void> }> {
  // Loaded here, not at start-up: the module also brings the worker and test-server packages.
  const { envConnectConfig } = await import('./temporal-server.js');
  const { connectionOptions, namespace } = envConnectConfig(env);
  const connection = await Connection.connect(connectionOptions);
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}

/**
 * Adds `deployments promote` to the CLI: makes a build the current version of the worker deployment
 * (new workflows start there; pinned ones finish where they started), or with `--ramp <percent>` its ramping
 * version (that share of new workflows starts there), and reports the older builds that are still
 * draining, with their open pinned workflows. Deployment name and build id default to the
 * worker's own configuration (`loadWorkerConfig()`); output goes through the program's
 * `configureOutput()`, errors through `command.error()` (exit code 1).
 *
 * @example
 * const program = new Command('temporal-okta');
 * registerDeploymentsCommands(program);
 * await program.parseAsync(); // temporal-okta deployments promote --build-id 0.2.0+3f2c9a1b
 */
export function registerDeploymentsCommands(
  program: Command,
  options: DeploymentsCommandsOptions = {},
): Command {
  const deployments = program
    .command('deployments')
    .description('Worker Deployment Versioning: promote a build of the workers.');

  deployments
    .command('promote')
    .description(
      'Wait for a worker of the build to register, make the build current (or with --ramp send a share of new workflows to it), and report the older builds still draining.',
    )
    .option(
      '--build-id <id>',
      'the build to promote (default: TEMPORAL_OKTA_BUILD_ID, else this package build)',
    )
    .option('--deployment-name <name>', 'the worker deployment (default: TEMPORAL_OKTA_DEPLOYMENT_NAME)')
    .option(
      '--timeout <seconds>',
      'how long to wait for the build to register and become current (or ramping)',
      positiveSeconds,
      60,
    )
    .option(
      '--ramp <percent>',
      'instead of making the build current, send this share of new workflows to it (the current build keeps the rest)',
      rampPercentage,
    )
    .action(
      async (
        opts: { buildId?: string; deploymentName?: string; timeout: number; ramp?: number },
        command: Command,
      ) => {
        const env = options.env ?? process.env;
        const print = (line: string) => writeOut(command, `${line}\n`);
        let deploymentName: string;
        let buildId: string;
        try {
          // The worker's own settings only fill in what the options leave out.
          const config = loadWorkerConfig({
            ...env,
            ...(opts.buildId ? { TEMPORAL_OKTA_BUILD_ID: opts.buildId } : {}),
            ...(opts.deploymentName ? { TEMPORAL_OKTA_DEPLOYMENT_NAME: opts.deploymentName } : {}),
          });
          deploymentName = config.deploymentName;
          buildId = config.buildId;
        } catch (err) {
          // Name the option where the value came from one.
          let message = (err as Error).message;
          if (opts.buildId) message = message.replaceAll('TEMPORAL_OKTA_BUILD_ID', '--build-id');
          if (opts.deploymentName) {
            message = message.replaceAll('TEMPORAL_OKTA_DEPLOYMENT_NAME', '--deployment-name');
          }
          command.error(message, { exitCode: 1, code: 'temporal-okta.config' });
        }
        let connected: Awaited<ReturnType<typeof connectClient>>;
        try {
          connected = await connectClient(env);
        } catch (err) {
          command.error(
            `Cannot connect to Temporal: ${(err as Error).message}. Set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE ` +
              '(and TEMPORAL_API_KEY or TLS settings), or a profile in the Temporal config file.',
            { exitCode: 1, code: 'temporal-okta.connection' },
          );
        }
        try {
          const common = {
            deploymentName,
            buildId,
            timeoutMs: opts.timeout * 1000,
            onProgress: print,
            identity: 'temporal-okta deployments promote',
          };
          const lines =
            opts.ramp === undefined
              ? formatPromotionReport(await promoteBuild(connected.client, common))
              : formatRampReport(await rampBuild(connected.client, { ...common, percentage: opts.ramp }));
          lines.forEach(print);
        } catch (err) {
          command.error((err as Error).message, { exitCode: 1, code: 'temporal-okta.promote' });
        } finally {
          await connected.close();
        }
      },
    );
  return deployments;
}
