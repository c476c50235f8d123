import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { TokenInstance } from 'oidc-provider';
import { OKTA_SCOPES } from './clients.js';
import type { ResourceServerNonces } from './dpop-nonces.js';
import { DPOP_SIGNING_ALGORITHMS } from './provider.js';

/**
 * Who called the Management API, and with which okta.* scopes. `dpopNonce` is set for DPoP requests:
 * the nonce to send back in the `DPoP-Nonce` header.
 */
export type ApiCaller = { kind: 'oauth' | 'ssws'; clientId?: string; scopes: string[]; dpopNonce?: string };

/**
 * Authenticates one Management API request: a caller, or the Okta error to answer with (401 E0000011 for
 * a missing, unknown, expired or revoked token, an invalid DPoP proof, or a proof without the current
 * nonce; the Management API checks scopes and answers 403 E0000006).
 */
export type Authenticate = (
  req: IncomingMessage,
  url: URL,
) => Promise<
  | ApiCaller
  | {
      status: 401 | 403;
      errorCode: 'E0000011' | 'E0000006';
      errorSummary: string;
      wwwAuthenticate?: string;
      dpopNonce?: string;
    }
>;

type Rejection = Exclude<Awaited<ReturnType<Authenticate>>, ApiCaller>;

const DPOP_ALGORITHMS: string[] = [...DPOP_SIGNING_ALGORITHMS];
/** A proof that is valid but for its nonce: answered with `use_dpop_nonce` instead of `invalid_dpop_proof`. */
const USE_DPOP_NONCE = Symbol('use_dpop_nonce');
/** How far a DPoP proof's `iat` may be from now. */
const DPOP_MAX_SKEW_SECONDS = 300;

/** What the resource server says when a proof lacks its current nonce (RFC 9449 section 9). */
export const RESOURCE_USE_DPOP_NONCE_DESCRIPTION = 'Resource server requires nonce in DPoP proof.';

/**
 * Creates the Management API's {@link Authenticate}: `Authorization: Bearer <access token>` issued by the
 * org authorization server, `Authorization: DPoP <access token>` with a `DPoP` proof for DPoP-bound
 * tokens, or `Authorization: SSWS <API token>` (the org's API token, allowed every okta.* scope).
 *
 * A DPoP proof is checked as a resource server does: its signature with the embedded `jwk`, `typ`
 * `dpop+jwt` and an Okta algorithm, `htm`, `htu` (without query and fragment), `iat` within five minutes,
 * `ath` (the token's hash), the key's thumbprint against the token's `cnf.jkt`, a `jti` never seen
 * before, and the nonce (`nonces`): a stale one gets 401 `use_dpop_nonce` with the current one in
 * `dpopNonce`, which the answer to every accepted DPoP request carries too.
 *
 * @example
 * const authenticate = createAuthenticate({ provider, domain: 'companyabc.okta.com', apiToken, nonces });
 * const caller = await authenticate(req, new URL(req.url!, 'https://companyabc.okta.com'));
 */
export function createAuthenticate(deps: {
  provider: Provider;
  domain: string;
  apiToken: string;
  nonces: ResourceServerNonces;
  now?: () => number;
}): Authenticate {
  const now = deps.now ?? Date.now;
  const seenProofs = new Map<string, number>();
  const realm = `https://${deps.domain}`;

  const reject = (description: string, scheme = 'Bearer', error = 'invalid_token'): Rejection => ({
    status: 401,
    errorCode: 'E0000011',
    errorSummary: 'Invalid token provided',
    wwwAuthenticate: `${scheme} authorization_uri="${realm}/oauth2/v1/authorize", realm="${realm}", error="${error}", error_description="${description}"`,
  });

  const findToken = async (value: string): Promise<TokenInstance | undefined> =>
    (await deps.provider.AccessToken.find(value)) ?? (await deps.provider.ClientCredentials.find(value));

  return async (req, url) => {
    const header = req.headers.authorization ?? '';
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const credential = space > 0 ? header.slice(space + 1).trim() : '';
    if (!credential) return reject('The access token is missing.');

    if (scheme === 'ssws') {
      return safeEqual(credential, deps.apiToken)
        ? { kind: 'ssws', scopes: [...OKTA_SCOPES] }
        : reject('The API token is invalid.', 'SSWS');
    }
    if (scheme !== 'bearer' && scheme !== 'dpop') return reject('The authorization scheme is not supported.');

    const token = await findToken(credential);
    if (!token || !token.isValid)
      return reject('The access token is invalid.', scheme === 'dpop' ? 'DPoP' : 'Bearer');

    if (token.jkt || scheme === 'dpop') {
      if (!token.jkt || scheme !== 'dpop') {
        return reject('The access token must be presented with the DPoP scheme and a DPoP proof.', 'DPoP');
      }
      const problem = await checkDpopProof(req, url, credential, token.jkt);
      if (problem === USE_DPOP_NONCE) {
        return {
          ...reject(RESOURCE_USE_DPOP_NONCE_DESCRIPTION, 'DPoP', 'use_dpop_nonce'),
          dpopNonce: deps.nonces.current(),
        };
      }
      if (problem) return reject(problem, 'DPoP', 'invalid_dpop_proof');
      deps.nonces.countRequest();
    }
    return {
      kind: 'oauth',
      clientId: token.clientId,
      scopes: (token.scope ?? '').split(' ').filter(Boolean),
      ...(token.jkt ? { dpopNonce: deps.nonces.current() } : {}),
    };
  };

  async function checkDpopProof(
    req: IncomingMessage,
    url: URL,
    accessToken: string,
    jkt: string,
  ): Promise<string | typeof USE_DPOP_NONCE | undefined> {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || !proof) return 'The DPoP proof is missing.';
    let payload: Record<string, unknown>;
    let jwk: JWK;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGORITHMS });
      payload = verified.payload as Record<string, unknown>;
      jwk = verified.protectedHeader.jwk as JWK;
    } catch {
      return 'The DPoP proof is not a valid signed JWT.';
    }
    const nowSeconds = Math.floor(now() / 1000);
    const htu = `https://${deps.domain}${url.pathname}`;
    if (payload.htm !== req.method) return 'The DPoP proof is for another HTTP method.';
    if (typeof payload.htu !== 'string' || stripQuery(payload.htu) !== htu)
      return 'The DPoP proof is for another URL.';
    if (typeof payload.iat !== 'number' || Math.abs(payload.iat - nowSeconds) > DPOP_MAX_SKEW_SECONDS) {
      return 'The DPoP proof is too old or from the future.';
    }
    if (payload.ath !== createHash('sha256').update(accessToken).digest('base64url')) {
      return 'The DPoP proof is not bound to this access token.';
    }
    if ((await calculateJwkThumbprint(jwk, 'sha256')) !== jkt)
      return 'The DPoP proof key is not the one the token is bound to.';
    if (typeof payload.jti !== 'string' || !payload.jti) return 'The DPoP proof has no jti.';
    for (const [id, expires] of seenProofs) if (expires < nowSeconds) seenProofs.delete(id);
    if (seenProofs.has(payload.jti)) return 'The DPoP proof was already used.';
    // A proof is single-use even when its nonce is refused: the client's retry signs a new one.
    seenProofs.set(payload.jti, nowSeconds + DPOP_MAX_SKEW_SECONDS);
    if (!deps.nonces.accepts(payload.nonce)) return USE_DPOP_NONCE;
    return undefined;
  }
}

function stripQuery(u: string): string {
  try {
    const parsed = new URL(u);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '';
  }
}

/** Compares a presented secret with the expected one in constant time, whatever their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
