/**
 * The refresh-token store as the grants use it (docs/ARCHITECTURE.md §11): failures tagged with the
 * operation, so that the error mapping tells a store failure from Okta being unreachable.
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
