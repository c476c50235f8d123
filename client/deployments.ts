import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: Node's ESM loader only offers its default export.
const { VersionDrainageStatus, RoutingConfigUpdateState } = proto.temporal.api.enums.v1;

/** Options of {@link promoteBuild}. */
export interface PromoteOptions {
  /** The Worker Deployment's name (`TEMPORAL_OKTA_DEPLOYMENT_NAME` on the workers). */
  deploymentName: string;
  /** The build to promote. */
  buildId: string;
  /** How long to wait for a worker of the new build to register its version. */
  timeoutMs?: number;
  /** Progress lines for a CLI. */
  onProgress?: (message: string) => void;
  /** Who made the change, recorded by the server. */
  identity?: string;
}

/** A build older than the one promoted, and what still runs on it. */
export interface OlderVersionReport {
  /** The older build's id. */
  buildId: string;
  /** `draining`: open workflows pinned to it still run there; `drained`: none; `unknown`: not computed yet. */
  drainage: 'draining' | 'drained' | 'unknown';
  /** Open workflow executions still pinned to that build. */
  openWorkflows: number;
}

/** What {@link promoteBuild} did, and what still runs on older builds. */
export interface PromotionReport {
  /** The Worker Deployment's name. */
  deploymentName: string;
  /** The build now current. */
  buildId: string;
  /** The build that was current before, if any (the promoted build itself when it already was current). */
  previousBuildId?: string;
  /** The other builds, with what still runs on them. */
  olderVersions: OlderVersionReport[];
}

/** Options of {@link rampBuild}. */
export interface RampOptions extends PromoteOptions {
  /** The share of new workflows that start on the build, in percent: more than 0, at most 100. */
  percentage: number;
}

/** What {@link rampBuild} did, and what still runs on other builds. */
export interface RampReport {
  /** The Worker Deployment's name. */
  deploymentName: string;
  /** The ramping build: it takes `percentage` % of new workflows. */
  buildId: string;
  /** The share of new workflows that start on the ramping build, in percent. */
  percentage: number;
  /** The current build, which takes the other new workflows (none: unversioned workers do). */
  currentBuildId?: string;
  /** The builds neither current nor ramping, with what still runs on them. */
  olderVersions: OlderVersionReport[];
}

/**
 * A promotion that cannot complete: says what is missing and what to do. Thrown by {@link promoteBuild}
 * and {@link rampBuild} (for example when no worker of the build registered in time); not retried: run
 * the command again once the cause is fixed.
 */
export class PromotionError extends Error {
  /** Always `PromotionError`. */
  override readonly name = 'PromotionError';
}

const GRPC_FAILED_PRECONDITION = 9;
const GRPC_NOT_FOUND = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(client: Client, deploymentName: string) {
  return client.workflowService.describeWorkerDeployment({
    namespace: client.options.namespace,
    deploymentName,
  });
}

type VersionSummary = NonNullable<
  NonNullable<Awaited<ReturnType<typeof describe>>['workerDeploymentInfo']>['versionSummaries']
>[number];

function drainageStatusOf(summary: VersionSummary) {
  return summary.drainageStatus ?? summary.drainageInfo?.status;
}

function drainageOf(status: number | null | undefined): OlderVersionReport['drainage'] {
  if (status === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING) return 'draining';
  if (status === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED) return 'drained';
  return 'unknown';
}

/** Open workflow executions pinned to one build, from the server's visibility store (eventually consistent). */
export async function countOpenWorkflowsOnBuild(
  client: Client,
  deploymentName: string,
  buildId: string,
): Promise<number> {
  const query =
    `TemporalWorkerDeploymentVersion = ${quoted(`${deploymentName}:${buildId}`)} ` +
    `AND TemporalWorkflowVersioningBehavior = "Pinned" AND ExecutionStatus = "Running"`;
  return (await client.workflow.count(query)).count;
}

/** A visibility query string literal. */
function quoted(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Waits until a worker of the build has registered its version; the deployment as described then. */
async function describeOnceRegistered(
  client: Client,
  { deploymentName, buildId }: { deploymentName: string; buildId: string },
  deadline: number,
  timeoutMs: number,
) {
  for (;;) {
    const described = await describe(client, deploymentName).catch((err: { code?: number }) => {
      if (err?.code === GRPC_NOT_FOUND) return undefined; // no worker of this deployment has polled yet
      throw err;
    });
    const summaries = described?.workerDeploymentInfo?.versionSummaries ?? [];
    if (described && summaries.some((s) => s.deploymentVersion?.buildId === buildId)) return described;
    if (Date.now() > deadline) {
      throw new PromotionError(
        `No worker of build ${buildId} has registered in deployment ${deploymentName} within ${timeoutMs} ms. ` +
          'Start a worker of that build (TEMPORAL_OKTA_BUILD_ID / TEMPORAL_OKTA_DEPLOYMENT_NAME) and try again.',
      );
    }
    await sleep(500);
  }
}

/** Every registered build but those given, with its drainage and its open pinned workflows. */
async function olderVersionsOf(
  client: Client,
  deploymentName: string,
  summaries: readonly VersionSummary[],
  except: readonly (string | undefined)[],
): Promise<OlderVersionReport[]> {
  const olderVersions: OlderVersionReport[] = [];
  for (const s of summaries) {
    const other = s.deploymentVersion?.buildId;
    if (!other || except.includes(other)) continue;
    olderVersions.push({
      buildId: other,
      drainage: drainageOf(drainageStatusOf(s)),
      openWorkflows: await countOpenWorkflowsOnBuild(client, deploymentName, other),
    });
  }
  return olderVersions;
}

/**
 * Describes the deployment once the build has registered, and applies `change` (a routing change made
 * with the description's conflict token; `undefined` when there is nothing to change). When another
 * change came first (FAILED_PRECONDITION), describes again and retries until the deadline.
 */
async function changeRouting(
  client: Client,
  options: PromoteOptions,
  deadline: number,
  timeoutMs: number,
  change: (described: Awaited<ReturnType<typeof describeOnceRegistered>>) => Promise<unknown> | undefined,
): Promise<void> {
  for (;;) {
    const described = await describeOnceRegistered(client, options, deadline, timeoutMs);
    const request = change(described);
    if (request === undefined) return;
    const changed = await request.then(
      () => true,
      (err: { code?: number }) => {
        // The deployment changed since it was described (another version registered): look again.
        if (err?.code === GRPC_FAILED_PRECONDITION && Date.now() < deadline) return false;
        throw err;
      },
    );
    if (changed) return;
    await sleep(500);
  }
}

/**
 * Promotes a build: waits until a worker of that build has registered its version, makes it the
 * deployment's current version (new workflows start there; pinned ones stay where they started), and
 * reports what is still running on older builds.
 *
 * @example
 * const report = await promoteBuild(client, { deploymentName: 'temporal-okta', buildId: '0.2.0+3f2c9a1b' });
 */
export async function promoteBuild(client: Client, options: PromoteOptions): Promise<PromotionReport> {
  const { deploymentName, buildId } = options;
  const progress = options.onProgress ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;

  progress(`Waiting for a worker of build ${buildId} to register in deployment ${deploymentName}...`);
  let previousBuildId: string | undefined;
  await changeRouting(client, options, deadline, timeoutMs, (described) => {
    previousBuildId =
      described.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId ?? undefined;
    if (previousBuildId === buildId) {
      progress(`Build ${buildId} is already current.`);
      return undefined;
    }
    progress(`Making build ${buildId} current${previousBuildId ? ` (was ${previousBuildId})` : ''}...`);
    return client.workflowService.setWorkerDeploymentCurrentVersion({
      namespace: client.options.namespace,
      deploymentName,
      buildId,
      conflictToken: described.conflictToken,
      identity: options.identity,
    });
  });

  for (;;) {
    const info = (await describe(client, deploymentName)).workerDeploymentInfo;
    const summaries = info?.versionSummaries ?? [];
    const settled =
      info?.routingConfig?.currentDeploymentVersion?.buildId === buildId &&
      info.routingConfigUpdateState !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
    // The server starts draining the previous build as it stops being current: wait until it says so.
    const previous =
      previousBuildId && previousBuildId !== buildId
        ? summaries.find((s) => s.deploymentVersion?.buildId === previousBuildId)
        : undefined;
    const previousKnown = !previous || drainageOf(drainageStatusOf(previous)) !== 'unknown';
    if (settled && (previousKnown || Date.now() > deadline)) {
      progress('Counting the open workflows pinned to older builds...');
      const olderVersions = await olderVersionsOf(client, deploymentName, summaries, [buildId]);
      return { deploymentName, buildId, previousBuildId, olderVersions };
    }
    if (Date.now() > deadline) {
      throw new PromotionError(
        `Build ${buildId} did not become the current version of deployment ${deploymentName} within ` +
          `${timeoutMs} ms. Check the deployment with \`temporal worker deployment describe --name ${deploymentName}\`.`,
      );
    }
    await sleep(250);
  }
}

/**
 * Ramps a build: waits until a worker of that build has registered its version, then sends `percentage` %
 * of new workflows to it while the current build keeps the rest (Temporal's ramping version). Pinned
 * workflows, and the children they start, stay on the build they started on. Promote the build with
 * {@link promoteBuild} once it has proved itself; that ends the ramp.
 *
 * @example
 * const report = await rampBuild(client, { deploymentName: 'temporal-okta', buildId: '0.2.0+3f2c9a1b', percentage: 10 });
 */
export async function rampBuild(client: Client, options: RampOptions): Promise<RampReport> {
  const { deploymentName, buildId, percentage } = options;
  if (!(percentage > 0 && percentage <= 100)) {
    throw new PromotionError(
      `A ramp percentage must be more than 0 and at most 100, not ${percentage}. To send every new workflow ` +
        `to build ${buildId}, promote it instead.`,
    );
  }
  const progress = options.onProgress ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;

  progress(`Waiting for a worker of build ${buildId} to register in deployment ${deploymentName}...`);
  await changeRouting(client, options, deadline, timeoutMs, (described) => {
    const routing = described.workerDeploymentInfo?.routingConfig;
    if (routing?.currentDeploymentVersion?.buildId === buildId) {
      throw new PromotionError(
        `Build ${buildId} is already the current version of deployment ${deploymentName}: there is nothing to ramp.`,
      );
    }
    const current = routing?.currentDeploymentVersion?.buildId ?? undefined;
    progress(
      `Sending ${percentage}% of new workflows to build ${buildId}` +
        `${current ? ` (the rest stays on ${current})` : ''}...`,
    );
    return client.workflowService.setWorkerDeploymentRampingVersion({
      namespace: client.options.namespace,
      deploymentName,
      buildId,
      percentage,
      conflictToken: described.conflictToken,
      identity: options.identity,
    });
  });

  for (;;) {
    const info = (await describe(client, deploymentName)).workerDeploymentInfo;
    const routing = info?.routingConfig;
    const settled =
      routing?.rampingDeploymentVersion?.buildId === buildId &&
      // The server keeps the percentage as a 32-bit float.
      Math.abs((routing.rampingVersionPercentage ?? 0) - percentage) < 1e-3 &&
      info?.routingConfigUpdateState !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
    if (settled) {
      const currentBuildId = routing.currentDeploymentVersion?.buildId ?? undefined;
      progress('Counting the open workflows pinned to older builds...');
      const olderVersions = await olderVersionsOf(client, deploymentName, info?.versionSummaries ?? [], [
        buildId,
        currentBuildId,
      ]);
      return { deploymentName, buildId, percentage, currentBuildId, olderVersions };
    }
    if (Date.now() > deadline) {
      throw new PromotionError(
        `Build ${buildId} did not become the ramping version of deployment ${deploymentName} within ` +
          `${timeoutMs} ms. Check the deployment with \`temporal worker deployment describe --name ${deploymentName}\`.`,
      );
    }
    await sleep(250);
  }
}
