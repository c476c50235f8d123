import { randomBytes } from 'node:crypto';
import { safeEqual } from './authenticate.js';

/** How the Management API (a DPoP resource server) hands out and rotates its `DPoP-Nonce`. */
export interface ResourceNonceOptions {
  /** Rotate once the nonce is this old. Default 300 s. */
  rotateAfterSeconds?: number;
  /** Rotate after this many accepted DPoP requests; the response to the last one carries the new nonce. */
  rotateAfterRequests?: number;
  /**
   * Refuse proofs without a nonce (401 `use_dpop_nonce`). Default false: Okta's guide for calling Okta's
   * APIs says the nonce "isn't currently required" there; a nonce that is present must be current.
   */
  requireNonce?: boolean;
}

const DEFAULT_ROTATE_AFTER_SECONDS = 300;

type ResolvedOptions = { rotateAfterSeconds: number; requireNonce: boolean; rotateAfterRequests?: number };

/**
 * The Management API's DPoP nonces (RFC 9449 section 9), apart from the authorization server's: a nonce
 * one server issued is not accepted by the other. One nonce is current at a time; rotating it makes the
 * previous one stale at once, so the next proof that carries it gets 401 `use_dpop_nonce` with the new one.
 *
 * @example
 * const nonces = new ResourceServerNonces({ rotateAfterRequests: 100 });
 * if (!nonces.accepts(proof.nonce)) return useDpopNonce(nonces.current());
 * nonces.countRequest();
 */
export class ResourceServerNonces {
  private options: ResolvedOptions;
  private nonce = '';
  private issuedAt = 0;
  private requests = 0;

  constructor(
    private readonly startOptions: ResourceNonceOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = resolve(startOptions);
    this.rotate();
  }

  /** The nonce to send in `DPoP-Nonce`, rotated first when it has grown too old. */
  current(): string {
    if (this.now() - this.issuedAt >= this.options.rotateAfterSeconds * 1000) this.rotate();
    return this.nonce;
  }

  /** Whether a proof's `nonce` claim is acceptable: the current nonce, or none when none is required. */
  accepts(nonce: unknown): boolean {
    if (nonce === undefined) return !this.options.requireNonce;
    return typeof nonce === 'string' && safeEqual(nonce, this.current());
  }

  /** Counts one accepted DPoP request, rotating after `rotateAfterRequests` of them. */
  countRequest(): void {
    this.requests++;
    const limit = this.options.rotateAfterRequests;
    if (limit !== undefined && this.requests >= limit) this.rotate();
  }

  /** Issues a new nonce now; the previous one is stale from here on. */
  rotate(): void {
    this.nonce = randomBytes(24).toString('base64url');
    this.issuedAt = this.now();
    this.requests = 0;
  }

  /** Replaces the options (omitted ones take their defaults) and rotates. */
  configure(options: ResourceNonceOptions): void {
    this.options = resolve(options);
    this.rotate();
  }

  /** The options the emulator started with, and a new nonce. */
  reset(): void {
    this.options = resolve(this.startOptions);
    this.rotate();
  }

  /** The options in force. */
  get settings(): Readonly<ResourceNonceOptions> {
    return { ...this.options };
  }
}

function resolve(options: ResourceNonceOptions): ResolvedOptions {
  return {
    rotateAfterSeconds: options.rotateAfterSeconds ?? DEFAULT_ROTATE_AFTER_SECONDS,
    requireNonce: options.requireNonce ?? false,
    ...(options.rotateAfterRequests !== undefined
      ? { rotateAfterRequests: options.rotateAfterRequests }
      : {}),
  };
}
