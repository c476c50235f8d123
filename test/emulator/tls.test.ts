import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import nodeTls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFetch } from '../../activities/transport.js';
import { ensureTls, type EmulatorTls } from 'temporal-okta-emulator/tls';

const domain = 'companyabc.okta.com';
let stateDir: string;
let tls: EmulatorTls;
let server: Server;
let port: number;

/** Answers with the Host header and SNI it saw, to observe what the transport sends. */
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'okta-emulator-tls-'));
  tls = await ensureTls({ stateDir, domain });
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const servername = (req.socket as { servername?: string | false }).servername;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/close') res.setHeader('connection', 'close'); // the next request needs a new connection
    res.end(JSON.stringify({ host: req.headers.host, servername }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await rm(stateDir, { recursive: true, force: true });
});

describe('emulator TLS', () => {
  it('keeps the org domain as Host header and SNI when the address override sends it to loopback', async () => {
    const fetch = createFetch({ ca: tls.caPem, connectTo: { [domain]: `127.0.0.1:${port}` } });
    const seen = await (await fetch(`https://${domain}/echo`)).json();
    expect(seen).toEqual({ host: domain, servername: domain });
  });

  it('refuses a certificate that is not for the requested name', async () => {
    const fetch = createFetch({ ca: tls.caPem, connectTo: { 'othercorp.okta.com': `127.0.0.1:${port}` } });
    const err = await fetch('https://othercorp.okta.com/echo').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('refuses the emulator certificate when the emulator CA is not trusted', async () => {
    const fetch = createFetch({ connectTo: { [domain]: `127.0.0.1:${port}` } });
    const err = await fetch(`https://${domain}/echo`).catch((e: unknown) => e);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('builds its TLS trust store once, not again for each new connection', async () => {
    const fetch = createFetch({ ca: tls.caPem, connectTo: { [domain]: `127.0.0.1:${port}` } });
    const built = vi.spyOn(nodeTls, 'createSecureContext');
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`https://${domain}/close`)).status).toBe(200);
      expect(built).not.toHaveBeenCalled();
    } finally {
      built.mockRestore();
    }
  });

  it('reuses the CA kept in the state directory on the next start and signs the new leaf with it', async () => {
    const again = await ensureTls({ stateDir, domain });
    expect(again.caPem).toBe(tls.caPem);
    const ca = new X509Certificate(again.caPem);
    const leaf = new X509Certificate(again.certPem);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain(`DNS:${domain}`);
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
  });
});
