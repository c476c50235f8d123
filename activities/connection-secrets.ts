import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import type { IssueCollector, SecretRef } from './connection-schema.js';
import type { ParseConnectionsOptions } from './connections.js';

/**
 * Resolving a connection's secret references (docs/ARCHITECTURE.md §4): environment variables and files,
 * private keys for `private_key_jwt`, and the refresh-token store's key. A problem is reported by field,
 * never with the secret's value.
 */

/** A path from the configuration: absolute as written, or relative to the configuration's directory. */
export function configPath(path: string, options: ParseConnectionsOptions): string {
  return isAbsolute(path) ? path : resolve(options.baseDir, path);
}

export async function resolveSecret(
  ref: SecretRef,
  options: ParseConnectionsOptions,
  problems: IssueCollector,
  name: string,
  path: readonly PropertyKey[],
): Promise<{ value: string; source: string } | undefined> {
  if ('env' in ref) {
    const value = (options.env ?? process.env)[ref.env];
    if (value === undefined || value.trim() === '') {
      problems.add(name, path, `environment variable ${ref.env} is not set (or is empty)`);
      return undefined;
    }
    return { value: value.trim(), source: `env ${ref.env}` };
  }
  const file = configPath(ref.file, options);
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (value === '') {
      problems.add(name, path, `secret file ${file} is empty`);
      return undefined;
    }
    return { value, source: `file ${file}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    problems.add(name, path, `cannot read secret file ${file} (${code})`);
    return undefined;
  }
}

/** Imports a JWK (JSON) or PKCS#8 PEM private key as a non-extractable signing key. */
export async function importPrivateKey(text: string): Promise<{ key: CryptoKey; kid?: string }> {
  if (text.startsWith('{')) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(text) as JWK;
    } catch {
      throw new Error('is not valid JSON (expected a private JWK or a PKCS#8 PEM)');
    }
    if (jwk.d === undefined) throw new Error('is a public JWK: the private key (with "d") is required');
    const alg = jwk.alg ?? defaultAlg(jwk.kty, jwk.crv);
    const key = await importJWK({ ...jwk, ext: false }, alg, { extractable: false });
    if (key instanceof Uint8Array)
      throw new Error('is a symmetric key: private_key_jwt needs an RSA or EC key');
    return { key, kid: jwk.kid };
  }
  // The PEM label says the format: PKCS#8 is "PRIVATE KEY"; PKCS#1 and SEC1 name the algorithm.
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (label !== 'PRIVATE KEY') {
    throw new Error(
      label === 'RSA PRIVATE KEY' || label === 'EC PRIVATE KEY'
        ? 'is a PKCS#1/SEC1 PEM: convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt) or use a JWK'
        : 'is neither a private JWK (JSON) nor a PKCS#8 PEM (labelled "PRIVATE KEY")',
    );
  }
  const details = createPrivateKey(text);
  const alg = defaultAlg(
    details.asymmetricKeyType === 'rsa' ? 'RSA' : details.asymmetricKeyType === 'ec' ? 'EC' : 'unknown',
    { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[
      String(details.asymmetricKeyDetails?.namedCurve)
    ],
  );
  return { key: await importPKCS8(text, alg, { extractable: false }) };
}

function defaultAlg(kty: string | undefined, crv: string | undefined): string {
  if (kty === 'RSA') return 'RS256';
  if (kty === 'EC' && crv === 'P-256') return 'ES256';
  if (kty === 'EC' && crv === 'P-384') return 'ES384';
  if (kty === 'EC' && crv === 'P-521') return 'ES512';
  throw new Error(
    'must be an RSA or EC (P-256, P-384, P-521) key, the kinds Okta accepts for private_key_jwt',
  );
}

export function decodeKey(text: string): Uint8Array | undefined {
  if (/^[0-9a-f]{64}$/i.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Uint8Array.from(bytes) : undefined;
}
