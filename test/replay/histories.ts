/**
 * The recorded histories on disk (`histories/<folder>/`, see histories/README.md): where they are, what
 * recorded them, the test-only codec key of their payloads, and the fingerprints of the secrets that
 * existed while they were recorded. Shared by the recording script and the tests.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { temporal } from '@temporalio/proto';
import { historyFromJson } from './history-json.js';
import { readCodecKeyFile, type CodecKeyring } from '../../worker/keys.js';

export type History = temporal.api.history.v1.IHistory;

/** One folder per release (`0.1.0/`, ...) plus `unreleased/`, the code of the branch. */
export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));

/** The folder the recording script writes unless told to record a release. */
export const UNRELEASED = 'unreleased';

/**
 * The codec key the recorded payloads are encrypted with. It is committed on purpose, for these test
 * histories only, and protects nothing: never use it, or a copy of it, anywhere else.
 */
export const TEST_ONLY_CODEC_KEY_FILE = join(HISTORIES_DIR, 'TEST-ONLY-codec-key.json');

/** The keyring of {@link TEST_ONLY_CODEC_KEY_FILE}. */
export function loadTestOnlyCodecKeys(): Promise<CodecKeyring> {
  return readCodecKeyFile(TEST_ONLY_CODEC_KEY_FILE);
}

/** One recorded execution (one run: a continue-as-new chain has one file per run). */
export interface ManifestEntry {
  /** The history file, `<scenario>[.<role>].json`. */
  file: string;
  /** Histories do not hold their workflow id, which the workflows use (child ids derive from it). */
  workflowId: string;
  workflowType: string;
  /** What the execution does and how it ended. */
  scenario: string;
}

/** `manifest.json` of a folder: what recorded it, and its histories. */
export interface Manifest {
  recordedFrom: { packageVersion: string; commit: string; temporalSdk: string };
  histories: ManifestEntry[];
}

/**
 * A secret that existed while the histories were recorded (a token the emulator issued, a client secret,
 * a private key, the API token...), as a fingerprint: its length, its first characters and its SHA-256.
 * Enough to find it in a text, too little to use it.
 */
export interface SecretFingerprint {
  what: string;
  length: number;
  prefix: string;
  sha256: string;
}

const PREFIX_LENGTH = 4;

/** SHA-256 of a text, hex. */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The fingerprint of a secret, as `secret-fingerprints.json` holds it. */
export function fingerprint(what: string, secret: string): SecretFingerprint {
  return { what, length: secret.length, prefix: secret.slice(0, PREFIX_LENGTH), sha256: sha256(secret) };
}

/** The folders of recorded histories, releases in version order, then `unreleased`. */
export function historyFolders(): string[] {
  return readdirSync(HISTORIES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(HISTORIES_DIR, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort((a, b) =>
      a === UNRELEASED ? 1 : b === UNRELEASED ? -1 : a.localeCompare(b, 'en', { numeric: true }),
    );
}

/** A folder's `manifest.json`. */
export function readManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(HISTORIES_DIR, folder, 'manifest.json'), 'utf8')) as Manifest;
}

/** A folder's `secret-fingerprints.json`. */
export function readFingerprints(folder: string): SecretFingerprint[] {
  return JSON.parse(
    readFileSync(join(HISTORIES_DIR, folder, 'secret-fingerprints.json'), 'utf8'),
  ) as SecretFingerprint[];
}

/** A history file, decoded: as `Worker.runReplayHistories` takes it. */
export function readHistory(folder: string, file: string): History {
  return historyFromJson(JSON.parse(readFileSync(join(HISTORIES_DIR, folder, file), 'utf8')));
}
