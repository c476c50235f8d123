/**
 * Ensures the two Temporal servers the tests and the demo run on, without internet access:
 * - the `temporal` CLI (dev server): `TEMPORAL_CLI_PATH`, one already on PATH when it is recent enough,
 *   else built from the Go module proxy with `go install` (scripts/temporal-cli.ts decides);
 * - Temporal's Java time-skipping test server, fetched from Maven Central with `mvn`, plus a
 *   class-data-sharing archive so the JVM starts well inside the SDK's start-up window.
 * Both go to a cache directory outside the repository; a second run only checks them.
 *
 * Usage: npm run provision [-- --quiet] [--only cli|test-server]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, isListening } from './ports.js';
import { describeVersion, howToGetTemporalCli, planTemporalCli } from './temporal-cli.js';
import {
  TEMPORAL_CLI_TAGS,
  TEST_SERVER_VERSION,
  cacheDir,
  cliInstallDir,
  testServerDir,
  testServerPath,
} from './temporal-paths.js';
import { packageRoot } from '../worker/build-id.js';

const USAGE = 'Usage: npm run provision [-- --quiet] [--only cli|test-server]';

// From source (`scripts/`) or from the build (`dist/scripts/`, run by an installed package's demo).
const repoRoot = packageRoot();

class ProvisionError extends Error {}

function parseOptions(): { quiet: boolean; only?: string; help: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        quiet: { type: 'boolean', default: false },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return values;
  } catch (err) {
    // An unknown option, or --only without a value.
    console.error(`[provision] ${(err as Error).message}\n${USAGE}`);
    process.exit(1);
  }
}

const { quiet, only, help } = parseOptions();

function step(message: string): void {
  if (!quiet) console.log(`[provision] ${message}`);
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env ?? process.env, cwd: opts.cwd });
  if (r.error)
    throw new ProvisionError(`could not run ${cmd}: ${r.error.message}. Is ${cmd} installed and on PATH?`);
  return r;
}

function works(path: string, args: string[]): boolean {
  return existsSync(path) && spawnSync(path, args, { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

function ensureTemporalCli(): string {
  const plan = planTemporalCli();
  if (plan.action === 'missing') throw new ProvisionError(plan.message);
  if (plan.action === 'use') {
    if (plan.source === 'TEMPORAL_CLI_PATH' && !works(plan.path, ['--version'])) {
      throw new ProvisionError(
        `TEMPORAL_CLI_PATH=${plan.path} does not run "temporal --version"; fix or unset it.`,
      );
    }
    const how = {
      TEMPORAL_CLI_PATH: `using TEMPORAL_CLI_PATH=${plan.path}`,
      PATH: `using ${plan.path} from PATH`,
      cache: `cached at ${plan.path}`,
    };
    step(
      `temporal CLI: ${how[plan.source]}${plan.version ? `, version ${describeVersion(plan.version)}` : ''}`,
    );
    return plan.path;
  }
  if (plan.skipped) step(`temporal CLI: ${plan.skipped} Building one with Go instead.`);
  const refusals: string[] = [];
  for (const tag of TEMPORAL_CLI_TAGS) {
    const dir = cliInstallDir(tag);
    step(
      `temporal CLI: go install github.com/temporalio/cli/cmd/temporal@${tag} (a few minutes on a cold cache)...`,
    );
    mkdirSync(dir, { recursive: true });
    const r = run(plan.go, ['install', `github.com/temporalio/cli/cmd/temporal@${tag}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: dir, GOFLAGS: '-mod=mod' },
    });
    const path = join(dir, 'temporal');
    if (r.status === 0 && works(path, ['--version'])) {
      step(`temporal CLI: built ${tag} at ${path}`);
      return path;
    }
    const why = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
    refusals.push(`${tag}: ${why}`);
    step(`temporal CLI: ${tag} failed (${why}); trying the next tag`);
  }
  throw new ProvisionError(
    `could not build the temporal CLI from the Go module proxy:\n  ${refusals.join('\n  ')}\n` +
      `Check GOPROXY and network access to the Go module proxy. ${howToGetTemporalCli()}`,
  );
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening('127.0.0.1', port))) {
    if (Date.now() > deadline)
      throw new ProvisionError(`the test server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the server once with -XX:ArchiveClassesAtExit so later starts map the loaded classes. */
async function buildCdsArchive(dir: string, archive: string): Promise<void> {
  const port = await freePort();
  if (port === undefined) throw new ProvisionError('found no free port on 127.0.0.1 for the test server');
  const tmp = `${archive}.tmp`;
  rmSync(tmp, { force: true });
  const child = spawn(
    'java',
    [
      `-XX:ArchiveClassesAtExit=${tmp}`,
      '-cp',
      join(dir, 'lib', '*'),
      'io.temporal.testserver.TestServer',
      String(port),
    ],
    {
      stdio: 'ignore',
    },
  );
  try {
    await waitForPort(port, 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // let the gRPC services finish loading their classes
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // a graceful exit is what writes the archive
    await exited;
  }
  if (!existsSync(tmp)) throw new ProvisionError('java did not write the class-data-sharing archive');
  renameSync(tmp, archive);
}

async function ensureTestServer(): Promise<string> {
  if (process.env.TEMPORAL_TEST_SERVER_PATH) {
    const path = process.env.TEMPORAL_TEST_SERVER_PATH;
    if (!existsSync(path))
      throw new ProvisionError(`TEMPORAL_TEST_SERVER_PATH=${path} does not exist; fix or unset it.`);
    step(`test server: using TEMPORAL_TEST_SERVER_PATH=${path}`);
    return path;
  }
  const dir = testServerDir();
  const launcher = testServerPath();
  const archive = join(dir, 'test-server.jsa');
  const lib = join(dir, 'lib');
  if (existsSync(launcher) && existsSync(archive) && existsSync(lib)) {
    step(`test server: cached at ${launcher}`);
    return launcher;
  }
  mkdirSync(dir, { recursive: true });
  if (!existsSync(lib) || readdirSync(lib).length === 0) {
    step(
      `test server: mvn dependency:copy-dependencies io.temporal:temporal-test-server:${TEST_SERVER_VERSION}...`,
    );
    const r = run('mvn', [
      '-q',
      '-B',
      '-f',
      join(repoRoot, 'java', 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${lib}`,
      '-DincludeScope=runtime',
    ]);
    if (r.status !== 0) {
      rmSync(lib, { recursive: true, force: true });
      throw new ProvisionError(
        `Maven could not fetch io.temporal:temporal-test-server:${TEST_SERVER_VERSION}:\n${(r.stdout + r.stderr).trim().slice(-2000)}\n` +
          'Check access to Maven Central, or set TEMPORAL_TEST_SERVER_PATH to a test server launcher.',
      );
    }
  }
  step('test server: building a class-data-sharing archive to speed up JVM start...');
  await buildCdsArchive(dir, archive);
  // `exec` matters: the SDK stops the server with SIGKILL, which must reach the JVM itself.
  writeFileSync(
    launcher,
    `#!/bin/sh\n# Temporal time-skipping test server ${TEST_SERVER_VERSION}; arguments: <port> [extra args]\n` +
      `exec java -XX:SharedArchiveFile="${archive}" -Xshare:auto -XX:TieredStopAtLevel=1 -cp "${lib}/*" io.temporal.testserver.TestServer "$@"\n`,
    { mode: 0o755 },
  );
  step(`test server: ready at ${launcher}`);
  return launcher;
}

async function main(): Promise<void> {
  if (help) {
    console.log(USAGE);
    return;
  }
  if (only !== undefined && only !== 'cli' && only !== 'test-server') {
    throw new ProvisionError(`--only takes "cli" or "test-server", not "${only}".`);
  }
  step(`cache directory: ${cacheDir()}`);
  // The demo needs only the CLI (no Java); tests need both.
  const cli = only === 'test-server' ? undefined : ensureTemporalCli();
  const testServer = only === 'cli' ? undefined : await ensureTestServer();
  if (!quiet) console.log(JSON.stringify({ temporalCli: cli, testServer }, null, 2));
}

main().catch((err: unknown) => {
  console.error(
    `[provision] failed: ${err instanceof ProvisionError ? err.message : String((err as Error)?.stack ?? err)}`,
  );
  process.exit(1);
});
