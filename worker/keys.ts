import { createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Environment variable with the codec keys inline: `id:base64key,id:base64key`, the first one active. */
export const CODEC_KEYS_ENV = 'TEMPORAL_OKTA_CODEC_KEYS';
/** Environment variable with the path of a JSON key file: `{ "active": "id", "keys": { "id": "base64key" } }`. */
export const CODEC_KEYS_FILE_ENV = 'TEMPORAL_OKTA_CODEC_KEYS_FILE';

/** What went wrong in the codec, as stable strings callers can match on without parsing messages. */
export const CodecErrorCode = {
  /** A codec key configuration (environment variable or key file) is invalid. */
  InvalidKeyConfig: 'InvalidKeyConfig',
  /** An encrypted payload names a key id that is not configured. */
  UnknownKeyId: 'UnknownKeyId',
  /** An encrypted payload has no key id in its metadata. */
  MissingKeyId: 'MissingKeyId',
  /** An encrypted payload failed authentication: it was altered, truncated or encrypted with another key. */
  DecryptionFailed: 'DecryptionFailed',
} as const;
/** One of {@link CodecErrorCode}'s values. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/**
 * An error of the payload codec or its key configuration; `code` says which. Messages never contain key
 * material. Thrown when keys are loaded or parsed (`InvalidKeyConfig`: fix the configuration; retrying
 * does not help), and by the codec when a payload cannot be decrypted (`MissingKeyId`, `UnknownKeyId`,
 * `DecryptionFailed`): give every worker and client the keys the payloads were written with.
 */
export class CodecError extends Error {
  /** Always `CodecError`. */
  override readonly name = 'CodecError';
  constructor(
    /** What went wrong, as a stable string. */
    readonly code: CodecErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEY_ID_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";
const HOW_TO_GENERATE = 'generate one with `openssl rand -base64 32`';

/**
 * The payload codec's keys: one active key that encrypts, and older keys kept so payloads written before a
 * rotation can still be decrypted. Keys are `KeyObject`s, which never print or serialise their material.
 */
export interface CodecKeyring {
  /** The id of the key new payloads are encrypted with; always present in `keys`. */
  readonly activeKeyId: string;
  /** Every configured key by id, the active key included. */
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/** A freshly generated codec key, as it is written to configuration (base64). */
export interface GeneratedCodecKey {
  /** The key's id. */
  readonly id: string;
  /** 32 random bytes, base64: key material. Store it as a secret; never log it. */
  readonly key: string;
}

function invalid(message: string): CodecError {
  return new CodecError(CodecErrorCode.InvalidKeyConfig, message);
}

/** Decodes a base64 key, or says what is wrong with it without repeating it. */
function decodeKey(base64: string, keyId: string, source: string): KeyObject {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw invalid(`Codec key "${keyId}" in ${source} is not base64; ${HOW_TO_GENERATE}.`);
  }
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== KEY_BYTES) {
    bytes.fill(0);
    throw invalid(
      `Codec key "${keyId}" in ${source} is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES} bytes; ${HOW_TO_GENERATE}.`,
    );
  }
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

/**
 * Parses the inline key list of {@link CODEC_KEYS_ENV}: comma-separated `id:base64key` entries, the first
 * one active and the others kept for decryption.
 *
 * @example
 * parseCodecKeys('2025-06:q3v...=,2025-01:Xy2...='); // encrypts with "2025-06", still decrypts "2025-01"
 */
export function parseCodecKeys(spec: string, source: string = CODEC_KEYS_ENV): CodecKeyring {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw invalid(`${source} is empty; set it to id:base64key (${HOW_TO_GENERATE}).`);
  }
  const keys = new Map<string, KeyObject>();
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    // Never echo an entry or an id that failed validation: it might be key material pasted in the wrong place.
    if (separator < 0) {
      throw invalid(`Entry ${index + 1} of ${source} is not in the form id:base64key.`);
    }
    const keyId = entry.slice(0, separator).trim();
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw invalid(`Entry ${index + 1} of ${source} has an invalid key id; use ${KEY_ID_RULE}.`);
    }
    if (keys.has(keyId)) {
      throw invalid(`Key id "${keyId}" appears more than once in ${source}; key ids must be unique.`);
    }
    keys.set(keyId, decodeKey(entry.slice(separator + 1), keyId, source));
  });
  return { activeKeyId: [...keys.keys()][0] as string, keys };
}

const keyFileSchema = z
  .object({
    active: z.string({ error: `"active" must be the id of the key that encrypts` }),
    keys: z.record(z.string(), z.string({ error: 'each key must be a base64 string' }), {
      error: `"keys" must be an object mapping key ids to base64 keys`,
    }),
  })
  .strict();

/**
 * Parses the JSON of a key file (`{ "active": "id", "keys": { "id": "base64key" } }`). `source` names the
 * file in error messages.
 */
export function parseCodecKeyFile(text: string, source: string): CodecKeyring {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(`${source} is not valid JSON; expected { "active": "id", "keys": { "id": "base64key" } }.`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    // Only paths and our own messages: zod is never asked to report the input.
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the file';
      return issue.code === 'unrecognized_keys' ? `unknown field in ${where}` : `${where}: ${issue.message}`;
    });
    throw invalid(`${source} is not a valid codec key file (${problems.join('; ')}).`);
  }
  const keys = new Map<string, KeyObject>();
  for (const [keyId, base64] of Object.entries(parsed.data.keys)) {
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw invalid(`${source} has an invalid key id in "keys"; use ${KEY_ID_RULE}.`);
    }
    keys.set(keyId, decodeKey(base64, keyId, source));
  }
  const { active } = parsed.data;
  if (!KEY_ID_PATTERN.test(active) || !keys.has(active)) {
    throw invalid(`"active" in ${source} must be the id of one of its "keys".`);
  }
  return { activeKeyId: active, keys };
}

/** Reads and parses a key file (see {@link parseCodecKeyFile}). */
export async function readCodecKeyFile(path: string): Promise<CodecKeyring> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an I/O error';
    throw invalid(`Cannot read the codec key file ${path} (${code}).`);
  }
  return parseCodecKeyFile(text, path);
}

/**
 * Loads the codec keys from {@link CODEC_KEYS_ENV} or {@link CODEC_KEYS_FILE_ENV}; `undefined` when neither is
 * set (the demo then uses {@link loadOrCreateKeyFile}). Setting both is an error, since it is ambiguous.
 */
export async function loadCodecKeysFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<CodecKeyring | undefined> {
  const inline = env[CODEC_KEYS_ENV];
  const file = env[CODEC_KEYS_FILE_ENV];
  if (inline && file) {
    throw invalid(`Both ${CODEC_KEYS_ENV} and ${CODEC_KEYS_FILE_ENV} are set; set only one.`);
  }
  if (inline) return parseCodecKeys(inline);
  if (file) return readCodecKeyFile(file);
  return undefined;
}

/**
 * Generates a new random AES-256 codec key, for development, the demo and rotations. The id defaults to
 * the current date plus a random suffix (`k20250611-3fa2c1`), so rotated keys never collide.
 */
export function generateCodecKey(id?: string): GeneratedCodecKey {
  const keyId =
    id ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
  if (!KEY_ID_PATTERN.test(keyId)) throw invalid(`Invalid codec key id; use ${KEY_ID_RULE}.`);
  return { id: keyId, key: randomBytes(KEY_BYTES).toString('base64') };
}

/**
 * Reads the key file at `path`, or creates it with one generated key (file mode 0600, directory 0700) when
 * it does not exist. For the demo and local development, where no key is configured.
 */
export async function loadOrCreateKeyFile(path: string): Promise<CodecKeyring> {
  const generated = generateCodecKey();
  const content = `${JSON.stringify({ active: generated.id, keys: { [generated.id]: generated.key } }, null, 2)}\n`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // 'wx' never overwrites: an existing file (or one another process just created) is read instead.
    await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw invalid(`Cannot create the codec key file ${path} (${(error as NodeJS.ErrnoException).code}).`);
    }
  }
  return readCodecKeyFile(path);
}
