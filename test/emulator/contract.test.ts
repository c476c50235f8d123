import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationScopes } from 'temporal-okta-emulator/management/index';
import { seededSessionId } from 'temporal-okta-emulator/store';
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

/**
 * Like {@link conform}, for the role operations, whose answers are a `oneOf` StandardRole or CustomRole
 * chosen by the `type` discriminator. The validator does not apply discriminators and every role body
 * fits both loose schemas, so the status must be one the operation declares and the body is checked
 * against the schema the discriminator picks for a standard role type: `StandardRole`, or `Error`.
 */
async function conformRole(
  method: string,
  path: string,
  options: Parameters<Harness['call']>[2] = {},
): Promise<ApiResponse> {
  const res = await h.call(method, path, options);
  const operation = spec.operation({ method, path: new URL(path, 'https://x').pathname });
  expect(Object.keys(operation.responses), `${operation.operationId} ${res.status}`).toContain(
    String(res.status),
  );
  if (res.status === 204) expect(res.body).toBeUndefined();
  else {
    const schema = res.status < 300 ? 'StandardRole' : 'Error';
    for (const item of Array.isArray(res.body) ? res.body : [res.body]) {
      const result = spec.validateSchema(schema, item);
      expect(result.errors, `${operation.operationId} ${res.status}`).toEqual([]);
    }
  }
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

  it('apps operations conform, success and error', async () => {
    const apps = await conform('GET', '/api/v1/apps?limit=2');
    expect((apps.body as unknown[]).length).toBe(2);
    const [bookmark] = (await conform('GET', '/api/v1/apps?q=intra')).body as { id: string }[];
    const [saml] = (await conform('GET', '/api/v1/apps?q=Sales')).body as { id: string }[];
    await conform('GET', `/api/v1/apps?filter=${encodeURIComponent('status eq "ACTIVE"')}`);
    await conform('GET', `/api/v1/apps/${bookmark!.id}`);
    await conform('GET', `/api/v1/apps/${saml!.id}`);
    await conform('GET', '/api/v1/apps/0oaDoesNotExist000000');
    await conform('GET', '/api/v1/apps', { auth: TOKENS.readOnly });
    const [user] = (await h.call('GET', '/api/v1/users?limit=1')).body as { id: string }[];
    const group = (
      await h.call('POST', '/api/v1/groups', { body: { profile: { name: `Apps ${Date.now()}` } } })
    ).body as { id: string };
    const assigned = await conform('POST', `/api/v1/apps/${saml!.id}/users`, {
      body: { id: user!.id, scope: 'USER', profile: { role: 'Analyst' } },
    });
    expect(assigned).toMatchObject({ status: 200, body: { id: user!.id, scope: 'USER' } });
    await conform('POST', `/api/v1/apps/${saml!.id}/users`, { body: { id: '00uDoesNotExist00000' } });
    await conform('POST', `/api/v1/apps/${saml!.id}/users`, { body: { profile: {} } });
    await conform('GET', `/api/v1/apps/${saml!.id}/users/${user!.id}`);
    await conform('GET', `/api/v1/apps/${saml!.id}/users?limit=1`);
    const links = await conform('GET', `/api/v1/users/${user!.id}/appLinks`);
    expect((links.body as { appInstanceId: string }[]).map((l) => l.appInstanceId)).toContain(saml!.id);
    await conform('GET', '/api/v1/users/00uDoesNotExist00000/appLinks');
    expect((await conform('DELETE', `/api/v1/apps/${saml!.id}/users/${user!.id}`)).status).toBe(204);
    expect((await conform('DELETE', `/api/v1/apps/${saml!.id}/users/${user!.id}`)).status).toBe(404);
    await conform('GET', `/api/v1/apps/${saml!.id}/users/${user!.id}`);
    const put = await conform('PUT', `/api/v1/apps/${saml!.id}/groups/${group.id}`, {
      body: { priority: 3 },
    });
    expect(put).toMatchObject({ status: 200, body: { id: group.id, priority: 3 } });
    await conform('PUT', `/api/v1/apps/${saml!.id}/groups/00gDoesNotExist00000`, { body: {} });
    await conform('PUT', `/api/v1/apps/${saml!.id}/groups/${group.id}`, { body: { priority: -1 } });
    await conform('GET', `/api/v1/apps/${saml!.id}/groups/${group.id}`);
    await conform('GET', `/api/v1/apps/${saml!.id}/groups?limit=1`);
    await conform('DELETE', `/api/v1/apps/${saml!.id}/groups/${group.id}`);
    await conform('DELETE', `/api/v1/apps/${saml!.id}/groups/${group.id}`);
  });

  it('group rules operations conform, success and error', async () => {
    const group = (
      await h.call('POST', '/api/v1/groups', { body: { profile: { name: `Ruled ${Date.now()}` } } })
    ).body as { id: string };
    const request = (name: string, groupIds: string[] = [group.id]) => ({
      type: 'group_rule',
      name,
      conditions: { expression: { type: 'urn:okta:expression:1.0', value: 'user.department=="Sales"' } },
      actions: { assignUserToGroups: { groupIds } },
    });
    const name = `Sales ${Date.now()}`;
    const created = await conform('POST', '/api/v1/groups/rules', { body: request(name) });
    expect(created).toMatchObject({ status: 200, body: { status: 'INACTIVE', name } });
    const id = (created.body as { id: string }).id;
    await conform('POST', '/api/v1/groups/rules', { body: request(name) });
    await conform('POST', '/api/v1/groups/rules', { body: request('x', ['00gDoesNotExist00000']) });
    await conform('GET', '/api/v1/groups/rules?limit=1');
    await conform('GET', `/api/v1/groups/rules?search=${encodeURIComponent(name)}`);
    await conform('GET', `/api/v1/groups/rules/${id}`);
    await conform('GET', '/api/v1/groups/rules/0prDoesNotExist00000');
    await conform('GET', '/api/v1/groups/rules', { auth: TOKENS.usersOnly });
    await conform('POST', `/api/v1/groups/rules/${id}/lifecycle/activate`);
    await conform('POST', `/api/v1/groups/rules/${id}/lifecycle/activate`);
    expect((await h.call('GET', `/api/v1/groups/rules/${id}`)).body).toMatchObject({ status: 'ACTIVE' });
    // The spec declares no refusal for deleting an ACTIVE rule; the emulator's is Okta's error body.
    const refused = await h.call('DELETE', `/api/v1/groups/rules/${id}`);
    expect(refused).toMatchObject({ status: 400, body: { errorCode: 'E0000001' } });
    expect(spec.validateSchema('Error', refused.body).valid).toBe(true);
    await conform('POST', `/api/v1/groups/rules/${id}/lifecycle/deactivate`);
    await conform('POST', '/api/v1/groups/rules/0prDoesNotExist00000/lifecycle/deactivate');
    expect((await conform('DELETE', `/api/v1/groups/rules/${id}`)).status).toBe(202);
    await conform('DELETE', `/api/v1/groups/rules/${id}`);
  });

  it('admin roles operations conform, success and error', async () => {
    const [user] = (await h.call('GET', '/api/v1/users?limit=1')).body as { id: string }[];
    const group = (
      await h.call('POST', '/api/v1/groups', { body: { profile: { name: `Admins ${Date.now()}` } } })
    ).body as { id: string };
    const users = `/api/v1/users/${user!.id}/roles`;
    const groups = `/api/v1/groups/${group.id}/roles`;
    const mine = await conformRole('POST', users, { body: { type: 'USER_ADMIN' } });
    expect(mine).toMatchObject({ status: 201, body: { type: 'USER_ADMIN', assignmentType: 'USER' } });
    await conformRole('POST', users, { body: { type: 'NOT_A_ROLE' } });
    await conformRole('POST', '/api/v1/users/00uDoesNotExist00000/roles', { body: { type: 'USER_ADMIN' } });
    const theirs = await conformRole('POST', groups, { body: { type: 'READ_ONLY_ADMIN' } });
    expect(theirs).toMatchObject({ status: 201, body: { assignmentType: 'GROUP' } });
    await h.call('PUT', `/api/v1/groups/${group.id}/users/${user!.id}`);
    const listed = await conformRole('GET', users);
    expect((listed.body as { type: string }[]).map((r) => r.type)).toEqual(['USER_ADMIN', 'READ_ONLY_ADMIN']);
    await conformRole('GET', groups);
    await conformRole('GET', users, { auth: TOKENS.manage });
    const id = (mine.body as { id: string }).id;
    await conformRole('GET', `${users}/${id}`);
    await conformRole('GET', `${groups}/${(theirs.body as { id: string }).id}`);
    // The spec declares no 409 for a duplicate assignment; Okta answers one (E0000090), and so does the emulator.
    const duplicate = await h.call('POST', users, { body: { type: 'USER_ADMIN' } });
    expect(duplicate).toMatchObject({ status: 409, body: { errorCode: 'E0000090' } });
    expect(spec.validateSchema('Error', duplicate.body).valid).toBe(true);
    expect((await conformRole('DELETE', `${users}/${id}`)).status).toBe(204);
    await conformRole('DELETE', `${users}/${id}`);
    await conformRole('GET', `${users}/${id}`);
    await conformRole('DELETE', `${groups}/${(theirs.body as { id: string }).id}`);
    await conformRole('GET', `${groups}/${(theirs.body as { id: string }).id}`);
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
