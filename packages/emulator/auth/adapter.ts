import type { Adapter, AdapterPayload } from 'oidc-provider';

/** A token the authorization server issued, as listed by `GET /__emulator/tokens` for leak audits. */
export interface IssuedToken {
  kind: 'access_token' | 'refresh_token';
  value: string;
  clientId?: string;
  scope?: string;
  issuedAt: string;
  expiresAt: string;
}

const TOKEN_MODELS: Record<string, IssuedToken['kind']> = {
  AccessToken: 'access_token',
  ClientCredentials: 'access_token',
  RefreshToken: 'refresh_token',
};

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * The authorization server's state, kept in memory: one map per oidc-provider model plus the list of
 * every access and refresh token issued (the list survives revocation, so audits see all values).
 */
export class AuthState {
  readonly #models = new Map<string, Map<string, Entry>>();
  readonly #issued: IssuedToken[] = [];

  /** The adapter class handed to oidc-provider's `adapter` option. */
  readonly Adapter: new (name: string) => Adapter;

  constructor(now: () => number = Date.now) {
    const model = (name: string): Map<string, Entry> => this.#model(name);
    const issued = this.#issued;
    this.Adapter = class MemoryAdapter implements Adapter {
      readonly #name: string;
      constructor(name: string) {
        this.#name = name;
      }
      get #entries(): Map<string, Entry> {
        return model(this.#name);
      }
      async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
        const expiresAt = now() + expiresIn * 1000;
        const isNew = !this.#entries.has(id);
        this.#entries.set(id, { payload, expiresAt });
        const kind = TOKEN_MODELS[this.#name];
        if (kind && isNew) {
          issued.push({
            kind,
            value: id,
            clientId: payload.clientId,
            scope: payload.scope,
            issuedAt: new Date(now()).toISOString(),
            expiresAt: new Date(expiresAt).toISOString(),
          });
        }
      }
      async find(id: string): Promise<AdapterPayload | undefined> {
        const entry = this.#entries.get(id);
        if (!entry) return undefined;
        if (entry.expiresAt <= now()) {
          this.#entries.delete(id);
          return undefined;
        }
        return entry.payload;
      }
      async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
        for (const [id, e] of this.#entries) if (e.payload.userCode === userCode) return this.find(id);
        return undefined;
      }
      async findByUid(uid: string): Promise<AdapterPayload | undefined> {
        for (const [id, e] of this.#entries) if (e.payload.uid === uid) return this.find(id);
        return undefined;
      }
      async consume(id: string): Promise<void> {
        const entry = this.#entries.get(id);
        if (entry) entry.payload = { ...entry.payload, consumed: Math.floor(now() / 1000) };
      }
      async destroy(id: string): Promise<void> {
        this.#entries.delete(id);
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        for (const [id, e] of this.#entries) if (e.payload.grantId === grantId) this.#entries.delete(id);
      }
    };
  }

  #model(name: string): Map<string, Entry> {
    let m = this.#models.get(name);
    if (!m) this.#models.set(name, (m = new Map()));
    return m;
  }

  /** Every access and refresh token issued since start (or the last reset), oldest first. */
  issuedTokens(): IssuedToken[] {
    return this.#issued.map((t) => ({ ...t }));
  }

  /**
   * Revokes every access token issued so far, as an admin clearing an app's tokens would: the next API
   * call with one is refused (401 E0000011). Refresh tokens, grants and the issued list stay.
   *
   * @returns how many access tokens it revoked.
   */
  revokeAccessTokens(): number {
    let revoked = 0;
    for (const [name, kind] of Object.entries(TOKEN_MODELS)) {
      if (kind !== 'access_token') continue;
      revoked += this.#models.get(name)?.size ?? 0;
      this.#models.delete(name);
    }
    return revoked;
  }

  /** Forgets every token, grant, session and interaction. */
  clear(): void {
    this.#models.clear();
    this.#issued.length = 0;
  }
}
