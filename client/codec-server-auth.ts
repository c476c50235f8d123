import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';

/** Environment variable with the static bearer token of {@link CodecServerAuth} `token` mode. */
export const CODEC_SERVER_TOKEN_ENV = 'TEMPORAL_OKTA_CODEC_SERVER_TOKEN';

const MIN_TOKEN_LENGTH = 16;
// Only signatures with the issuer's public keys: never `none` or a shared-secret HMAC.
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** The Web UI user's OIDC access token, checked against the issuer's keys, the audience and who may decode. */
export interface CodecServerOidcAuth {
  /** Check the Web UI user's OIDC access token. */
  kind: 'oidc';
  /**
   * The issuer of the Web UI's access tokens, e.g. `https://companyabc.okta.com/oauth2/default` (an Okta
   * custom authorization server: tokens of the org authorization server are for Okta's own APIs and
   * cannot be verified by anyone else). Its keys come from its discovery document's `jwks_uri`.
   */
  issuer: string;
  /** The `aud` the token must carry (the authorization server's audience, e.g. `api://temporal-ui`). */
  audience: string | readonly string[];
  /** Users allowed to decode, matched (case-insensitively) against `usersClaim`. */
  allowedUsers?: readonly string[];
  /** Groups allowed to decode, matched against the names in `groupsClaim`. */
  allowedGroups?: readonly string[];
  /** The claim naming the user; `sub` by default (an Okta user's login). */
  usersClaim?: string;
  /** The claim listing the user's groups; `groups` by default (add it to the authorization server in Okta). */
  groupsClaim?: string;
  /** `fetch` for discovery and the keys (one that trusts a private CA, say); the global `fetch` by default. */
  fetch?: typeof globalThis.fetch;
}

/**
 * How the codec server decides who may decode:
 * - `oidc`: the Web UI's "pass access token" (production; see {@link CodecServerOidcAuth});
 * - `token`: one static bearer token, for clients that send a fixed header (`temporal --codec-auth`, a
 *   proxy that adds it). The Web UI cannot use it: with "pass access token" it sends the user's own token;
 * - `none`: no check, for the demo's dev server UI, which has no sign-in; only on a loopback address.
 */
export type CodecServerAuth = CodecServerOidcAuth | { kind: 'token'; token: string } | { kind: 'none' };

/** The answer to one request's `Authorization` header. */
export type AccessDecision =
  { allowed: true } | { allowed: false; status: 401 | 403 | 503; reason: string; challenge?: string };

export type AccessCheck = (authorization: string | undefined) => Promise<AccessDecision>;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

const REALM = 'Bearer realm="codec-server"';
const missing: AccessDecision = {
  allowed: false,
  status: 401,
  reason: 'Missing bearer token: send "Authorization: Bearer <access token>".',
  challenge: REALM,
};
function invalid(reason: string): AccessDecision {
  return { allowed: false, status: 401, reason, challenge: `${REALM}, error="invalid_token"` };
}

/**
 * Builds the access check of an {@link CodecServerAuth}; for `oidc` it reads the issuer's discovery document
 * first, so a wrong issuer fails at start, not at the first request.
 */
export async function createAccessCheck(auth: CodecServerAuth): Promise<AccessCheck> {
  switch (auth.kind) {
    case 'none':
      return () => Promise.resolve({ allowed: true });
    case 'token':
      return staticTokenCheck(auth.token);
    case 'oidc':
      return oidcCheck(auth);
  }
}

function staticTokenCheck(token: string): AccessCheck {
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `The codec server needs a bearer token of at least ${MIN_TOKEN_LENGTH} characters; set ${CODEC_SERVER_TOKEN_ENV} ` +
        '(for example to the output of `openssl rand -base64 32`).',
    );
  }
  const expected = digest(token);
  return (authorization) => {
    const presented = bearerOf(authorization);
    if (presented === undefined) return Promise.resolve(missing);
    // Compare digests: constant time, whatever the length of the presented token.
    return Promise.resolve(
      timingSafeEqual(digest(presented), expected) ? { allowed: true } : invalid('Wrong bearer token.'),
    );
  };
}

/** The issuer's `jwks_uri`, from its OpenID discovery document, which must name the same issuer. */
async function discoverJwksUri(issuer: string, fetchFn: typeof globalThis.fetch): Promise<URL> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetchFn(url, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw new Error(
      `Could not read the OIDC issuer's discovery document ${url} (${error instanceof Error ? error.message : String(error)}); ` +
        'check --oidc-issuer (for Okta: https://{domain}/oauth2/{authorization server id}).',
      { cause: error },
    );
  }
  if (document.issuer !== issuer) {
    throw new Error(
      `The discovery document at ${url} names the issuer ${JSON.stringify(document.issuer)}, not ${issuer}: ` +
        'use exactly the issuer your access tokens carry in "iss".',
    );
  }
  if (typeof document.jwks_uri !== 'string')
    throw new Error(`The discovery document at ${url} has no jwks_uri.`);
  return new URL(document.jwks_uri);
}

async function oidcCheck(auth: CodecServerOidcAuth): Promise<AccessCheck> {
  const usersClaim = auth.usersClaim ?? 'sub';
  const groupsClaim = auth.groupsClaim ?? 'groups';
  const users = new Set((auth.allowedUsers ?? []).map((u) => u.toLowerCase()));
  const groups = new Set(auth.allowedGroups ?? []);
  if (users.size === 0 && groups.size === 0) {
    throw new Error(
      'The codec server decrypts for named users or groups only: give at least one allowed user or group.',
    );
  }
  const audience = [auth.audience].flat();
  if (audience.length === 0 || audience.some((a) => !a))
    throw new Error('The codec server needs an audience.');
  const fetchFn = auth.fetch ?? globalThis.fetch;
  const keys = createRemoteJWKSet(await discoverJwksUri(auth.issuer, fetchFn), {
    [customFetch]: (url: string, init: RequestInit) => fetchFn(url, init),
  });

  function isAllowed(payload: JWTPayload): boolean {
    const user = payload[usersClaim];
    if (typeof user === 'string' && users.has(user.toLowerCase())) return true;
    const claimed = payload[groupsClaim];
    const names = typeof claimed === 'string' ? [claimed] : Array.isArray(claimed) ? claimed : [];
    return names.some((name) => typeof name === 'string' && groups.has(name));
  }

  return async (authorization) => {
    const token = bearerOf(authorization);
    if (token === undefined) return missing;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: auth.issuer,
        audience,
        algorithms: ASYMMETRIC_ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: 30,
      }));
    } catch (error) {
      return rejection(error, auth.issuer, audience);
    }
    if (isAllowed(payload)) return { allowed: true };
    const user = typeof payload[usersClaim] === 'string' ? `"${payload[usersClaim]}"` : 'This user';
    return {
      allowed: false,
      status: 403,
      reason: `${user} is not allowed to decode payloads: not an allowed user ("${usersClaim}") nor in an allowed group ("${groupsClaim}").`,
    };
  };
}

/** Why a token was refused, from jose's error codes; the reason never quotes the token. */
function rejection(error: unknown, issuer: string, audience: readonly string[]): AccessDecision {
  if (error instanceof errors.JWTExpired) return invalid('The access token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return invalid(`The access token was not issued by ${issuer}.`);
    if (error.claim === 'aud')
      return invalid(`The access token is not for this codec server (audience ${audience.join(', ')}).`);
    return invalid(`The access token's "${error.claim}" claim is not valid (${error.reason}).`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid(`The access token is not signed by a key of ${issuer}.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return invalid('The access token is not signed with an allowed algorithm.');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return invalid('The bearer token is not a signed JWT access token.');
  }
  // The issuer's keys could not be fetched: the token may be fine, so not a 401.
  return { allowed: false, status: 503, reason: `Could not get the signing keys of ${issuer}; try again.` };
}
