import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../worker/codec.js';
import { auditHistory, decryptedTexts } from './audit.js';
import {
  fingerprint,
  HISTORIES_DIR,
  historyFolders,
  loadTestOnlyCodecKeys,
  readFingerprints,
  readHistory,
  readManifest,
  type History,
} from './histories.js';

/**
 * The recorded histories are committed: they must hold no secret. Their payloads are decrypted with the
 * test-only key and read as `test/connect/history.ts` reads live histories, against the fingerprints of
 * every secret that existed while they were recorded (the emulator's tokens differ on every run).
 */

let codec: AesGcmPayloadCodec;
beforeAll(async () => {
  codec = new AesGcmPayloadCodec(await loadTestOnlyCodecKeys());
});

describe.each(historyFolders())('the histories recorded by %s', (folder) => {
  const { histories } = readManifest(folder);
  const fingerprints = readFingerprints(folder);

  it('come with the fingerprints of the tokens the emulator issued, client secrets, private keys and the API token', () => {
    const kinds = fingerprints.map((f) => f.what);
    expect(kinds.filter((k) => k.startsWith('access_token')).length).toBeGreaterThan(3);
    expect(kinds.some((k) => k.startsWith('client secret'))).toBe(true);
    expect(kinds.some((k) => k.startsWith('private key (d)'))).toBe(true);
    expect(kinds).toContain('SSWS API token');
  });

  it('hold no token, client secret, private key or API token, and nothing that looks like one', async () => {
    const problems: string[] = [];
    let decrypted = '';
    for (const { file } of histories) {
      const history = readHistory(folder, file);
      for (const found of await auditHistory(history, codec, fingerprints))
        problems.push(`${file}: ${found}`);
      decrypted += (await decryptedTexts(history, codec)).join('\n');
      // The file as committed too, in case something sits outside what decoding reads.
      const raw = await readFile(join(HISTORIES_DIR, folder, file), 'utf8');
      if (/SSWS\s|-----BEGIN/.test(raw)) problems.push(`${file}: an SSWS authorization or a PEM block`);
    }
    expect(problems).toEqual([]);
    // The audit read the decrypted payloads: session values and Okta users are in there.
    expect(decrypted).toContain('"connection":"okta-automation"');
    expect(decrypted).toContain('"domain":"companyabc.okta.com"');
    expect(decrypted).toMatch(/"id":"00u\w+"/);
  });
});

describe('the history audit', () => {
  it('finds a fingerprinted token and a JWT planted in an encrypted activity result', async () => {
    const history = readHistory(historyFolders()[0]!, readManifest(historyFolders()[0]!).histories[0]!.file);
    const token = 'planted-opaque-token-0123456789abcdef';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJl';
    const [payload] = await codec.encode([defaultPayloadConverter.toPayload({ token, jwt })]);
    const planted: History = {
      events: [
        ...(history.events ?? []),
        { activityTaskCompletedEventAttributes: { result: { payloads: [payload!] } } },
      ],
    };

    const problems = await auditHistory(planted, codec, [fingerprint('the planted token', token)]);

    expect(problems).toEqual(['the planted token', 'a JWT']);
    expect(await auditHistory(history, codec, [fingerprint('the planted token', token)])).toEqual([]);
  });
});
