import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationScopes } from '../../emulator/management/index.js';
import { MANAGEMENT_SPEC, OAUTH_SPEC, openApiValidator, type OpenApiValidator } from '../helpers/openapi.js';
import { TOKENS, newUser, startHarness, type ApiResponse, type Harness } from './management-harness.js';

let h: Harness;
let spec: OpenApiValidator;
const checked: { operationId: string; status: number }[] = [];

beforeAll(async () => {
  spec = openApiValidator(MANAGEMENT_SPEC);
  h = await startHarness({ users: 30, budgets: { 'groups-by-id': 1000 } });
}, 120_000);
afterAll(async () => {
  await h.close();
});

/** Calls the emulator and validates the response against the operation it resolves to in the spec. */
async function conform(
  method: string,
  path: string,
  options: Parameters<Harness['call']>[2] = {},
): Promise<ApiResponse> {
  const res = await h.call(method, path, options);
  const operation = spec.operation({ method, path: new URL(path, 'https://x').pathname });
  spec.assertResponse({ operationId: operation.operationId, status: res.status, body: res.body });
  checked.push({ operationId: operation.operationId, status: res.status });
  return res;
}

describe('Management API responses conform to management-minimal.yaml', () => {
  it('every route maps to the same operation in the spec and needs the scope the spec names', () => {
    for (const [operationId, scope] of Object.entries(operationScopes)) {
      expect(spec.operation({ operationId }).oauthScopes, operationId).toContain(scope);
    }
  });

  it('users operations conform, success and error', async () => {
    const login = `contract.${Date.now()}@example.org`;
    const created = (
      await conform('POST', '/api/v1/users?activate=false', { body: newUser(login, 'Passw0rd!long') })
    ).body as { id: string };
    await conform('POST', '/api/v1/users', { body: newUser(login) });
    const team = h.store.createGroup({ name: `Contract team ${Date.now()}`, description: null });
    await conform('POST', '/api/v1/users', { body: { ...newUser(`g${login}`), groupIds: [team.id] } });
    await conform('POST', '/api/v1/users', {
      body: { ...newUser(`u${login}`), groupIds: ['00gDoesNotExist00000'] },
    });
    await conform('POST', '/api/v1/users', {
      body: { ...newUser(`t${login}`), groupIds: Array.from({ length: 21 }, (_, i) => `00gTooMany${i}`) },
    });
    await conform('POST', '/api/v1/users', { rawBody: 'not json' });
    await conform('POST', '/api/v1/users', { auth: TOKENS.readOnly, body: newUser(`x${login}`) });
    await conform('GET', '/api/v1/users?limit=5');
    await conform('GET', `/api/v1/users?search=${encodeURIComponent('profile.department eq "Sales"')}`);
    await conform('GET', '/api/v1/users', { auth: 'Bearer bad' });
    await conform('GET', `/api/v1/users/${created.id}`);
    await conform('GET', '/api/v1/users/00uDoesNotExist00000');
    await conform('POST', `/api/v1/users/${created.id}`, { body: { profile: { title: 'Analyst' } } });
    await conform('PUT', `/api/v1/users/${created.id}`, { body: newUser(login) });
    await conform('PUT', `/api/v1/users/${created.id}`, { body: { profile: {} } });
    await conform('GET', `/api/v1/users/${created.id}/groups`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/activate?sendEmail=false`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/activate`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/expire_password`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/reset_password?sendEmail=false`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/reactivate?sendEmail=false`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/suspend`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/unsuspend`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/unlock`);
    h.store.updateUser(created.id, { status: 'ACTIVE' });
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/suspend`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/unsuspend`);
    h.store.updateUser(created.id, { status: 'LOCKED_OUT' });
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/unlock`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/deactivate`);
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/deactivate`);
    await conform('DELETE', `/api/v1/users/${created.id}`);
    await conform('DELETE', `/api/v1/users/${created.id}`);
    expect(checked.length).toBeGreaterThan(25);
  });

  it('groups operations conform, success and error', async () => {
    const group = (
      await conform('POST', '/api/v1/groups', {
        body: { profile: { name: `Contract ${Date.now()}`, description: 'd' } },
      })
    ).body as { id: string };
    await conform('POST', '/api/v1/groups', { body: { profile: {} } });
    await conform('GET', '/api/v1/groups?limit=2');
    await conform('GET', `/api/v1/groups/${group.id}`);
    await conform('GET', '/api/v1/groups/00gDoesNotExist00000');
    await conform('PUT', `/api/v1/groups/${group.id}`, {
      body: { profile: { name: `Renamed ${Date.now()}` } },
    });
    const [user] = (await h.call('GET', '/api/v1/users?limit=1')).body as { id: string }[];
    await conform('PUT', `/api/v1/groups/${group.id}/users/${user!.id}`);
    await conform('PUT', `/api/v1/groups/${group.id}/users/00uDoesNotExist00000`);
    await conform('GET', `/api/v1/groups/${group.id}/users`);
    await conform('DELETE', `/api/v1/groups/${group.id}/users/${user!.id}`);
    await conform('GET', '/api/v1/groups', { auth: TOKENS.usersOnly });
    await conform('DELETE', `/api/v1/groups/${group.id}`);
    await conform('DELETE', `/api/v1/groups/${group.id}`);
  });

  it('a 429 conforms to the spec’s rate-limit response', async () => {
    h.rateLimits.configure({ groups: 0 });
    const res = await conform('GET', '/api/v1/groups');
    expect(res.status).toBe(429);
    h.rateLimits.configure({ groups: 500 });
  });

  it('covers every operation the emulator serves', () => {
    expect(new Set(checked.map((c) => c.operationId))).toEqual(new Set(Object.keys(operationScopes)));
  });
});

describe('the validator itself', () => {
  it('fails a user whose status is not one of Okta’s', async () => {
    const [user] = (await h.call('GET', '/api/v1/users?limit=1')).body as Record<string, unknown>[];
    const result = spec.validateResponse({
      operationId: 'getUser',
      status: 200,
      body: { ...user, status: 'NOT_A_STATUS' },
    });
    expect(result.valid).toBe(false);
    expect(result.errors.join()).toContain('/status');
  });

  it('fails an error body whose errorCauses is not an array', () => {
    const result = spec.validateResponse({
      operationId: 'getUser',
      status: 404,
      body: { errorCode: 'E0000007', errorCauses: 'nope' },
    });
    expect(result.valid).toBe(false);
  });

  it('fails a status the operation does not declare for a success', () => {
    expect(spec.validateResponse({ operationId: 'deleteUser', status: 200, body: {} }).valid).toBe(false);
  });

  it('validates OAuth responses against oauth-minimal.yaml', () => {
    const oauth = openApiValidator(OAUTH_SPEC);
    expect(
      oauth.validateResponse({
        operationId: 'token',
        status: 400,
        body: { error: 'invalid_client', error_description: 'x' },
      }).valid,
    ).toBe(true);
    expect(
      oauth.validateResponse({
        operationId: 'token',
        status: 200,
        body: { access_token: 'a', expires_in: 'soon' },
      }).valid,
    ).toBe(false);
  });
});
