import * as oidc from 'openid-client';
import type { Connection } from './connections.js';
import { clientAuthentication, configurationOf, stateOf } from './oauth-configuration.js';
import type { Token } from './oauth.js';
import { toOktaFailure } from './okta-errors.js';

/**
 * Revokes an access token at the org authorization server (Disconnect). The client assertion's audience
 * is the revocation endpoint, as Okta requires of every endpoint a `private_key_jwt` assertion is sent
 * to. SSWS API tokens are long-lived and shared by every session of the connection: they are never
 * revoked here.
 */
export async function revokeAccessToken(connection: Connection, token: Token): Promise<void> {
  if (connection.type !== 'oauth2') return;
  const metadata = (await configurationOf(connection)).serverMetadata();
  const endpoint = metadata.revocation_endpoint;
  if (!endpoint) return;
  const configuration = new oidc.Configuration(
    metadata,
    connection.clientId,
    undefined,
    clientAuthentication(connection, () => endpoint),
  );
  const state = stateOf(connection);
  configuration[oidc.customFetch] = (url, options) => state.fetch(url, options as RequestInit);
  try {
    await oidc.tokenRevocation(configuration, token.accessToken, { token_type_hint: 'access_token' });
  } catch (err) {
    throw toOktaFailure(err, connection, 'api');
  }
}
