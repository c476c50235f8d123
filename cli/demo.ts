import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { findConnection } from '../activities/connect.js';
import { CONNECTIONS_ENV_VAR, loadConnections, type Connections } from '../activities/connections.js';
import { createOktaActivities } from '../activities/create-activities.js';
import type { OnboardingProgress } from '../common/new-hire.js';
import type { OffboardingProgress } from '../common/offboarding.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startEmulator, type RunningEmulator } from 'temporal-okta-emulator/server';
import { defaultBuildId } from '../worker/build-id.js';
import { createOktaWorker } from '../worker/create-worker.js';
import { createDataConverter } from '../worker/data-converter.js';
import { loadCodecKeysFromEnv, loadOrCreateKeyFile } from '../worker/keys.js';
import { unlessAborted } from './abort.js';
import { startCodecServer } from '../client/codec-server.js';
import { promoteBuild } from '../client/deployments.js';
import {
  DEMO_CODEC_KEY_FILE,
  DEMO_LEAVERS,
  DEMO_TASK_QUEUE,
  demoStateDir,
  sampleNewHiresFile,
} from './demo-config.js';
import { followOffboarding, printOffboardingReport, startOffboarding } from './offboarding.js';
import {
  followOnboarding,
  loadNewHires,
  printOnboardingReport,
  startOnboarding,
  workflowUrl,
} from './onboarding.js';
import { writeLine, type Output } from './progress.js';
import {
  connectToTemporal,
  isReachable,
  startDevServer,
  type DevServerOptions,
  type TemporalTarget,
} from './temporal-server.js';

export interface DemoOptions {
  /** The new hires file; default `samples/new-hires.json`. */
  file?: string;
  /** Codec key, emulator state (SQLite) and connections file; default `TEMPORAL_OKTA_STATE_DIR` or `.temporal-okta`. */
  stateDir?: string;
  /**
   * A running Temporal server to use (`host:port`); it must be reachable. Without it, `TEMPORAL_ADDRESS`
   * is used when it is reachable, else the demo starts a dev server.
   */
  temporalAddress?: string;
  /** The Web UI's base URL for an existing server (default `http://localhost:8233` for a local one). */
  webUi?: string;
  /** A connections file of a real Okta org; default `TEMPORAL_OKTA_CONNECTIONS`; none: the emulator. */
  connectionsFile?: string;
  /** The connection to use; default `okta-automation`. */
  connection?: string;
  /** Users the emulator seeds into a new org (its default otherwise). */
  seedUsers?: number;
  /** Task queue and deployment name; default `temporal-okta-demo`. */
  taskQueue?: string;
  /** Child workflows at once (default 5). */
  concurrency?: number;
  /** Where the demo writes; default stdout. */
  output?: Output;
  /** Aborting stops the run: the workflow is cancelled and everything the demo started is stopped. */
  signal?: AbortSignal;
  /** Called after the report, before everything stops (the CLI waits for Ctrl-C here, so the Web UI stays up). */
  beforeStop?: (result: DemoResult) => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

export interface DemoResult {
  workflowId: string;
  namespace: string;
  /** The Web UI page of the onboarding workflow, when a Web UI is known. */
  webUiLink?: string;
  /** The codec server the demo started for its dev server's Web UI (none on a server it did not start). */
  codecEndpoint?: string;
  progress: OnboardingProgress;
  /** The offboarding run that follows: the first hires of the file deactivated again, with its record. */
  offboarding: { workflowId: string; webUiLink?: string; progress: OffboardingProgress };
  /** The emulator's `org.json` (URL, CA, SSWS token) when the demo ran on the emulator. */
  emulatorOrgFile?: string;
  stateDir: string;
}

/** Stops what was started, last started first; one failure does not keep the others running. */
class Stack {
  private readonly steps: { what: string; stop: () => Promise<unknown> }[] = [];
  push(what: string, stop: () => Promise<unknown>): void {
    this.steps.push({ what, stop });
  }
  async unwind(log: (line: string) => void): Promise<void> {
    for (const { what, stop } of this.steps.reverse()) {
      await stop().catch((err: unknown) =>
        log(`Could not stop ${what}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    this.steps.length = 0;
  }
}

/** Okta: the configured connections, or the emulator with its own connections file. */
async function prepareOkta(options: DemoOptions, stateDir: string, stack: Stack, log: (l: string) => void) {
  const env = options.env ?? process.env;
  const configured = options.connectionsFile ?? env[CONNECTIONS_ENV_VAR];
  let connections: Connections;
  let emulator: RunningEmulator | undefined;
  if (configured) {
    connections = await loadConnections({ file: configured });
    log(`Okta: connections from ${resolve(configured)}.`);
  } else {
    emulator = await startEmulator({
      stateDir: join(stateDir, 'emulator'),
      storage: 'sqlite',
      port: 0,
      host: '127.0.0.1',
      ...(options.seedUsers === undefined ? {} : { seedUsers: options.seedUsers }),
    });
    stack.push('the Okta emulator', () => emulator!.close());
    const file = await writeEmulatorConnections(emulator, join(stateDir, 'connections'));
    connections = await loadConnections({ file });
    log(
      `Okta: emulated org https://${emulator.domain} on ${emulator.url} (state in ${join(stateDir, 'emulator')}).`,
    );
  }
  const connection = findConnection(connections, options.connection ?? EMULATOR_CONNECTIONS.service);
  return { connections, connection, emulator };
}

/**
 * Temporal: the address given, a reachable `TEMPORAL_ADDRESS`, or a dev server started here (with
 * `devServer`'s options: its Web UI's codec endpoint).
 */
async function prepareTemporal(
  options: DemoOptions,
  log: (l: string) => void,
  devServer: DevServerOptions,
): Promise<TemporalTarget> {
  const env = options.env ?? process.env;
  if (options.temporalAddress) {
    if (!(await isReachable(options.temporalAddress))) {
      throw new Error(
        `No Temporal server answers at ${options.temporalAddress}. Start one, or leave the address out to let the demo start a dev server.`,
      );
    }
    log(`Temporal: ${options.temporalAddress}.`);
    return connectToTemporal({ address: options.temporalAddress, webUi: options.webUi, env });
  }
  if (env.TEMPORAL_ADDRESS) {
    if (await isReachable(env.TEMPORAL_ADDRESS)) {
      log(`Temporal: ${env.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS).`);
      return connectToTemporal({ webUi: options.webUi, env });
    }
    log(`TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} does not answer; starting a dev server instead.`);
  }
  log('Temporal: starting a dev server on 127.0.0.1...');
  const target = await startDevServer(log, devServer);
  log(`Temporal: dev server at ${target.address}, Web UI at ${target.webUi}.`);
  return target;
}

/**
 * The onboarding demo (`npm start`, `temporal-okta demo`): a Temporal server (started unless one is
 * reachable), the Okta emulator (unless a real connection is configured), a worker with payload encryption,
 * then the `onboardNewHires` workflow for the sample hires, with live progress, a report table and the Web UI
 * link, then the `offboardUsers` workflow deactivating the first three of them, with its report. Everything
 * it started is stopped before it returns, also on error or abort. A second run reports the hires as already
 * provisioned and creates nothing.
 *
 * @example
 * const result = await runDemo({ temporalAddress: '127.0.0.1:7233', output: { write: (s) => log.push(s) } });
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const env = options.env ?? process.env;
  const out: Output = options.output ?? process.stdout;
  const log = (line: string) => writeLine(out, line);
  const { signal } = options;
  const stateDir = resolve(options.stateDir ?? demoStateDir(env));
  const taskQueue = options.taskQueue ?? DEMO_TASK_QUEUE;
  const stack = new Stack();

  try {
    // Validate the input before anything starts.
    const hires = await loadNewHires(options.file ?? sampleNewHiresFile());
    await mkdir(stateDir, { recursive: true, mode: 0o700 });

    const keyFile = join(stateDir, DEMO_CODEC_KEY_FILE);
    const configuredKeys = await loadCodecKeysFromEnv(env);
    const keys = configuredKeys ?? (await loadOrCreateKeyFile(keyFile));
    const keySource = configuredKeys ? 'the configured codec keys' : `the codec key in ${keyFile}`;
    log(`Payload encryption: on (AES-256-GCM, key "${keys.activeKeyId}", ${keySource}).`);
    const dataConverter = createDataConverter(keys);

    const okta = await prepareOkta(options, stateDir, stack, log);
    signal?.throwIfAborted();
    // A dev server started here gets a codec server: its Web UI (no sign-in, loopback) shows payloads decrypted.
    let codecEndpoint: string | undefined;
    const temporal = await prepareTemporal(options, log, {
      codecEndpoint: async (uiOrigins) => {
        const codecServer = await startCodecServer({
          keys,
          auth: { kind: 'none' },
          allowedOrigins: uiOrigins,
          logger: { error: log },
        });
        stack.push('the codec server', () => codecServer.close());
        codecEndpoint = codecServer.url;
        log(
          `Codec server: ${codecServer.url}, for the Web UI only (loopback): it shows the payloads decrypted.`,
        );
        return codecServer.url;
      },
    });
    stack.push('the Temporal connection', () => temporal.close());
    signal?.throwIfAborted();

    const buildId = defaultBuildId(env);
    const config = { taskQueue, deploymentName: taskQueue, buildId };
    log(`Worker: task queue ${taskQueue}, build ${buildId}; bundling the workflows...`);
    const worker: Worker = await unlessAborted(
      createOktaWorker({
        connection: temporal.nativeConnection,
        namespace: temporal.namespace,
        config,
        // Sessions are signed with a key derived from the demo's codec key: nothing more to configure.
        activities: createOktaActivities({ connections: okta.connections, buildId, sessionKeys: keys }),
        dataConverter,
      }),
      signal,
    );
    const running = worker.run();
    running.catch(() => undefined);
    stack.push('the worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    signal?.throwIfAborted();

    const client = new Client({
      connection: temporal.connection,
      namespace: temporal.namespace,
      dataConverter,
    });
    await unlessAborted(
      promoteBuild(client, { deploymentName: config.deploymentName, buildId, timeoutMs: 60_000 }),
      signal,
    );
    signal?.throwIfAborted();

    const handle = await startOnboarding(client, {
      taskQueue,
      input: {
        hires,
        domain: okta.connection.domain,
        connection: okta.connection.name,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      },
    });
    const link = temporal.webUi
      ? workflowUrl(temporal.webUi, temporal.namespace, handle.workflowId)
      : undefined;
    log(`Onboarding ${hires.length} new hires: workflow ${handle.workflowId}`);
    if (link) log(`Follow it in the Web UI: ${link}`);

    let progress: OnboardingProgress;
    try {
      progress = await followOnboarding(handle, out, { signal });
    } catch (err) {
      if (signal?.aborted) {
        // Cancel what we started, so nothing keeps running on a server that outlives the demo.
        await handle.cancel().catch(() => undefined);
        log(`Cancelled workflow ${handle.workflowId}.`);
      }
      throw err;
    }
    printOnboardingReport(out, progress, link);
    if (!temporal.webUi) log(`Workflow: ${handle.workflowId} (namespace ${temporal.namespace}).`);

    // Offboarding: the first hires leave again, deactivated, and the report shows what was taken away.
    const leavers = hires.slice(0, DEMO_LEAVERS).map((h) => h.login);
    const offboarding = await startOffboarding(client, {
      taskQueue,
      input: {
        users: leavers,
        domain: okta.connection.domain,
        connection: okta.connection.name,
        mode: 'deactivate',
      },
    });
    const offboardingLink = temporal.webUi
      ? workflowUrl(temporal.webUi, temporal.namespace, offboarding.workflowId)
      : undefined;
    log(`\nOffboarding ${leavers.length} of them (deactivate): workflow ${offboarding.workflowId}`);
    let offboarded: OffboardingProgress;
    try {
      offboarded = await followOffboarding(offboarding, out, { signal });
    } catch (err) {
      if (signal?.aborted) {
        await offboarding.cancel().catch(() => undefined);
        log(`Cancelled workflow ${offboarding.workflowId}.`);
      }
      throw err;
    }
    printOffboardingReport(out, offboarded, offboardingLink);
    if (link && !codecEndpoint) {
      // The codec server finds the demo's key by itself only in the default state directory.
      const command = `temporal-okta codec-server --no-auth${configuredKeys ? '' : ` --key-file ${keyFile}`}`;
      log(
        `Payloads are encrypted: to read them in this server's Web UI, run \`${command}\` and set ` +
          'http://127.0.0.1:8888 as its codec endpoint (Data Encoder settings).',
      );
    }

    const result: DemoResult = {
      workflowId: handle.workflowId,
      namespace: temporal.namespace,
      webUiLink: link,
      codecEndpoint,
      progress,
      offboarding: { workflowId: offboarding.workflowId, webUiLink: offboardingLink, progress: offboarded },
      emulatorOrgFile: okta.emulator?.orgFile,
      stateDir,
    };
    await options.beforeStop?.(result);
    return result;
  } finally {
    await stack.unwind(log);
  }
}
