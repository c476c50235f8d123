import { SimplePlugin } from '@temporalio/plugin';
import type { WorkerOptions } from '@temporalio/worker';
import type { Connections } from '../activities/connections.js';
import { createOktaActivities } from '../activities/create-activities.js';
import { createDataConverter } from './data-converter.js';
import type { CodecKeyring } from './keys.js';
import { packageModulePath } from './module-path.js';

/** The workflow interceptor module that propagates global Okta sessions to children and continue-as-new. */
export const SESSION_INTERCEPTORS_MODULE = packageModulePath('workflows/interceptors');

/** Options of {@link OktaPlugin}. Clients need only `codecKeys`; workers add the rest. */
export interface OktaPluginOptions {
  /**
   * The payload codec's keys (`loadCodecKeysFromEnv()`): the plugin installs the encrypting data converter
   * on the client or worker. Shared by every client and worker; on workers they also sign sessions
   * unless `sessionKeys` is given.
   */
  codecKeys?: CodecKeyring;
  /** Worker: the named connections (`loadConnections()`); with them the plugin registers the Okta activities. */
  connections?: Connections;
  /**
   * Worker: the Worker Deployment Version (`loadWorkerConfig()` gives both). The plugin turns on Worker
   * Deployment Versioning with PINNED as the default behaviour, unless the worker options set their own
   * `workerDeploymentOptions`. Also the build id that sessions are checked against.
   */
  deployment?: { deploymentName: string; buildId: string };
  /** Worker: a dedicated session keyring (`loadSessionKeysFromEnv()`); default `codecKeys`. */
  sessionKeys?: CodecKeyring | undefined;
  /** Worker: per-request timeout of the Okta actions. Default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * The Okta plugin for Temporal clients and workers (`new Client({ plugins })`, `Worker.create({ plugins })`,
 * also passed on to the workflow bundler): it registers the Okta activities, the session interceptors, the
 * encrypting data converter and the versioning defaults, and composes with other plugins.
 *
 * @example
 * const okta = new OktaPlugin({ codecKeys, connections: await loadConnections(), deployment: loadWorkerConfig() });
 * const worker = await Worker.create({ connection, taskQueue, workflowsPath, plugins: [okta] });
 * const client = new Client({ connection, plugins: [new OktaPlugin({ codecKeys })] });
 */
export class OktaPlugin extends SimplePlugin {
  readonly #deployment: OktaPluginOptions['deployment'];

  constructor(options: OktaPluginOptions) {
    const { codecKeys, connections, deployment } = options;
    const sessionKeys = options.sessionKeys ?? codecKeys;
    if (connections && (!deployment || !sessionKeys)) {
      throw new TypeError(
        'OktaPlugin: registering the Okta activities needs `deployment` (its build id checks sessions) and ' +
          '`codecKeys` or `sessionKeys` (they sign sessions).',
      );
    }
    super({
      name: 'temporal-okta',
      ...(codecKeys ? { dataConverter: createDataConverter(codecKeys) } : {}),
      ...(connections
        ? {
            activities: createOktaActivities({
              connections,
              buildId: deployment!.buildId,
              sessionKeys: sessionKeys!,
              requestTimeoutMs: options.requestTimeoutMs,
            }),
          }
        : {}),
      workerInterceptors: { workflowModules: [SESSION_INTERCEPTORS_MODULE] },
    });
    this.#deployment = deployment;
  }

  /** Adds Worker Deployment Versioning (PINNED by default) for the plugin's `deployment`, unless the worker options already set `workerDeploymentOptions`. */
  override configureWorker(options: WorkerOptions): WorkerOptions {
    const configured = super.configureWorker(options);
    if (!this.#deployment || configured.workerDeploymentOptions) return configured;
    return {
      ...configured,
      workerDeploymentOptions: {
        useWorkerVersioning: true,
        version: { deploymentName: this.#deployment.deploymentName, buildId: this.#deployment.buildId },
        defaultVersioningBehavior: 'PINNED',
      },
    };
  }
}
