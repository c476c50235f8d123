import type { OAuthConnection } from './connections.js';
import type { RefreshTokenStore } from './refresh-token-store.js';

/**
 * The refresh-token store as the grants use it (docs/ARCHITECTURE.md §11): inside the store's lock, and
 * with each failure tagged with its operation, so that the error mapping tells a store failure from Okta
 * being unreachable.
 */

/**
 * A refresh-token store operation failed. Tagged here, where the store is called, so that
 * {@link toOktaFailure} maps it as a store failure: a store's `EACCES` is not Okta being unreachable.
 */
export class StoreOperationError extends Error {
  override readonly name = 'StoreOperationError';
  constructor(
    readonly operation: 'read' | 'write' | 'lock',
    readonly location: string | undefined,
    /** A rotated token that could not be written lives on in this process's memory. */
    readonly keptInMemory: boolean,
    cause: unknown,
  ) {
    super(`refresh-token store ${operation} failed`, { cause });
  }
}

export function storeOf(connection: OAuthConnection): RefreshTokenStore {
  if (connection.grant.type !== 'authorization_code') {
    throw new Error(`connection "${connection.name}" does not use the authorization code grant`);
  }
  return connection.grant.store;
}

export async function atStore<T>(
  store: RefreshTokenStore,
  operation: 'read' | 'write',
  run: () => Promise<T>,
  keptInMemory = false,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new StoreOperationError(operation, store.location, keptInMemory, err);
  }
}

/** Runs `fn` inside the store's exclusive section (when it has one); failing to enter is a store failure. */
export async function exclusively<T>(store: RefreshTokenStore, fn: () => Promise<T>): Promise<T> {
  if (!store.withLock) return fn();
  let failed: { error: unknown } | undefined;
  try {
    return await store.withLock(async () => {
      try {
        return await fn();
      } catch (err) {
        failed = { error: err };
        throw err;
      }
    });
  } catch (err) {
    if (failed) throw failed.error;
    throw new StoreOperationError('lock', store.location, false, err);
  }
}
