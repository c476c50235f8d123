/**
 * The audit of recorded histories (the checks of `test/connect/history.ts`, on files): their texts once
 * the payloads are decrypted hold none of the secrets that existed while they were recorded, and nothing
 * that looks like a credential.
 */
import type { Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, type AesGcmPayloadCodec } from '../../worker/codec.js';
import { textsOf } from '../connect/history.js';
import { sha256, type History, type SecretFingerprint } from './histories.js';

/** What a credential looks like, whoever issued it. */
export const CREDENTIAL_PATTERNS: readonly { what: string; pattern: RegExp }[] = [
  // A JWS or JWE in compact form: a base64url JSON header ('{"' encodes as 'eyJ'), a dot, more base64url.
  { what: 'a JWT', pattern: /eyJ[\w-]{8,}\.[\w-]{8,}/ },
  { what: 'an SSWS authorization', pattern: /SSWS\s/ },
  { what: 'a PEM block', pattern: /-----BEGIN [A-Z ]+-----/ },
  { what: 'a bearer authorization', pattern: /\b(Bearer|DPoP)\s+[\w.~+/-]{16,}/ },
];

const ENCRYPTED = Buffer.from(ENCRYPTED_ENCODING);

function isPayload(value: object): value is Payload {
  return 'metadata' in value && 'data' in value && (value as Payload).data instanceof Uint8Array;
}

/**
 * Every text a history holds once its payloads are decrypted with `codec`: strings, and payload data,
 * metadata and other byte arrays as UTF-8. What anyone holding the codec key would read.
 */
export async function decryptedTexts(history: History, codec: AesGcmPayloadCodec): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<object>();
  async function walk(value: unknown): Promise<void> {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) {
      textsOf(value, out);
      return;
    }
    if (seen.has(value)) return;
    seen.add(value);
    if (isPayload(value)) {
      const encoding = value.metadata?.encoding;
      const [plain] = encoding && ENCRYPTED.equals(encoding) ? await codec.decode([value]) : [value];
      textsOf(plain, out);
      return;
    }
    for (const child of Object.values(value)) await walk(child);
  }
  await walk(history);
  return out;
}

/** The fingerprinted secrets that occur in `text`, by what they are. */
export function secretsIn(text: string, fingerprints: readonly SecretFingerprint[]): string[] {
  const found = new Set<string>();
  for (const f of fingerprints) {
    for (let at = text.indexOf(f.prefix); at >= 0; at = text.indexOf(f.prefix, at + 1)) {
      if (sha256(text.slice(at, at + f.length)) === f.sha256) {
        found.add(f.what);
        break;
      }
    }
  }
  return [...found];
}

/** What a history's decrypted texts hold that they must not: fingerprinted secrets, credential look-alikes. */
export async function auditHistory(
  history: History,
  codec: AesGcmPayloadCodec,
  fingerprints: readonly SecretFingerprint[],
): Promise<string[]> {
  const text = (await decryptedTexts(history, codec)).join('\n');
  return [
    ...secretsIn(text, fingerprints),
    ...CREDENTIAL_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ what }) => what),
  ];
}
