import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { CODEC_KEYS_ENV, CODEC_KEYS_FILE_ENV, CodecError, CodecErrorCode } from './keys.js';
import type { CodecKeyring } from './keys.js';

// `@temporalio/proto` is CommonJS: Node's ESM loader only offers its default export.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** The `encoding` metadata value of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key that names the codec key a payload was encrypted with. */
export const ENCRYPTION_KEY_ID_METADATA_KEY = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const encryptedEncodingBytes = textEncoder.encode(ENCRYPTED_ENCODING);

function bytesEqual(a: Uint8Array | null | undefined, b: Uint8Array): boolean {
  return a != null && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A payload codec that encrypts every payload with AES-256-GCM.
 *
 * The whole original payload (metadata and data) is serialised as a `temporal.api.common.v1.Payload` and
 * encrypted under the keyring's active key with a fresh random 96-bit IV; the key id is authenticated as
 * additional data, so a payload cannot be re-labelled with another key id. The encoded payload carries
 * `encoding: binary/encrypted` and `encryption-key-id: <id>` in its metadata and `iv || ciphertext || tag`
 * as data. Decoding picks the key by id, so payloads written before a key rotation stay readable while the
 * old key is kept in the keyring. Payloads this codec did not encrypt pass through decoding unchanged.
 *
 * @example
 * const codec = new AesGcmPayloadCodec(await loadCodecKeysFromEnv());
 * const [encrypted] = await codec.encode([payload]);
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  readonly #keyring: CodecKeyring;

  constructor(keyring: CodecKeyring) {
    if (!keyring.keys.has(keyring.activeKeyId)) {
      throw new CodecError(
        CodecErrorCode.InvalidKeyConfig,
        `The active codec key "${keyring.activeKeyId}" is not in the keyring.`,
      );
    }
    this.#keyring = keyring;
  }

  /** The id of the key new payloads are encrypted with. */
  get activeKeyId(): string {
    return this.#keyring.activeKeyId;
  }

  /** Encrypts each payload with the active key (AES-256-GCM), recording the key id in its metadata. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.#keyring.activeKeyId;
    const key = this.#keyring.keys.get(keyId) as KeyObject;
    return payloads.map((payload) => encryptPayload(payload, keyId, key));
  }

  /** Decrypts each encrypted payload with the key its metadata names; others pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!bytesEqual(payload.metadata?.encoding, encryptedEncodingBytes)) return payload;
      const keyIdBytes = payload.metadata?.[ENCRYPTION_KEY_ID_METADATA_KEY];
      if (keyIdBytes == null || keyIdBytes.length === 0) {
        throw new CodecError(
          CodecErrorCode.MissingKeyId,
          `An encrypted payload has no "${ENCRYPTION_KEY_ID_METADATA_KEY}" metadata, so it cannot be decrypted.`,
        );
      }
      const keyId = textDecoder.decode(keyIdBytes);
      const key = this.#keyring.keys.get(keyId);
      if (key === undefined) {
        throw new CodecError(
          CodecErrorCode.UnknownKeyId,
          `A payload was encrypted with codec key "${keyId}", which is not configured. Add that key (kept from ` +
            `before the rotation) after the active key in ${CODEC_KEYS_ENV} (id:base64key,...) or to "keys" in ` +
            `the ${CODEC_KEYS_FILE_ENV} file, on every worker, client and codec server.`,
        );
      }
      return decryptPayload(payload.data ?? new Uint8Array(), keyId, key);
    });
  }
}

function encryptPayload(payload: Payload, keyId: string, key: KeyObject): Payload {
  const plaintext = ProtoPayload.encode(payload).finish();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(textEncoder.encode(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    metadata: {
      encoding: encryptedEncodingBytes,
      [ENCRYPTION_KEY_ID_METADATA_KEY]: textEncoder.encode(keyId),
    },
    data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
  };
}

function decryptPayload(data: Uint8Array, keyId: string, key: KeyObject): Payload {
  const failed = (): CodecError =>
    new CodecError(
      CodecErrorCode.DecryptionFailed,
      `A payload encrypted with codec key "${keyId}" could not be decrypted: it was altered or truncated, or ` +
        `the key configured under that id is not the key it was encrypted with.`,
    );
  if (data.length < IV_BYTES + TAG_BYTES) throw failed();
  const iv = data.subarray(0, IV_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(textEncoder.encode(keyId));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw failed();
  }
  return ProtoPayload.decode(plaintext);
}
