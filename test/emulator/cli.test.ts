import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConnectionsCommands } from '../../cli/connections-cli.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { readOrg, type OrgDescription } from 'temporal-okta-emulator/org';
import { isListening } from '../../scripts/ports.js';

/**
 * `temporal-okta emulator` as developers run it (`npm run emulator -- --port 0 --state DIR --domain D`):
 * the real command in a child process, its standard output and error read as a script or a person would.
 */

const BIN = fileURLToPath(new URL('../../bin/temporal-okta.js', import.meta.url));
const DOMAIN = 'acme.okta.com';

let dir: string;
let child: ChildProcess;
let stdout = '';
let stderr = '';
let org: OrgDescription;

/** Resolves once `ready()` holds for what the child printed; rejects if it exits or takes too long. */
function printed(ready: () => boolean, timeoutMs = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!ready()) return;
      cleanup();
      resolve();
    };
    const exited = (code: number | null) => {
      cleanup();
      reject(new Error(`the emulator exited (${code}) before it was ready:\n${stdout}\n${stderr}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the emulator was not ready within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', exited);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', exited);
    check();
  });
}

const connectionsLine = () => /^TEMPORAL_OKTA_CONNECTIONS=(.+)$/m.exec(stderr)?.[1];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-emulator-cli-'));
  child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--state', dir, '--domain', DOMAIN], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  await printed(() => stdout.includes('\n') && connectionsLine() !== undefined);
  org = await readOrg(join(dir, 'org.json'));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('temporal-okta emulator', () => {
  it('prints the path of org.json alone on standard output, and org.json names the port it bound', async () => {
    expect(stdout).toBe(`${join(dir, 'org.json')}\n`);
    expect(org.domain).toBe(DOMAIN);
    const url = new URL(org.url);
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(await isListening(url.hostname, Number(url.port))).toBe(true);
  });

  it('writes connections.json into the state directory and names it on standard error', async () => {
    const file = join(dir, 'connections.json');
    expect(connectionsLine()).toBe(file);
    const { connections } = JSON.parse(await readFile(file, 'utf8')) as {
      connections: Record<string, { domain: string; development: { connectTo: string; caFile: string } }>;
    };
    expect(Object.keys(connections).sort()).toEqual(Object.values(EMULATOR_CONNECTIONS).sort());
    for (const connection of Object.values(connections)) {
      expect(connection.domain).toBe(DOMAIN);
      expect(connection.development).toEqual({ connectTo: new URL(org.url).host, caFile: org.caFile });
    }
  });

  it('keeps the secret files beside connections.json readable by their owner only', async () => {
    for (const file of ['service.key.json', 'web.secret', 'ssws.token', 'refresh-token-store.key']) {
      expect(((await stat(join(dir, file))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it("gives connections that pass Connect's four checks when TEMPORAL_OKTA_CONNECTIONS names them", async () => {
    vi.stubEnv('TEMPORAL_OKTA_CONNECTIONS', connectionsLine()!);
    try {
      const out: string[] = [];
      const program = new Command('temporal-okta')
        .exitOverride()
        .configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void out.push(s) });
      registerConnectionsCommands(program);
      await program.parseAsync(['connections', 'test', EMULATOR_CONNECTIONS.service], { from: 'user' });
      expect(out.join('')).toContain('passed every check');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
