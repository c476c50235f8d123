import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MIN_TEMPORAL_CLI_VERSION,
  MIN_TEMPORAL_SERVER_VERSION,
  compareVersions,
  isRecentEnough,
  parseTemporalVersion,
  planTemporalCli,
} from '../../scripts/temporal-cli.js';
import { TEMPORAL_CLI_TAGS, cliInstallDir } from '../../scripts/temporal-paths.js';

/**
 * Which `temporal` CLI provisioning, the demo and the tests run. The `temporal` and `go` here are stand-ins
 * that only print a version (or nothing): what is under test is our choice, not Temporal's behaviour.
 */

describe('parseTemporalVersion', () => {
  it('reads the CLI and server versions of a release', () => {
    expect(parseTemporalVersion('temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)\n')).toEqual({
      cli: '1.5.1',
      server: '1.29.1',
    });
  });

  it('reads the server version of a `go install` build, which calls itself 0.0.0-DEV', () => {
    expect(parseTemporalVersion('temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)')).toEqual({
      cli: '0.0.0-DEV',
      server: '1.29.1',
    });
  });

  it('reads the older format with the server in its own lowercase parentheses', () => {
    expect(parseTemporalVersion('temporal version 0.10.7 (server 1.22.4) (ui 2.21.3)')).toEqual({
      cli: '0.10.7',
      server: '1.22.4',
    });
  });

  it('reads a CLI version printed without a server version', () => {
    expect(parseTemporalVersion('temporal version 1.4.0')).toEqual({ cli: '1.4.0' });
  });

  it("returns undefined for another program's output", () => {
    expect(parseTemporalVersion('Temporal, a time-tracking tool, v3')).toBeUndefined();
    expect(parseTemporalVersion('')).toBeUndefined();
  });
});

describe('compareVersions', () => {
  it('orders by major, minor and patch as numbers, not as text', () => {
    expect(compareVersions('1.28.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.4.0', '1.4.0')).toBe(0);
    expect(compareVersions('1.3.9', '1.4.0')).toBeLessThan(0);
  });

  it('puts a prerelease before its release', () => {
    expect(compareVersions('1.28.0-rc.1', '1.28.0')).toBeLessThan(0);
  });
});

describe('isRecentEnough', () => {
  it(`accepts Temporal Server ${MIN_TEMPORAL_SERVER_VERSION} and later`, () => {
    expect(isRecentEnough({ cli: '1.4.0', server: '1.28.0' })).toBe(true);
    expect(isRecentEnough({ cli: '1.5.1', server: '1.29.1' })).toBe(true);
  });

  it('refuses a server without the deployment-name and build-id versioning API', () => {
    expect(isRecentEnough({ cli: '1.3.0', server: '1.27.1' })).toBe(false);
    expect(isRecentEnough({ cli: '0.10.7', server: '1.22.4' })).toBe(false);
  });

  it('judges a 0.0.0-DEV build by the server it bundles', () => {
    expect(isRecentEnough({ cli: '0.0.0-DEV', server: '1.29.1' })).toBe(true);
    expect(isRecentEnough({ cli: '0.0.0-DEV', server: '1.27.0' })).toBe(false);
  });

  it(`judges by the CLI version (${MIN_TEMPORAL_CLI_VERSION}+) when no server version is printed`, () => {
    expect(isRecentEnough({ cli: '1.4.0' })).toBe(true);
    expect(isRecentEnough({ cli: '1.3.0' })).toBe(false);
  });
});

describe('planTemporalCli', () => {
  let root: string;
  let bin: string;
  let env: NodeJS.ProcessEnv;

  /** An executable in the test's PATH directory that prints `output`. */
  async function fake(name: string, output: string, dir = bin): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\necho '${output}'\n`);
    await chmod(path, 0o755);
    return path;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'okta-temporal-cli-'));
    bin = join(root, 'bin');
    await mkdir(bin);
    env = { PATH: bin, TEMPORAL_OKTA_CACHE_DIR: join(root, 'cache') };
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses a temporal on PATH that is recent enough', async () => {
    const temporal = await fake('temporal', 'temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)');
    await fake('go', 'go version go1.26.8 linux/amd64');
    expect(planTemporalCli(env)).toEqual({
      action: 'use',
      source: 'PATH',
      path: temporal,
      version: { cli: '1.5.1', server: '1.29.1' },
    });
  });

  it('uses TEMPORAL_CLI_PATH before a temporal on PATH', async () => {
    await fake('temporal', 'temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)');
    const chosen = await fake('temporal', 'temporal version 1.4.1', join(root, 'elsewhere'));
    expect(planTemporalCli({ ...env, TEMPORAL_CLI_PATH: chosen })).toMatchObject({
      action: 'use',
      source: 'TEMPORAL_CLI_PATH',
      path: chosen,
    });
  });

  it('builds with Go when the temporal on PATH is too old, and says why', async () => {
    const old = await fake('temporal', 'temporal version 1.3.0 (Server 1.27.1, UI 2.36.0)');
    const go = await fake('go', 'go version go1.26.8 linux/amd64');
    const plan = planTemporalCli(env);
    expect(plan).toMatchObject({ action: 'build', go });
    expect(plan.action === 'build' && plan.skipped).toBe(
      `${old} on PATH is 1.3.0 (Server 1.27.1); the package needs Temporal Server 1.28.0+ (CLI 1.4.0+).`,
    );
  });

  it('uses the cached build when the temporal on PATH is too old', async () => {
    await fake('temporal', 'temporal version 1.3.0 (Server 1.27.1, UI 2.36.0)');
    const cached = await fake(
      'temporal',
      'temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)',
      cliInstallDir(TEMPORAL_CLI_TAGS[0], env),
    );
    expect(planTemporalCli(env)).toMatchObject({ action: 'use', source: 'cache', path: cached });
  });

  it('builds with Go when there is no temporal at all', async () => {
    const go = await fake('go', 'go version go1.26.8 linux/amd64');
    expect(planTemporalCli(env)).toEqual({ action: 'build', go });
  });

  it('names the three ways to get a temporal CLI when there is neither temporal nor Go', () => {
    const plan = planTemporalCli(env);
    expect(plan.action).toBe('missing');
    const message = plan.action === 'missing' ? plan.message : '';
    expect(message).toContain('brew install temporal');
    expect(message).toContain('https://temporal.download/cli.sh');
    expect(message).toContain('go install github.com/temporalio/cli/cmd/temporal@');
    expect(message).toContain('TEMPORAL_CLI_PATH');
  });

  it('says a temporal on PATH that prints no version was passed over', async () => {
    const other = await fake('temporal', 'usage: temporal [options]');
    const plan = planTemporalCli(env);
    expect(plan.action === 'missing' && plan.message).toContain(
      `${other} on PATH does not print a temporal version`,
    );
  });

  it('makes `npm run provision` use the temporal on PATH instead of building one', async () => {
    const temporal = await fake('temporal', 'temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)');
    const r = provision(env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`temporal CLI: using ${temporal} from PATH, version 1.5.1 (Server 1.29.1)`);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).temporalCli).toBe(temporal);
  });

  it('makes `npm run provision` fail with the three ways when there is neither temporal nor Go', () => {
    const r = provision(env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no Go to build one');
    expect(r.stderr).toContain('brew install temporal');
  });
});

/** `scripts/provision.ts --only cli` with `env` alone (no inherited PATH), as `npm run provision` runs it. */
function provision(env: NodeJS.ProcessEnv) {
  const script = fileURLToPath(new URL('../../scripts/provision.ts', import.meta.url));
  return spawnSync(process.execPath, ['--import', 'tsx', script, '--only', 'cli'], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
}
