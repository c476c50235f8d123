import { AsyncLocalStorage } from 'node:async_hooks';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import type { RefreshTokenStoreConfig } from './connections.js';

/**
 * Where an authorization-code connection keeps its refresh token between worker restarts, shared by
 * every process that refreshes it. With refresh-token rotation each token works once, so two processes
 * must never send the same one: a store shared by several processes (or hosts) implements
 * {@link RefreshTokenStore.withLock}, and the refresh runs read → grant → compareAndSwap inside it.
 *
 * Errors a store throws are reported to users by name and `code` only (a driver's message may quote a
 * token); log details inside your store if you need them. Throw {@link RefreshTokenStoreError} for a
 * message of your own.
 *
 * @example
 * // A database row, locked with SELECT ... FOR UPDATE in a transaction, swapped with
 * // UPDATE ... SET token = $next WHERE name = $name AND token = $expected.
 * const connections = await loadConnections({ refreshTokenStore: (name) => postgresTokenStore(pool, name) });
 */
export interface RefreshTokenStore {
  /** How errors name the store, e.g. its path or table and row. Never a secret. */
  readonly location?: string;
  /** The stored refresh token, or `undefined` when the connection was never authorised. */
  read(): Promise<string | undefined>;
  /**
   * Stores `next` if the stored token is still `expected` (`undefined`: none stored), atomically.
   * Resolves false, storing nothing, when another process changed it meanwhile; rejects when the
   * store cannot be written.
   */
  compareAndSwap(expected: string | undefined, next: string): Promise<boolean>;
  /**
   * Runs `fn` while no other process (on any host sharing the store) runs its own `fn` for the same
   * token. Implement it for a store shared by several processes; `read` and `compareAndSwap` are
   * called inside it.
   */
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * The refresh-token store cannot be used. `retryable` is false when it needs fixing first (the key
 * does not decrypt it, the file is unreadable) and true when trying later may work (its lock stayed
 * taken, a write failed). Thrown by a store's methods; an action that meets it fails with
 * `OktaRefreshTokenStoreFailed` when `retryable` (retried) and `OktaConnectionMisconfigured` otherwise (not
 * retried).
 */
export class RefreshTokenStoreError extends Error {
  /** Always `RefreshTokenStoreError`. */
  override readonly name = 'RefreshTokenStoreError';
  /** Whether trying again later may work. */
  readonly retryable: boolean;
  /** The system error code behind it, e.g. `ENOSPC`, when there is one. */
  readonly code?: string;
  constructor(message: string, options: { retryable?: boolean; code?: string } = {}) {
    super(message);
    this.retryable = options.retryable ?? false;
    if (options.code) this.code = options.code;
  }
}

/** The file store's lock: how long to wait for it, and when a lock left by a crashed process is taken over. */
export interface FileLockOptions {
  /** How long a refresh waits for another process's lock before failing. Default 30 s. */
  waitMs?: number;
  /**
   * A lock not refreshed by its holder for this long is stale and taken over (its holder crashed).
   * Holders refresh it every `staleMs / 2` while they run. Default 10 s; at least 2 s.
   */
  staleMs?: number;
}

const DEFAULT_LOCK_WAIT_MS = 30_000;
const DEFAULT_LOCK_STALE_MS = 10_000;

const FORMAT = 'temporal-okta/refresh-token/v1';

interface StoredRecord {
  format: typeof FORMAT;
  iv: string;
  tag: string;
  data: string;
}

/** A store failure from a system error: the message names the store and the code, nothing else. */
function systemError(message: string, err: unknown, retryable: boolean): RefreshTokenStoreError {
  const code = (err as NodeJS.ErrnoException).code;
  return new RefreshTokenStoreError(`${message} (${code ?? 'I/O error'})`, {
    retryable,
    ...(code ? { code } : {}),
  });
}

/**
 * A {@link RefreshTokenStore} backed by the connection's encrypted file, for the processes of one host.
 *
 * The file holds one AES-256-GCM encrypted record; the connection's name is authenticated data, so a
 * file copied to another connection does not decrypt. Writes go to a temporary file in the same
 * directory, which is flushed and renamed over the old one, and the directory is flushed after the
 * rename, so a crash leaves the old token or the new one, never a torn or empty file. Processes take a
 * lock directory beside the file (`PATH.lock`, with `proper-lockfile`) around each refresh.
 */
export function fileRefreshTokenStore(
  connectionName: string,
  config: RefreshTokenStoreConfig,
  lock: FileLockOptions = {},
): RefreshTokenStore {
  const aad = Buffer.from(`${FORMAT}:${connectionName}`);
  const key = () => config.encryptionKey.reveal();
  const { path } = config;
  const dir = dirname(path);
  const lockPath = `${path}.lock`;
  const waitMs = lock.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const staleMs = Math.max(lock.staleMs ?? DEFAULT_LOCK_STALE_MS, 2000);
  // proper-lockfile is not re-entrant: a nested withLock (compareAndSwap inside a refresh) runs inline.
  const holding = new AsyncLocalStorage<boolean>();

  async function read(): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw systemError(`cannot read the refresh-token store ${path}`, err, false);
    }
    try {
      const record = JSON.parse(text) as StoredRecord;
      if (record.format !== FORMAT) throw new Error('unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(record.iv, 'base64'));
      decipher.setAAD(aad);
      decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(record.data, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new RefreshTokenStoreError(
        `the refresh-token store ${path} cannot be decrypted with the key from ` +
          `${config.encryptionKey.source}: restore the original key, or delete the file and run ` +
          `"temporal-okta connections authorize ${connectionName}" again`,
      );
    }
  }

  async function write(refreshToken: string): Promise<void> {
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
    const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(record)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      await syncDirectory(dir);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw systemError(`cannot write the refresh-token store ${path}`, err, true);
    }
  }

  async function acquire(): Promise<() => Promise<void>> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw systemError(`cannot create the directory of the refresh-token store ${path}`, err, true);
    }
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      try {
        return await lockfile.lock(path, {
          lockfilePath: lockPath,
          realpath: false,
          stale: staleMs,
          retries: 0,
          // The default throws from a timer, which would crash the worker. A lock lost while held
          // (its holder stalled for longer than staleMs) leaves compareAndSwap to refuse a lost race.
          onCompromised: () => undefined,
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
          throw systemError(`cannot lock the refresh-token store ${path}`, err, true);
        }
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new RefreshTokenStoreError(
          `another process held the lock ${lockPath} of the refresh-token store ${path} for more than ` +
            `${seconds(waitMs)}. A lock whose process died is taken over after ${seconds(staleMs)}; if it ` +
            `stays, check which process refreshes this connection`,
          { retryable: true },
        );
      }
      // Jitter, so waiting processes do not retry in lockstep; a last try at the deadline.
      await sleep(Math.min(remaining, delay + Math.floor(Math.random() * delay)));
    }
  }

  async function withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (holding.getStore()) return fn();
    const release = await acquire();
    try {
      return await holding.run(true, fn);
    } finally {
      // A lock that cannot be removed goes stale and is taken over; the work inside it is done.
      await release().catch(() => undefined);
    }
  }

  return {
    location: path,
    read,
    compareAndSwap: (expected, next) =>
      withLock(async () => {
        if ((await read()) !== expected) return false;
        await write(next);
        return true;
      }),
    withLock,
  };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Flushes a directory entry (a rename) to disk. Windows cannot open a directory: there, skip it. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
