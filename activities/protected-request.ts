import * as oidc from 'openid-client';
import { OktaErrorType } from '../common/errors.js';
import type { Connection } from './connections.js';
import { resourceHandleOf } from './dpop.js';
import { oktaFailure } from './failures.js';
import { callerSignal, configurationOf, connectionFetch } from './oauth-configuration.js';
import type { Token } from './oauth.js';
import { isUseDpopNonceChallenge, toOktaFailure } from './okta-errors.js';

export interface ProtectedRequest {
  method: string;
  url: URL | string;
  headers?: Record<string, string> | Headers;
  body?: string;
  /** Aborts the HTTP request itself (activity cancellation, request timeout). */
  signal?: AbortSignal;
}

/**
 * Calls the Okta API with the token: Bearer, DPoP or SSWS. Resolves with the response for every HTTP
 * status, 401 included, so callers decide (e.g. refresh once); network failures reject with an
 * OktaUnavailable failure.
 *
 * With DPoP every request carries a fresh proof signed with the token's key and the API's latest nonce.
 * When Okta answers 401 `use_dpop_nonce` (its nonce rotated), openid-client's `fetchProtectedResource`
 * retries once with the nonce of that answer; the token stays valid and is kept. Should Okta refuse the
 * retry's nonce too, this rejects with a retryable OktaUnavailable failure instead of handing back a 401
 * that would read as an invalid token.
 */
export async function protectedRequest(
  connection: Connection,
  token: Token,
  request: ProtectedRequest,
): Promise<Response> {
  const url = new URL(request.url);
  const origin = `https://${connection.domain}`;
  if (url.origin !== origin || token.domain !== connection.domain) {
    // A token is bound to the org it was issued for: it never leaves for another host (docs/ARCHITECTURE.md §11).
    throw oktaFailure(
      OktaErrorType.OktaInvalidInput,
      `Refusing to send the token of connection "${connection.name}", issued for ${token.domain}, to ${url.origin}: ` +
        `a token is only ever sent to ${origin}.`,
    );
  }
  const headers = new Headers(request.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  try {
    if (token.tokenType === 'SSWS') {
      headers.set('authorization', `SSWS ${token.accessToken}`);
      return await connectionFetch(connection).call(undefined, url, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal: request.signal,
      });
    }
    if (connection.type !== 'oauth2') throw new Error('an OAuth token needs an OAuth connection');
    const configuration = await configurationOf(connection);
    return await callerSignal.run(request.signal, () =>
      oidc.fetchProtectedResource(
        configuration,
        token.accessToken,
        url,
        request.method,
        request.body,
        headers,
        token.tokenType === 'DPoP' && token.dpop ? { DPoP: resourceHandleOf(token.dpop) } : undefined,
      ),
    );
  } catch (err) {
    // A challenge (401 with WWW-Authenticate) is an answer, not a transport failure: hand it back,
    // unless it is a second use_dpop_nonce in a row, which says nothing about the token.
    if (err instanceof oidc.WWWAuthenticateChallengeError && !isUseDpopNonceChallenge(err))
      return err.response;
    throw toOktaFailure(err, connection, 'api');
  }
}
