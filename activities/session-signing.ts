import { createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { OktaErrorType } from '../common/errors.js';
import type { OktaSession } from '../common/session.js';
import type { CodecKeyring } from '../worker/keys.js';
import { parseCodecKeys } from '../worker/keys.js';
import { oktaFailure } from './failures.js';

/**
 * Sessions are minted by Connect and bound (docs: README "How it works", docs/ARCHITECTURE.md §11).
 *
 * A session value travels through workflow code, histories and headers, where anyone who can write a
 * workflow input or header could change it (point it at another connection or domain, another build).
 * Connect therefore signs it: an HMAC-SHA256 over every field, with a key derived (HKDF) from a keyring
 * the workers share. Every action verifies the signature before it resolves the session to a token.
 *
 * Why an HMAC with a shared key, not a registry of sessions: workers share nothing but Temporal and
 * their configuration, a registry would be one more service to run and to reach on every action, and
 * a MAC is checked locally in microseconds. Why derived from a keyring: the workers already share the
 * payload codec's keyring (`TEMPORAL_OKTA_CODEC_KEYS`), so a fleet agrees on session keys without new
 * configuration, and keys rotate the same way (the first key signs, the others still verify). A dedicated
 * keyring (`TEMPORAL_OKTA_SESSION_KEYS`, same format) keeps signing apart from whoever holds the codec
 * keys, such as a codec server.
 */

/** Environment variable with a dedicated session keyring (`id:base64key,...`, the first one signs). */
export const SESSION_KEYS_ENV = 'TEMPORAL_OKTA_SESSION_KEYS';

const FORMAT = 'v1';
const DERIVATION_INFO = 'temporal-okta/session-signature/v1';

/** Signs sessions at Connect and verifies them before any action uses them. */
export interface SessionSigner {
  /** The session with its `signature` set, by the active key. */
  sign(session: Omit<OktaSession, 'signature'>): OktaSession;
  /**
   * Checks that Connect signed exactly these fields with one of this worker's keys.
   *
   * @throws ApplicationFailure `OktaSessionInvalid`, saying what to do.
   */
  verify(session: OktaSession): void;
}

/** The bytes the signature covers: every field, in a fixed order, unambiguously encoded. */
function signedContent(session: Omit<OktaSession, 'signature'>): string {
  return JSON.stringify([
    FORMAT,
    session.id,
    session.name,
    session.kind,
    session.domain,
    session.connection,
    session.scopes,
    session.buildId,
    session.createdAt,
    session.createdBy.workflowId,
    session.createdBy.runId,
  ]);
}

function deriveKey(key: KeyObject): Buffer {
  return Buffer.from(hkdfSync('sha256', key.export(), Buffer.alloc(0), DERIVATION_INFO, 32));
}

/**
 * Creates the signer for a keyring: the payload codec's (`loadCodecKeysFromEnv()`), or a dedicated one
 * from {@link loadSessionKeysFromEnv}. Every worker of a fleet must be given the same keys.
 *
 * @example
 * const signer = createSessionSigner(codecKeys);
 */
export function createSessionSigner(keyring: CodecKeyring): SessionSigner {
  const keys = new Map([...keyring.keys].map(([id, key]) => [id, deriveKey(key)]));
  const mac = (key: Buffer, session: Omit<OktaSession, 'signature'>) =>
    createHmac('sha256', key).update(signedContent(session)).digest();
  const known = [...keys.keys()].map((id) => `'${id}'`).join(', ');

  function invalid(session: OktaSession, why: string, fix: string) {
    return oktaFailure(
      OktaErrorType.OktaSessionInvalid,
      `Okta session '${session.name}' (id ${session.id}) ${why} ${fix}`,
      { details: [{ session: session.id, connection: session.connection }] },
    );
  }

  return {
    sign(session) {
      const key = keys.get(keyring.activeKeyId)!;
      const value = mac(key, session).toString('base64url');
      return { ...session, signature: `${FORMAT}:${keyring.activeKeyId}:${value}` };
    },
    verify(session) {
      const [format, keyId, value, ...rest] = (session.signature ?? '').split(':');
      const reconnect = 'Sessions come only from okta.connect: connect again in the workflow.';
      if (format !== FORMAT || !keyId || !value || rest.length > 0) {
        throw invalid(session, 'carries no signature from Connect.', reconnect);
      }
      const key = keys.get(keyId);
      if (!key) {
        throw invalid(
          session,
          `was signed with session key '${keyId}', which this worker does not have (it has ${known}).`,
          `Every worker must be given the same keys: the same ${SESSION_KEYS_ENV}, or, when that is not set, ` +
            'the same TEMPORAL_OKTA_CODEC_KEYS (keep old keys after a rotation so running sessions still verify).',
        );
      }
      const expected = mac(key, session);
      const given = Buffer.from(value, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw invalid(
          session,
          'does not match its signature: a field was changed after Connect (its connection, domain, build or id).',
          reconnect,
        );
      }
    },
  };
}

/**
 * Reads a dedicated session keyring from {@link SESSION_KEYS_ENV}; `undefined` when it is not set, and
 * workers then sign with the payload codec's keyring.
 */
export function loadSessionKeysFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CodecKeyring | undefined {
  const spec = env[SESSION_KEYS_ENV];
  return spec ? parseCodecKeys(spec, SESSION_KEYS_ENV) : undefined;
}
