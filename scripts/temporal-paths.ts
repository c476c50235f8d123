import { homedir } from 'node:os';
import { join } from 'node:path';

/** The `temporal` CLI tags tried in order; later tags carry a go.mod `replace` that `go install` refuses. */
export const TEMPORAL_CLI_TAGS = ['v1.5.1', 'v1.4.1', 'v1.4.0'] as const;

/** Must match `temporal.test.server.version` in java/pom.xml. */
export const TEST_SERVER_VERSION = '1.35.0';

/** Where provisioned servers live: outside the repository, so fresh clones and second runs reuse them. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_OKTA_CACHE_DIR) return env.TEMPORAL_OKTA_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'temporal-okta');
}

export function cliInstallDir(tag: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'temporal-cli', tag);
}

export function testServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'temporal-test-server', TEST_SERVER_VERSION);
}

/** Path of the time-skipping test server launcher (a script that `exec`s java). */
export function testServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_TEST_SERVER_PATH || join(testServerDir(env), 'temporal-test-server');
}
