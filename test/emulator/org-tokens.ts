import { importJWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import { orgClient } from 'temporal-okta-emulator/org';
import type { TestOrg } from 'temporal-okta-emulator/testing';

/** Endpoints of the emulated org authorization server, by their public URLs. */
export const ORG = {
  origin: 'https://companyabc.okta.com',
  token: 'https://companyabc.okta.com/oauth2/v1/token',
  revoke: 'https://companyabc.okta.com/oauth2/v1/revoke',
  introspect: 'https://companyabc.okta.com/oauth2/v1/introspect',
} as const;

/**
 * An openid-client configuration for a private_key_jwt app of the org (`service`, `service-readonly`,
 * `service-dpop`) whose client assertions are addressed to `audience`, as Okta requires the endpoint
 * invoked (the token endpoint unless told otherwise).
 */
export async function serviceConfig(
  t: TestOrg,
  name: string,
  audience: string = ORG.token,
): Promise<client.Configuration> {
  const app = orgClient(t.org, name);
  const jwk = app.privateKeyJwk!;
  const key = { key: (await importJWK(jwk, jwk.alg)) as client.CryptoKey, kid: jwk.kid };
  return client.discovery(
    new URL(ORG.origin),
    app.clientId,
    undefined,
    client.PrivateKeyJwt(key, {
      [client.modifyAssertion]: (_header, payload) => {
        payload.aud = audience;
      },
    }),
    { [client.customFetch]: t.fetch },
  );
}

/** A real access token from the org's client credentials grant for one of its private_key_jwt apps. */
export async function serviceToken(t: TestOrg, name: string, scope: string): Promise<string> {
  return (await client.clientCredentialsGrant(await serviceConfig(t, name), { scope })).access_token;
}

/** A signed private_key_jwt client assertion, for tests that post raw requests to the OAuth endpoints. */
export async function clientAssertion(t: TestOrg, name: string, audience: string): Promise<string> {
  const app = orgClient(t.org, name);
  const jwk = app.privateKeyJwk!;
  return new SignJWT({})
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(audience)
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(jwk, jwk.alg));
}

/** The form fields of private_key_jwt client authentication. */
export async function assertionFields(
  t: TestOrg,
  name: string,
  audience: string,
): Promise<Record<string, string>> {
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(t, name, audience),
  };
}
