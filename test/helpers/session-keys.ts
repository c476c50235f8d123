import { randomBytes } from 'node:crypto';
import { parseCodecKeys } from '../../worker/keys.js';

/**
 * A session keyring for workers that run inside the test process: a fresh random key per test file, so
 * no key is ever committed. Worker processes of one test get theirs through {@link sessionKeysSpec}.
 */
export function testSessionKeys(id = 'test') {
  return parseCodecKeys(sessionKeysSpec(id));
}

/** `id:base64key`, the form of `TEMPORAL_OKTA_SESSION_KEYS`, with a fresh random key. */
export function sessionKeysSpec(id = 'test'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
