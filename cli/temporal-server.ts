import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { freePort, isListening } from '../scripts/ports.js';
import { howToGetTemporalCli, locateTemporalCli } from '../scripts/temporal-cli.js';
import { packageRoot } from '../worker/build-id.js';
import { importDevPackage } from './command-helpers.js';

/** A Temporal server the CLI talks to: one it connected to, or a dev server it started. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  connection: Connection;
  nativeConnection: NativeConnection;
  /** The Web UI's base URL when known, e.g. `http://localhost:8233`. */
  webUi?: string;
  /** Closes the connections, and stops the server if this process started it ({@link startDevServer}). */
  close(): Promise<void>;
}

/** Whether something accepts TCP connections at `host:port` within `timeoutMs`. */
export function isReachable(address: string, timeoutMs = 1500): Promise<boolean> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) return Promise.resolve(false);
  return isListening(match[1]!, Number(match[2]), timeoutMs);
}

/** `preferred` when it is free on 127.0.0.1, otherwise a free port. */
async function portNear(preferred: number): Promise<number> {
  return (await freePort(preferred)) ?? (await freePort(0))!;
}

/**
 * The `temporal` CLI to run: `TEMPORAL_CLI_PATH`, one on PATH when recent enough, or the provisioned build;
 * provisions it (`scripts/provision.ts`, cached outside the repository) when there is none.
 */
export function ensureTemporalCli(log: (line: string) => void): string {
  const found = locateTemporalCli();
  if (found) return found.path;
  // The build's script in an installed package; the source, run by tsx, in a clone.
  const built = join(packageRoot(), 'dist', 'scripts', 'provision.js');
  const source = join(packageRoot(), 'scripts', 'provision.ts');
  const script = existsSync(built) ? [built] : existsSync(source) ? ['--import', 'tsx', source] : undefined;
  log('Provisioning the Temporal CLI (once; cached outside the repository)...');
  const run = script
    ? spawnSync(process.execPath, [...script, '--quiet', '--only', 'cli'], { stdio: 'inherit' })
    : undefined;
  const provisioned = locateTemporalCli();
  if (provisioned) return provisioned.path;
  throw new Error(
    `No Temporal CLI${run ? ', and provisioning failed' : ''}. ${howToGetTemporalCli()} ` +
      'Or set TEMPORAL_ADDRESS to a running Temporal server.',
  );
}

/** Connection settings from `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key). */
export function envConnectConfig(env: NodeJS.ProcessEnv = process.env) {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars });
  return { connectionOptions, namespace: namespace ?? 'default' };
}

/** Connects to a running server with the environment's settings, `address` overriding theirs. */
export async function connectToTemporal(options: {
  address?: string;
  webUi?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<TemporalTarget> {
  const { connectionOptions, namespace } = envConnectConfig(options.env);
  const address = options.address ?? connectionOptions.address ?? 'localhost:7233';
  const nativeConnection = await NativeConnection.connect({ ...connectionOptions, address });
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions, address });
  } catch (err) {
    await nativeConnection.close();
    throw err;
  }
  const local = /^(localhost|127\.0\.0\.1|\[::1\]):7233$/.test(address);
  return {
    address,
    namespace,
    connection,
    nativeConnection,
    webUi: options.webUi ?? (local ? 'http://localhost:8233' : undefined),
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export interface DevServerOptions {
  /**
   * Starts a codec server the Web UI may call from `uiOrigins` (its origins, known once its port is) and
   * returns its URL: the Web UI then shows payloads decoded through it (`--ui-codec-endpoint`).
   */
  codecEndpoint?: (uiOrigins: readonly string[]) => Promise<string>;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with its Web UI: ports 7233 and 8233 when they are
 * free (the Web UI then sits where the codec server's default allowed origin expects it), else free ones.
 * In memory: the demo's durable state is the Okta org, and each run gets a clean server.
 */
export async function startDevServer(
  log: (line: string) => void,
  options: DevServerOptions = {},
): Promise<TemporalTarget> {
  // Temporal's test environment starts and stops the dev server; a development dependency, loaded here only.
  const { TestWorkflowEnvironment } = await importDevPackage('demo', () => import('@temporalio/testing'));
  const path = ensureTemporalCli(log);
  const port = await portNear(7233);
  const uiPort = await portNear(port === 7233 ? 8233 : 0);
  const codecEndpoint = await options.codecEndpoint?.([
    `http://localhost:${uiPort}`,
    `http://127.0.0.1:${uiPort}`,
  ]);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      port,
      ui: true,
      uiPort,
      extraArgs: codecEndpoint ? ['--ui-codec-endpoint', codecEndpoint] : [],
      // The server's own logs would interleave with the progress bar (and it logs an expected NOT_FOUND
      // while the worker registers its deployment); failures reach the demo through the client anyway.
      log: { format: 'pretty', level: 'never' },
    },
  });
  return {
    address: env.address,
    namespace: env.namespace ?? 'default',
    connection: env.connection,
    nativeConnection: env.nativeConnection,
    webUi: `http://localhost:${uiPort}`,
    close: () => env.teardown(),
  };
}
