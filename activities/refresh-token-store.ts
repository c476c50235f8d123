import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RefreshTokenStoreConfig } from './connections.js';

/**
 * Where an authorization-code connection keeps its refresh token between worker restarts.
 *
 * The file holds one AES-256-GCM encrypted record; the connection's name is authenticated data, so a
 * file copied to another connection does not decrypt. Writes go to a temporary file in the same directory
 * which is flushed and then renamed over the old one, so a crash never leaves a torn or empty token.
 */
export interface RefreshTokenStore {
  /** The stored refresh token, or `undefined` when the connection was never authorised. */
  read(): Promise<string | undefined>;
  /** Replaces the stored refresh token atomically. */
  write(refreshToken: string): Promise<void>;
}

/** The store file exists but cannot be decrypted or parsed with the configured key. */
export class RefreshTokenStoreError extends Error {
  override readonly name = 'RefreshTokenStoreError';
}

const FORMAT = 'temporal-okta/refresh-token/v1';

interface StoredRecord {
  format: typeof FORMAT;
  iv: string;
  tag: string;
  data: string;
}

/** A {@link RefreshTokenStore} backed by the connection's encrypted file. */
export function fileRefreshTokenStore(
  connectionName: string,
  config: RefreshTokenStoreConfig,
): RefreshTokenStore {
  const aad = Buffer.from(`${FORMAT}:${connectionName}`);
  const key = () => config.encryptionKey.reveal();

  return {
    async read() {
      let text: string;
      try {
        text = await readFile(config.path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new RefreshTokenStoreError(
          `cannot read the refresh-token store ${config.path} (${(err as NodeJS.ErrnoException).code ?? 'read error'})`,
        );
      }
      try {
        const record = JSON.parse(text) as StoredRecord;
        if (record.format !== FORMAT) throw new Error('unknown format');
        const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(record.iv, 'base64'));
        decipher.setAAD(aad);
        decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
        return Buffer.concat([
          decipher.update(Buffer.from(record.data, 'base64')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new RefreshTokenStoreError(
          `the refresh-token store ${config.path} cannot be decrypted with the key from ` +
            `${config.encryptionKey.source}: restore the original key, or delete the file and run ` +
            `"temporal-okta connections authorize ${connectionName}" again`,
        );
      }
    },

    async write(refreshToken) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key(), iv);
      cipher.setAAD(aad);
      const data = Buffer.concat([cipher.update(refreshToken, 'utf8'), cipher.final()]);
      const record: StoredRecord = {
        format: FORMAT,
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      const dir = dirname(config.path);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temp = join(
        dir,
        `.${basename(config.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
      );
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(record)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, config.path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
  };
}
