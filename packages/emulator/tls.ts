import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto is the standard Crypto; the cast is only because this project has no DOM lib.
x509.cryptoProvider.set(webcrypto as never);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The emulator's TLS material: a local CA (kept in the state directory) and a leaf for the org domain. */
export interface EmulatorTls {
  /** Path of the CA certificate (PEM) that clients add to their trust store. */
  caFile: string;
  /** The CA certificate (PEM). */
  caPem: string;
  /** The leaf certificate (PEM) for the org domain, 127.0.0.1 and localhost. */
  certPem: string;
  /** The leaf's private key (PKCS#8 PEM); kept in memory only. */
  keyPem: string;
}

/**
 * Loads the emulator CA from `stateDir` (creating it on first start) and issues a fresh leaf
 * certificate for `domain` plus loopback names.
 *
 * @example
 * const tls = await ensureTls({ stateDir: '.emulator', domain: 'companyabc.okta.com' });
 * https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
 */
export async function ensureTls(options: { stateDir: string; domain: string }): Promise<EmulatorTls> {
  await mkdir(options.stateDir, { recursive: true });
  const ca = await loadOrCreateCa(options.stateDir);
  const leaf = await issueLeaf(ca, [options.domain, 'localhost', '127.0.0.1']);
  return { caFile: ca.caFile, caPem: ca.cert.toString('pem'), certPem: leaf.certPem, keyPem: leaf.keyPem };
}

interface LocalCa {
  caFile: string;
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
}

async function loadOrCreateCa(stateDir: string): Promise<LocalCa> {
  const caFile = join(stateDir, 'ca.pem');
  const keyFile = join(stateDir, 'ca-key.pem');
  if (existsSync(caFile) && existsSync(keyFile)) {
    const cert = new x509.X509Certificate(await readFile(caFile, 'utf8'));
    if (cert.notAfter.getTime() - Date.now() > DAY_MS) {
      const key = await webcrypto.subtle.importKey(
        'pkcs8',
        pemBody(await readFile(keyFile, 'utf8')),
        EC,
        false,
        ['sign'],
      );
      return { caFile, cert, key };
    }
  }
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=temporal-okta emulator local CA, O=temporal-okta development',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  await writeFile(keyFile, toPem('PRIVATE KEY', pkcs8), { mode: 0o600 });
  await writeFile(caFile, cert.toString('pem'));
  return { caFile, cert, key: keys.privateKey };
}

async function issueLeaf(ca: LocalCa, names: string[]): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${names[0]}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 90 * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  return { certPem: cert.toString('pem'), keyPem: toPem('PRIVATE KEY', pkcs8) };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
