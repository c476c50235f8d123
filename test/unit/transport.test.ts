import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTls, type EmulatorTls } from 'temporal-okta-emulator/tls';

/**
 * What `createFetch` trusts when a connection adds a CA (`development.caFile`). Node reads
 * `NODE_EXTRA_CA_CERTS` when it starts, so each check runs in a child process started with it.
 */

const domain = 'companyabc.okta.com';
const transportModule = fileURLToPath(new URL('../../activities/transport.ts', import.meta.url));
const dirs: string[] = [];
const servers: Server[] = [];

/** A local CA (in its own directory) and an HTTPS server for `domain` whose certificate it signed. */
async function serverSignedByNewCa(): Promise<{ tls: EmulatorTls; address: string }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'okta-transport-'));
  dirs.push(stateDir);
  const tls = await ensureTls({ stateDir, domain });
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { tls, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * In a child Node started with `NODE_EXTRA_CA_CERTS=extraCaFile`, fetches `https://{domain}/` at
 * `address` through `createFetch({ ca, connectTo })`; returns the status, or the TLS error's code.
 */
async function fetchInChild(options: { extraCaFile: string; ca: string; address: string }): Promise<string> {
  const script = `
    const { createFetch } = await import(${JSON.stringify(transportModule)});
    const fetch = createFetch({ ca: process.env.DEV_CA, connectTo: { ${JSON.stringify(domain)}: process.env.ADDRESS } });
    try {
      console.log(String((await fetch('https://${domain}/')).status));
    } catch (err) {
      console.log(err.cause?.code ?? err.message);
    }`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: options.extraCaFile,
        DEV_CA: options.ca,
        ADDRESS: options.address,
      },
    },
  );
  return stdout.trim();
}

let extra: { tls: EmulatorTls; address: string };
let dev: { tls: EmulatorTls; address: string };

beforeAll(async () => {
  extra = await serverSignedByNewCa();
  dev = await serverSignedByNewCa();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a development CA', () => {
  it("is added to Node's CA store, so a CA from NODE_EXTRA_CA_CERTS stays trusted", async () => {
    const status = await fetchInChild({
      extraCaFile: extra.tls.caFile,
      ca: dev.tls.caPem,
      address: extra.address,
    });
    expect(status).toBe('200');
  });

  it('is trusted itself', async () => {
    const status = await fetchInChild({
      extraCaFile: extra.tls.caFile,
      ca: dev.tls.caPem,
      address: dev.address,
    });
    expect(status).toBe('200');
  });
});
