import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CodecError,
  CodecErrorCode,
  generateCodecKey,
  loadCodecKeysFromEnv,
  loadOrCreateKeyFile,
  parseCodecKeys,
} from '../../worker/keys.js';

/** Runs `action`, expecting a key configuration error, and returns its message. */
async function configError(action: () => unknown): Promise<string> {
  const error = await Promise.resolve()
    .then(action)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(CodecError);
  expect((error as CodecError).code).toBe(CodecErrorCode.InvalidKeyConfig);
  return (error as CodecError).message;
}

describe('parseCodecKeys (TEMPORAL_OKTA_CODEC_KEYS)', () => {
  it('makes the first key active and keeps the others for decryption', () => {
    const active = generateCodecKey('k2');
    const old = generateCodecKey('k1');

    const keyring = parseCodecKeys(` ${active.id}:${active.key} , ${old.id}:${old.key} `);

    expect(keyring.activeKeyId).toBe('k2');
    expect([...keyring.keys.keys()]).toEqual(['k2', 'k1']);
  });

  it('refuses a key that is not 32 bytes, naming its id and size but not the key', async () => {
    const short = Buffer.alloc(16, 7).toString('base64');

    const message = await configError(() => parseCodecKeys(`k1:${short}`));

    expect(message).toContain('"k1"');
    expect(message).toContain('16 bytes');
    expect(message).not.toContain(short);
  });

  it('refuses a key that is not base64 without repeating it', async () => {
    const message = await configError(() => parseCodecKeys('k1:not*base64!'));

    expect(message).toContain('not base64');
    expect(message).not.toContain('not*base64!');
  });

  it('refuses a repeated key id', async () => {
    const a = generateCodecKey('same');
    const b = generateCodecKey('same');

    const message = await configError(() => parseCodecKeys(`${a.id}:${a.key},${b.id}:${b.key}`));

    expect(message).toContain('"same" appears more than once');
  });

  it('refuses an entry without an id and does not echo it', async () => {
    const { key } = generateCodecKey();

    const message = await configError(() => parseCodecKeys(key));

    expect(message).toContain('Entry 1');
    expect(message).not.toContain(key);
  });

  it('does not echo an invalid key id, which may be a key pasted in the wrong place', async () => {
    const { key } = generateCodecKey();

    const message = await configError(() => parseCodecKeys(`${key}:k1`));

    expect(message).toContain('invalid key id');
    expect(message).not.toContain(key.slice(0, 20));
  });

  it('keeps key material out of the printed keyring', () => {
    const generated = generateCodecKey('k1');

    const keyring = parseCodecKeys(`${generated.id}:${generated.key}`);

    expect(inspect(keyring, { depth: 10, showHidden: true })).not.toContain(generated.key);
    expect(JSON.stringify([...keyring.keys])).not.toContain(generated.key);
  });
});

describe('loadCodecKeysFromEnv and key files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'temporal-okta-codec-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns undefined when no key is configured', async () => {
    await expect(loadCodecKeysFromEnv({})).resolves.toBeUndefined();
  });

  it('reads the key file named by TEMPORAL_OKTA_CODEC_KEYS_FILE with its active key', async () => {
    const a = generateCodecKey('a');
    const b = generateCodecKey('b');
    const path = join(dir, 'keys.json');
    await writeFile(path, JSON.stringify({ active: 'b', keys: { a: a.key, b: b.key } }));

    const keyring = await loadCodecKeysFromEnv({ TEMPORAL_OKTA_CODEC_KEYS_FILE: path });

    expect(keyring?.activeKeyId).toBe('b');
    expect([...keyring!.keys.keys()].sort()).toEqual(['a', 'b']);
  });

  it('refuses a key file whose active id is not one of its keys', async () => {
    const a = generateCodecKey('a');
    const path = join(dir, 'keys.json');
    await writeFile(path, JSON.stringify({ active: 'missing', keys: { a: a.key } }));

    const message = await configError(() => loadCodecKeysFromEnv({ TEMPORAL_OKTA_CODEC_KEYS_FILE: path }));

    expect(message).toContain('"active"');
    expect(message).not.toContain(a.key);
  });

  it('refuses a key file that is not JSON', async () => {
    const path = join(dir, 'keys.json');
    await writeFile(path, 'active=a');

    const message = await configError(() => loadCodecKeysFromEnv({ TEMPORAL_OKTA_CODEC_KEYS_FILE: path }));

    expect(message).toContain('not valid JSON');
  });

  it('refuses a key file with a wrongly shaped field, naming the field', async () => {
    const path = join(dir, 'keys.json');
    await writeFile(path, JSON.stringify({ active: 'a', keys: { a: 42 } }));

    const message = await configError(() => loadCodecKeysFromEnv({ TEMPORAL_OKTA_CODEC_KEYS_FILE: path }));

    expect(message).toContain('keys.a');
  });

  it('refuses to choose when both the inline keys and a key file are set', async () => {
    const { id, key } = generateCodecKey();

    const message = await configError(() =>
      loadCodecKeysFromEnv({
        TEMPORAL_OKTA_CODEC_KEYS: `${id}:${key}`,
        TEMPORAL_OKTA_CODEC_KEYS_FILE: join(dir, 'k.json'),
      }),
    );

    expect(message).toContain('set only one');
    expect(message).not.toContain(key);
  });

  it('creates a missing key file readable by its owner only, and reuses it afterwards', async () => {
    const path = join(dir, 'state', 'codec-keys.json');

    const created = await loadOrCreateKeyFile(path);
    const contentAfterCreation = await readFile(path, 'utf8');
    const reused = await loadOrCreateKeyFile(path);

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(reused.activeKeyId).toBe(created.activeKeyId);
    expect(await readFile(path, 'utf8')).toBe(contentAfterCreation);
  });
});
