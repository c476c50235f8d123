// oidc-provider 9 ships no type definitions; this declares the small surface the emulator uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
    clientId?: string;
    scope?: string;
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: unknown;
    jti?: string;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** The Koa context oidc-provider hands to configuration helpers and middleware. */
  export interface KoaContextWithOIDC {
    req: IncomingMessage;
    res: ServerResponse;
    method: string;
    path: string;
    status: number;
    body: unknown;
    set(field: string, value: string): void;
    oidc: OIDCContext;
  }

  export interface OIDCContext {
    route: string;
    issuer: string;
    urlFor(name: string, opt?: Record<string, unknown>): string;
    client?: ClientInstance;
    params?: Record<string, unknown>;
  }

  export interface ClientInstance {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
    redirectUriAllowed(value: string): boolean;
    redirectUris: string[];
    /** The client's `dpop_bound_access_tokens` metadata: it must present DPoP proofs. */
    dpopBoundAccessTokens?: boolean;
  }

  export interface TokenInstance {
    jti: string;
    clientId?: string;
    scope?: string;
    accountId?: string;
    exp?: number;
    jkt?: string;
    isValid: boolean;
    isExpired: boolean;
  }

  export interface TokenModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<TokenInstance | undefined>;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id?: string; scope?: string };
    session?: { accountId: string };
    grantId?: string;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export type Configuration = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    proxy: boolean;
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    readonly AccessToken: TokenModel;
    readonly ClientCredentials: TokenModel;
    readonly RefreshToken: TokenModel;
    readonly Grant: new (properties: { accountId: string; clientId: string }) => GrantInstance;
    readonly Client: { prototype: ClientInstance };
  }

  export class OIDCProviderError extends Error {
    constructor(status: number, message: string);
    error_description?: string;
    error_detail?: string;
    statusCode: number;
    expose: boolean;
  }

  export const errors: {
    OIDCProviderError: typeof OIDCProviderError;
    InvalidClientAuth: new (detail?: string) => OIDCProviderError;
    InvalidScope: new (detail: string, scope: string) => OIDCProviderError;
    InvalidGrant: new (detail?: string) => OIDCProviderError;
    InvalidRequest: new (detail?: string) => OIDCProviderError;
  };

  export default Provider;
}
