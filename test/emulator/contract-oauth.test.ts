import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgClient } from 'temporal-okta-emulator/org';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { OAUTH_SPEC, openApiValidator, type OpenApiValidator } from '../helpers/openapi.js';
import { assertionFields, ORG } from './org-tokens.js';

let t: TestOrg;
let spec: OpenApiValidator;

beforeAll(async () => {
  spec = openApiValidator(OAUTH_SPEC);
  t = await startTestOrg({ seedUsers: 5 });
});
afterAll(() => t?.close());

type Answer = { status: number; body: unknown };

async function get(url: string): Promise<Answer> {
  const res = await t.fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Posts a form the way OAuth clients do and returns the status and the parsed body (undefined if empty). */
async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await t.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function serviceTokenRequest(scope: string, app = 'service'): Promise<Answer> {
  return postForm(ORG.token, {
    grant_type: 'client_credentials',
    scope,
    ...(await assertionFields(t, app, ORG.token)),
  });
}

function expectConforms(operationId: string, answer: Answer): void {
  spec.assertResponse({ operationId, status: answer.status, body: answer.body });
}

describe('OAuth responses conform to oauth-minimal.yaml', () => {
  it('the OpenID discovery document conforms to getWellKnownOpenIDConfiguration', async () => {
    const answer = await get(`${ORG.origin}/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    expectConforms('getWellKnownOpenIDConfiguration', answer);
  });

  it('the OAuth authorization server metadata conforms to the OAuthMetadata schema', async () => {
    // The spec documents this document only for custom authorization servers; the schema is the same.
    const answer = await get(`${ORG.origin}/.well-known/oauth-authorization-server`);
    expect(answer.status).toBe(200);
    const result = spec.validateSchema('OAuthMetadata', answer.body);
    expect(result.errors).toEqual([]);
  });

  it('the JWKS conforms to oauthKeys and holds only public keys', async () => {
    const answer = await get(`${ORG.origin}/oauth2/v1/keys`);
    expectConforms('oauthKeys', answer);
    const keys = (answer.body as { keys: Record<string, unknown>[] }).keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(Object.keys(key)).not.toContain('d');
  });

  it('a client credentials token response conforms to token 200', async () => {
    const answer = await serviceTokenRequest('okta.users.read');
    expect(answer).toMatchObject({
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3600, scope: 'okta.users.read' },
    });
    expectConforms('token', answer);
  });

  it('invalid_client for an assertion addressed to the issuer conforms to token 401', async () => {
    const answer = await postForm(ORG.token, {
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      ...(await assertionFields(t, 'service', ORG.origin)),
    });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expectConforms('token', answer);
  });

  it('invalid_scope for a scope the app was not granted conforms to token 400', async () => {
    const answer = await serviceTokenRequest('okta.users.manage', 'service-readonly');
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expectConforms('token', answer);
  });

  it('invalid_scope for an okta.* scope the emulator does not serve (okta.policies.read) conforms to token 400', async () => {
    const answer = await serviceTokenRequest('okta.users.read okta.policies.read');
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expectConforms('token', answer);
  });

  it('invalid_grant for an unknown refresh token conforms to token 400', async () => {
    const web = orgClient(t.org, 'web');
    const basic = Buffer.from(
      `${encodeURIComponent(web.clientId)}:${encodeURIComponent(web.clientSecret!)}`,
    ).toString('base64');
    const answer = await postForm(
      ORG.token,
      { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' },
      { authorization: `Basic ${basic}` },
    );
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expectConforms('token', answer);
  });

  it('a revocation response conforms to revoke 200', async () => {
    const { access_token } = (await serviceTokenRequest('okta.users.read')).body as { access_token: string };
    const answer = await postForm(ORG.revoke, {
      token: access_token,
      token_type_hint: 'access_token',
      ...(await assertionFields(t, 'service', ORG.revoke)),
    });
    expect(answer.status).toBe(200);
    expectConforms('revoke', answer);
  });

  it('introspection of an active and of a revoked token conforms to introspect 200', async () => {
    const { access_token } = (await serviceTokenRequest('okta.users.read')).body as { access_token: string };
    const introspect = async (): Promise<Answer> =>
      postForm(ORG.introspect, {
        token: access_token,
        ...(await assertionFields(t, 'service', ORG.introspect)),
      });

    const active = await introspect();
    expect(active.body).toMatchObject({
      active: true,
      scope: 'okta.users.read',
      client_id: orgClient(t.org, 'service').clientId,
    });
    expectConforms('introspect', active);

    await postForm(ORG.revoke, { token: access_token, ...(await assertionFields(t, 'service', ORG.revoke)) });
    const inactive = await introspect();
    expect(inactive.body).toEqual({ active: false });
    expectConforms('introspect', inactive);
  });
});

describe('the OAuth validator itself', () => {
  it('fails a token response whose expires_in is not a number', () => {
    const result = spec.validateResponse({
      operationId: 'token',
      status: 200,
      body: { access_token: 'a', token_type: 'Bearer', expires_in: 'one hour', scope: 'okta.users.read' },
    });
    expect(result.valid).toBe(false);
    expect(result.errors.join()).toContain('/expires_in');
  });

  it('fails an introspection response whose active is not a boolean', () => {
    expect(
      spec.validateResponse({ operationId: 'introspect', status: 200, body: { active: 'yes' } }).valid,
    ).toBe(false);
  });

  it('fails a JWKS whose keys is not an array', () => {
    expect(
      spec.validateResponse({ operationId: 'oauthKeys', status: 200, body: { keys: { kty: 'RSA' } } }).valid,
    ).toBe(false);
  });
});
