/**
 * Secrets that cannot leak by accident (docs/ARCHITECTURE.md §4): a connection's client secret, private
 * key, API token and store key are held as {@link Secret}s, never as plain fields.
 */

const secretValues = new WeakMap<object, unknown>();

/**
 * A resolved secret. Its value lives outside the object (in a module-private WeakMap), so neither
 * `JSON.stringify`, `util.inspect`, structured logging nor an error serialiser can reveal it; only
 * {@link Secret.reveal} does.
 */
export class Secret<T> {
  /** Where the secret came from, e.g. `env OKTA_CLIENT_SECRET`; never the value. */
  readonly source: string;
  constructor(value: T, source: string) {
    this.source = source;
    secretValues.set(this, value);
  }
  /** The secret value. Use it only at the point of use; never log or return it. */
  reveal(): T {
    return secretValues.get(this) as T;
  }
  /** `[secret from <source>]`: serialising never reveals the value. */
  toJSON(): string {
    return `[secret from ${this.source}]`;
  }
  /** `[secret from <source>]`: printing never reveals the value. */
  toString(): string {
    return `[secret from ${this.source}]`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.source})`;
  }
}
