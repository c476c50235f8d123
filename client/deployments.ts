import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: Node's ESM loader only offers its default export.
const { VersionDrainageStatus, RoutingConfigUpdateState } = proto.temporal.api.enums.v1;

export interface PromoteOptions {
  deploymentName: string;
  buildId: string;
  /** How long to wait for a worker of the new build to register its version. */
  timeoutMs?: number;
  /** Progress lines for a CLI. */
  onProgress?: (message: string) => void;
  /** Who made the change, recorded by the server. */
  identity?: string;
}

export interface OlderVersionReport {
  buildId: string;
  /** `draining`: open workflows pinned to it still run there; `drained`: none; `unknown`: not computed yet. */
  drainage: 'draining' | 'drained' | 'unknown';
  /** Open workflow executions still pinned to that build. */
  openWorkflows: number;
}

export interface PromotionReport {
  deploymentName: string;
  buildId: string;
  /** The build that was current before, if any. */
  previousBuildId?: string;
  olderVersions: OlderVersionReport[];
}

/** A promotion that cannot complete: says what is missing and what to do. */
export class PromotionError extends Error {
  override readonly name = 'PromotionError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(client: Client, deploymentName: string) {
  return client.workflowService.describeWorkerDeployment({
    namespace: client.options.namespace,
    deploymentName,
  });
}

function drainageOf(status: number | null | undefined): OlderVersionReport['drainage'] {
  if (status === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING) return 'draining';
  if (status === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED) return 'drained';
  return 'unknown';
}

/** Open workflow executions pinned to one build, from the server's visibility store. */
export async function countOpenWorkflowsOnBuild(
  client: Client,
  deploymentName: string,
  buildId: string,
): Promise<number> {
  const query = `TemporalWorkerDeploymentVersion = "${deploymentName}:${buildId}" AND ExecutionStatus = "Running"`;
  return (await client.workflow.count(query)).count;
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
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);

  progress(`Waiting for a worker of build ${buildId} to register in deployment ${deploymentName}...`);
  let described;
  for (;;) {
    described = await describe(client, deploymentName).catch((err: { code?: number }) => {
      if (err?.code === 5) return undefined; // NOT_FOUND: no worker of this deployment has polled yet
      throw err;
    });
    const summaries = described?.workerDeploymentInfo?.versionSummaries ?? [];
    if (summaries.some((s) => s.deploymentVersion?.buildId === buildId)) break;
    if (Date.now() > deadline) {
      throw new PromotionError(
        `No worker of build ${buildId} has registered in deployment ${deploymentName} within ${options.timeoutMs ?? 60_000} ms. ` +
          'Start a worker of that build (TEMPORAL_OKTA_BUILD_ID / TEMPORAL_OKTA_DEPLOYMENT_NAME) and try again.',
      );
    }
    await sleep(500);
  }

  const routing = described!.workerDeploymentInfo?.routingConfig;
  const previousBuildId = routing?.currentDeploymentVersion?.buildId ?? undefined;
  if (previousBuildId !== buildId) {
    progress(`Making build ${buildId} current${previousBuildId ? ` (was ${previousBuildId})` : ''}...`);
    await client.workflowService.setWorkerDeploymentCurrentVersion({
      namespace: client.options.namespace,
      deploymentName,
      buildId,
      conflictToken: described!.conflictToken,
      identity: options.identity,
    });
  }
  for (;;) {
    const now = await describe(client, deploymentName);
    const info = now.workerDeploymentInfo;
    const done =
      info?.routingConfig?.currentDeploymentVersion?.buildId === buildId &&
      info.routingConfigUpdateState !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
    if (done) {
      const olderVersions: OlderVersionReport[] = [];
      for (const s of info.versionSummaries ?? []) {
        const other = s.deploymentVersion?.buildId;
        if (!other || other === buildId) continue;
        olderVersions.push({
          buildId: other,
          drainage: drainageOf(s.drainageStatus ?? s.drainageInfo?.status),
          openWorkflows: await countOpenWorkflowsOnBuild(client, deploymentName, other),
        });
      }
      for (const v of olderVersions)
        progress(`Build ${v.buildId}: ${v.drainage}, ${v.openWorkflows} open workflow(s) pinned to it.`);
      return { deploymentName, buildId, previousBuildId, olderVersions };
    }
    if (Date.now() > deadline)
      throw new PromotionError(`Build ${buildId} did not become current within the timeout.`);
    await sleep(250);
  }
}
