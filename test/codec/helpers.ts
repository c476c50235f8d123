import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { generateCodecKey, parseCodecKeys } from '../../worker/keys.js';
import type { CodecKeyring, GeneratedCodecKey } from '../../worker/keys.js';

/** A profile like the ones the package moves around: every field value is personal data. */
export const profile = {
  login: 'ada.lovelace@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  mobilePhone: '+44 20 7946 0958',
} as const;

/** A keyring built from freshly generated keys; the first one is active. */
export function keyringOf(...keys: GeneratedCodecKey[]): CodecKeyring {
  return parseCodecKeys(keys.map(({ id, key }) => `${id}:${key}`).join(','));
}

/** A keyring with one new random key. */
export function newKeyring(id = 'test-key'): CodecKeyring {
  return keyringOf(generateCodecKey(id));
}

/** A payload holding `value`, as the default payload converter writes it. */
export function payloadOf(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value);
}

/** True when `text` occurs anywhere in the payload's data or metadata bytes. */
export function payloadContains(payload: Payload, text: string): boolean {
  const parts = [payload.data ?? new Uint8Array(), ...Object.values(payload.metadata ?? {})];
  return parts.some((bytes) => Buffer.from(bytes).includes(text, 0, 'utf8'));
}

/** A payload in the codec server protocol: protobuf JSON, base64 data and metadata values. */
export interface WirePayload {
  metadata: Record<string, string>;
  data: string;
}

/** A payload as the Web UI sends it to the codec server. */
export function toWire(payload: Payload): WirePayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/** A payload as the codec server returns it. */
export function fromWire(wire: WirePayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(wire.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(wire.data, 'base64'),
  };
}
