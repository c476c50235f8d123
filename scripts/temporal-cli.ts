import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TEMPORAL_CLI_TAGS, cliInstallDir } from './temporal-paths.js';

/**
 * Which `temporal` CLI runs the dev server: `TEMPORAL_CLI_PATH`, else one already on PATH when it is recent
 * enough, else one provisioning built with Go (cached outside the repository). Provisioning, the demo and
 * the tests all ask here, so they run the same binary.
 */

/**
 * The oldest Temporal Server whose Worker Deployment Versioning API the package uses: versions named by
 * deployment name and build id (`setWorkerDeploymentCurrentVersion({ deploymentName, buildId })`,
 * `routingConfig.currentDeploymentVersion`, the `deploymentName:buildId` visibility value). Server 1.28.0
 * and CLI 1.4.0, which bundles it, are Temporal's stated minimums for it.
 */
export const MIN_TEMPORAL_SERVER_VERSION = '1.28.0';
/** The oldest `temporal` CLI release whose dev server is {@link MIN_TEMPORAL_SERVER_VERSION} or later. */
export const MIN_TEMPORAL_CLI_VERSION = '1.4.0';

/** What `temporal --version` says: the CLI's version and, when it prints one, the bundled server's. */
export interface TemporalCliVersion {
  cli: string;
  server?: string;
}

/**
 * Parses `temporal --version`: `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`, a `go install` build's
 * `temporal version 0.0.0-DEV (Server 1.29.1, ...)`, or an old `temporal version 0.10.7 (server 1.22.4) (ui ...)`.
 *
 * @returns undefined when the output is not a `temporal` CLI's version.
 */
export function parseTemporalVersion(output: string): TemporalCliVersion | undefined {
  const cli = /\btemporal version v?(\d+\.\d+\.\d+[\w.+-]*)/i.exec(output)?.[1];
  if (!cli) return undefined;
  const server = /\(server v?(\d+\.\d+\.\d+[\w.+-]*)/i.exec(output)?.[1];
  return server ? { cli, server } : { cli };
}

/** Compares two `major.minor.patch[-prerelease]` versions; a prerelease sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^(\d+)\.(\d+)\.(\d+)(-[^+]+)?/.exec(v);
    if (!m) throw new Error(`not a version: ${v}`);
    return { parts: [Number(m[1]), Number(m[2]), Number(m[3])], prerelease: m[4] !== undefined };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i]! - y.parts[i]!;
  return Number(y.prerelease) - Number(x.prerelease);
}

/**
 * Whether that CLI's dev server has what the package needs. The bundled server's version decides when the
 * CLI prints it (a `go install` build calls itself 0.0.0-DEV); the CLI's own version otherwise.
 */
export function isRecentEnough(version: TemporalCliVersion): boolean {
  return version.server
    ? compareVersions(version.server, MIN_TEMPORAL_SERVER_VERSION) >= 0
    : compareVersions(version.cli, MIN_TEMPORAL_CLI_VERSION) >= 0;
}

/** `temporal version 1.5.1 (Server 1.29.1)`, for messages. */
export function describeVersion(version: TemporalCliVersion): string {
  return `${version.cli}${version.server ? ` (Server ${version.server})` : ''}`;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` in `env.PATH`, like `command -v`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Runs `temporal --version`; undefined when it does not run or prints no temporal version. */
export function temporalVersionOf(path: string): TemporalCliVersion | undefined {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? parseTemporalVersion(r.stdout) : undefined;
}

/** Paths where provisioning builds the CLI, one per tag it tries. */
export function cachedTemporalCliPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return TEMPORAL_CLI_TAGS.map((tag) => join(cliInstallDir(tag, env), 'temporal'));
}

/** The three ways to get a recent enough `temporal` CLI, for messages. */
export function howToGetTemporalCli(): string {
  return (
    `Get a temporal CLI ${MIN_TEMPORAL_CLI_VERSION} or later (Temporal Server ${MIN_TEMPORAL_SERVER_VERSION}+) in one of three ways:\n` +
    '  - Homebrew: brew install temporal\n' +
    "  - Temporal's installer: curl -sSf https://temporal.download/cli.sh | sh (then add ~/.temporalio/bin to PATH)\n" +
    `  - Go 1.25+ on PATH: npm run provision builds it (go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_TAGS[0]})\n` +
    'or set TEMPORAL_CLI_PATH to a temporal binary.'
  );
}

/** A `temporal` CLI to run, and why that one. */
export interface FoundTemporalCli {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache';
  version?: TemporalCliVersion;
}

/** What provisioning does about the CLI. */
export type TemporalCliPlan =
  | ({ action: 'use' } & FoundTemporalCli)
  | { action: 'build'; go: string; skipped?: string }
  | { action: 'missing'; message: string };

/**
 * Decides which `temporal` CLI to use: `TEMPORAL_CLI_PATH` always; else `temporal` on PATH when
 * {@link isRecentEnough}; else a cached build; else build one with Go when `go` is on PATH; else say how to
 * get one.
 */
export function planTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCliPlan {
  if (env.TEMPORAL_CLI_PATH)
    return { action: 'use', path: env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' };
  let skipped: string | undefined;
  const onPath = findOnPath('temporal', env);
  if (onPath) {
    const version = temporalVersionOf(onPath);
    if (version && isRecentEnough(version)) return { action: 'use', path: onPath, source: 'PATH', version };
    skipped = version
      ? `${onPath} on PATH is ${describeVersion(version)}; the package needs Temporal Server ${MIN_TEMPORAL_SERVER_VERSION}+ (CLI ${MIN_TEMPORAL_CLI_VERSION}+).`
      : `${onPath} on PATH does not print a temporal version with --version.`;
  }
  for (const path of cachedTemporalCliPaths(env)) {
    const version = isExecutableFile(path) ? temporalVersionOf(path) : undefined;
    if (version) return { action: 'use', path, source: 'cache', version };
  }
  const go = findOnPath('go', env);
  if (go) return skipped ? { action: 'build', go, skipped } : { action: 'build', go };
  return {
    action: 'missing',
    message: `${skipped ? `${skipped}\n` : ''}No temporal CLI to run, and no Go to build one. ${howToGetTemporalCli()}`,
  };
}

/** The `temporal` CLI to run (see {@link planTemporalCli}), or undefined when provisioning must build one. */
export function locateTemporalCli(env: NodeJS.ProcessEnv = process.env): FoundTemporalCli | undefined {
  const plan = planTemporalCli(env);
  return plan.action === 'use' ? { path: plan.path, source: plan.source, version: plan.version } : undefined;
}
