import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationScopes } from '../../emulator/management/index.js';
import { seededSessionId } from '../../emulator/store.js';
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
    const temp = await conform(
      'POST',
      `/api/v1/users/${created.id}/lifecycle/expire_password_with_temp_password?revokeSessions=true`,
    );
    expect(temp.body).toEqual({ tempPassword: expect.any(String) });
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
    await conform('POST', `/api/v1/users/${created.id}/lifecycle/expire_password_with_temp_password`);
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

  it('factors and sessions operations conform, success and error', async () => {
    const signedIn = h.store.scanUsers(0, 1, (u) => u.status === 'ACTIVE' && u.lastLogin !== null).items[0]!;
    const session = seededSessionId(signedIn.id);
    const factors = await conform('GET', `/api/v1/users/${signedIn.id}/factors`);
    expect((factors.body as unknown[]).length).toBeGreaterThan(0);
    await conform('GET', '/api/v1/users/00uDoesNotExist00000/factors');
    await conform('GET', `/api/v1/sessions/${session}`);
    await conform('DELETE', `/api/v1/users/${signedIn.id}/sessions?oauthTokens=true`);
    // The spec declares getSession's 404 without a body; Okta sends its E0000007 error body, as here.
    const ended = await h.call('GET', `/api/v1/sessions/${session}`);
    expect(ended).toMatchObject({ status: 404, body: { errorCode: 'E0000007' } });
    expect(spec.validateSchema('Error', ended.body).valid).toBe(true);
    await conform('DELETE', '/api/v1/users/00uDoesNotExist00000/sessions');
    await conform('POST', `/api/v1/users/${signedIn.id}/lifecycle/reset_factors`);
    await conform('POST', `/api/v1/users/${signedIn.id}/lifecycle/deactivate`);
    await conform('POST', `/api/v1/users/${signedIn.id}/lifecycle/reset_factors`);
  });

  it('system log operations conform, success and error', async () => {
    const login = `contract.log.${Date.now()}@example.org`;
    const user = (await h.call('POST', '/api/v1/users?activate=false', { body: newUser(login) })).body as {
      id: string;
    };
    await h.call('POST', `/api/v1/users/${user.id}/lifecycle/activate`);
    const since = new Date(Date.now() - 60_000).toISOString();
    const logs = await conform('GET', `/api/v1/logs?since=${since}&limit=5`);
    expect((logs.body as { eventType: string }[]).map((e) => e.eventType)).toEqual(
      expect.arrayContaining(['user.lifecycle.create', 'user.lifecycle.activate']),
    );
    await conform('GET', `/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${user.id}"`)}`);
    await conform('GET', '/api/v1/logs?sortOrder=DESCENDING&q=activate');
    await conform('GET', '/api/v1/logs?since=yesterday');
    await conform('GET', '/api/v1/logs', { auth: TOKENS.manage });
  });

  it('event hook operations conform, success and error', async () => {
    const hook = (
      await conform('POST', '/api/v1/eventHooks', {
        body: {
          name: 'Contract hook',
          events: { type: 'EVENT_TYPE', items: ['user.lifecycle.deactivate'] },
          channel: { type: 'HTTP', version: '1.0.0', config: { uri: 'http://127.0.0.1:9/none' } },
        },
      })
    ).body as { id: string };
    await conform('POST', '/api/v1/eventHooks', { body: { name: '' } });
    await conform('GET', '/api/v1/eventHooks');
    await conform('GET', `/api/v1/eventHooks/${hook.id}`);
    await conform('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`);
    await conform('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/activate`);
    await conform('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
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
