/** One request the emulator served (test controls excluded), as listed by `GET /__emulator/requests`. */
export interface RequestLogEntry {
  at: string;
  method: string;
  /** The path without its query string. */
  path: string;
  /** 0 when the connection was dropped (by a fault or by the client) before a response was sent. */
  status: number;
  durationMs: number;
  /** The authenticated or claimed OAuth client, for `/oauth2/v1/*` requests. */
  clientId?: string;
  /** `grant_type` of token requests. */
  grantType?: string;
  /** Id of the injected fault that affected this request. */
  faultId?: string;
}

/** The endpoint key counts are grouped by: method and path, e.g. `POST /oauth2/v1/token`. */
export function endpointKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * The emulator's request log: the latest entries (bounded, oldest dropped first) and counts per
 * endpoint since start or the last clear (never dropped).
 */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #counts = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.shift();
    const key = endpointKey(entry.method, entry.path);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** The retained entries, oldest first. */
  entries(): RequestLogEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  /** Requests per endpoint key (see {@link endpointKey}). */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  clear(): void {
    this.#entries.length = 0;
    this.#counts.clear();
  }
}
