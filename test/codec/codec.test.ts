import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  ENCRYPTION_KEY_ID_METADATA_KEY,
} from '../../worker/codec.js';
import { CodecError, CodecErrorCode, generateCodecKey } from '../../worker/keys.js';
import { keyringOf, newKeyring, payloadContains, payloadOf, profile } from './helpers.js';

const text = (bytes: Uint8Array | null | undefined): string =>
  Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('AesGcmPayloadCodec', () => {
  it('decodes what it encoded back to the original payload, metadata and data', async () => {
    const codec = new AesGcmPayloadCodec(newKeyring());
    const original = payloadOf(profile);

    const [decoded] = await codec.decode(await codec.encode([original]));

    expect(text(decoded?.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(profile);
  });

  it('marks encoded payloads as binary/encrypted with the active key id', async () => {
    const codec = new AesGcmPayloadCodec(newKeyring('2025-06'));

    const [encoded] = await codec.encode([payloadOf(profile)]);

    expect(text(encoded?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded?.metadata?.[ENCRYPTION_KEY_ID_METADATA_KEY])).toBe('2025-06');
  });

  it('produces different ciphertext each time and never the plaintext', async () => {
    const codec = new AesGcmPayloadCodec(newKeyring());
    const payload = payloadOf(profile);

    const [first, second] = await codec.encode([payload, payload]);

    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
    for (const value of [...Object.values(profile), 'json/plain', 'login']) {
      expect(payloadContains(first!, value)).toBe(false);
      expect(payloadContains(second!, value)).toBe(false);
    }
  });

  it('still decrypts payloads of an older key after the active key is rotated', async () => {
    const oldKey = generateCodecKey('old');
    const newKey = generateCodecKey('new');
    const [writtenBeforeRotation] = await new AesGcmPayloadCodec(keyringOf(oldKey)).encode([
      payloadOf(profile),
    ]);
    const rotated = new AesGcmPayloadCodec(keyringOf(newKey, oldKey));

    const [decoded] = await rotated.decode([writtenBeforeRotation!]);
    const [writtenAfterRotation] = await rotated.encode([payloadOf(profile)]);

    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(profile);
    expect(text(writtenAfterRotation?.metadata?.[ENCRYPTION_KEY_ID_METADATA_KEY])).toBe('new');
  });

  it('refuses a payload of an unknown key id with an error naming the id and the setting, without key material', async () => {
    const retiredKey = generateCodecKey('retired');
    const [encoded] = await new AesGcmPayloadCodec(keyringOf(retiredKey)).encode([payloadOf(profile)]);
    const currentKey = generateCodecKey('current');
    const codec = new AesGcmPayloadCodec(keyringOf(currentKey));

    const error = await codec.decode([encoded!]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe(CodecErrorCode.UnknownKeyId);
    expect((error as CodecError).message).toContain('"retired"');
    expect((error as CodecError).message).toContain('TEMPORAL_OKTA_CODEC_KEYS');
    expect((error as CodecError).message).not.toContain(retiredKey.key);
    expect((error as CodecError).message).not.toContain(currentKey.key);
  });

  it('rejects ciphertext that was altered', async () => {
    const codec = new AesGcmPayloadCodec(newKeyring());
    const [encoded] = await codec.encode([payloadOf(profile)]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0x01;

    const error = await codec.decode([{ ...encoded!, data }]).catch((e: unknown) => e);

    expect((error as CodecError).code).toBe(CodecErrorCode.DecryptionFailed);
  });

  it('rejects a payload relabelled with another configured key id', async () => {
    const a = generateCodecKey('a');
    const b = generateCodecKey('b');
    const codec = new AesGcmPayloadCodec(keyringOf(a, b));
    const [encoded] = await codec.encode([payloadOf(profile)]);
    const relabelled = {
      ...encoded!,
      metadata: { ...encoded!.metadata, [ENCRYPTION_KEY_ID_METADATA_KEY]: new TextEncoder().encode('b') },
    };

    const error = await codec.decode([relabelled]).catch((e: unknown) => e);

    expect((error as CodecError).code).toBe(CodecErrorCode.DecryptionFailed);
  });

  it('passes payloads it did not encrypt through decoding unchanged', async () => {
    const codec = new AesGcmPayloadCodec(newKeyring());
    const plain = payloadOf(profile);

    const [decoded] = await codec.decode([plain]);

    expect(decoded).toBe(plain);
  });
});
