import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserStatus } from 'temporal-okta-emulator/store';
import { ORG_ORIGIN, TOKENS, newUser, startHarness, type Harness } from './management-harness.js';

type UserBody = {
  id: string;
  status: string;
  profile: Record<string, unknown>;
  credentials: Record<string, unknown>;
  _links: Record<string, { href: string }>;
};
type ErrorBody = {
  errorCode: string;
  errorSummary: string;
  errorCauses: { errorSummary: string }[];
  errorId: string;
  errorLink: string;
};

let h: Harness;
let counter = 0;
const uniqueLogin = () => `user${++counter}.${Date.now()}@example.org`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function createUser(query: string, password?: string): Promise<UserBody> {
  const res = await h.call('POST', `/api/v1/users${query}`, { body: newUser(uniqueLogin(), password) });
  expect(res.status).toBe(200);
  return res.body as UserBody;
}

describe('creating users', () => {
  it('creates a STAGED user when activate=false', async () => {
    expect((await createUser('?activate=false', 'Passw0rd!long')).status).toBe('STAGED');
  });

  it('creates an ACTIVE user when activated with a password', async () => {
    expect((await createUser('?activate=true', 'Passw0rd!long')).status).toBe('ACTIVE');
  });

  it('creates a PROVISIONED user when activated without a password', async () => {
    expect((await createUser('?activate=true')).status).toBe('PROVISIONED');
  });

  it('activates by default, as Okta does', async () => {
    expect((await createUser('', 'Passw0rd!long')).status).toBe('ACTIVE');
  });

  it('returns an Okta-shaped user id, an absolute self link and no password value', async () => {
    const user = await createUser('?activate=true', 'Passw0rd!long');
    expect(user.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(user._links.self!.href).toBe(`${ORG_ORIGIN}/api/v1/users/${user.id}`);
    expect(user.credentials).toEqual({ password: {}, provider: { type: 'OKTA', name: 'OKTA' } });
    expect(JSON.stringify(user)).not.toContain('Passw0rd!long');
  });

  it('refuses a second user with the same login, case-insensitively, with E0000001 and errorCauses', async () => {
    const login = uniqueLogin();
    expect((await h.call('POST', '/api/v1/users', { body: newUser(login) })).status).toBe(200);
    const res = await h.call('POST', '/api/v1/users', { body: newUser(login.toUpperCase()) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: login',
      errorLink: 'E0000001',
      errorCauses: [
        { errorSummary: 'login: An object with this field already exists in the current organization' },
      ],
    });
    expect((res.body as ErrorBody).errorId).toMatch(/^oae/);
  });

  it('refuses a profile without its required attributes with E0000001 and one cause each', async () => {
    const res = await h.call('POST', '/api/v1/users', { body: { profile: { login: uniqueLogin() } } });
    expect(res.status).toBe(400);
    const body = res.body as ErrorBody;
    expect(body.errorCode).toBe('E0000001');
    expect(body.errorCauses.map((c) => c.errorSummary)).toEqual([
      'email: The field cannot be left blank',
      'firstName: The field cannot be left blank',
      'lastName: The field cannot be left blank',
    ]);
  });

  it('refuses a body that is not JSON with E0000003', async () => {
    const res = await h.call('POST', '/api/v1/users', { rawBody: '{"profile": ' });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000003');
  });

  it('refuses a password shorter than the policy allows without echoing it', async () => {
    const res = await h.call('POST', '/api/v1/users', { body: newUser(uniqueLogin(), 'short') });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorSummary).toBe('Api validation failed: password');
    expect(JSON.stringify(res.body)).not.toContain('"short"');
  });
});

describe('creating users in groups (groupIds)', () => {
  const newGroup = () => h.store.createGroup({ name: `Hires ${++counter} ${Date.now()}`, description: null });
  const memberLogins = (groupId: string) =>
    h.store.scanGroupMembers(groupId, 0, 100).items.map((u) => u.profile.login);

  it('creates the user as a member of every group listed, in the same request', async () => {
    const [a, b] = [newGroup(), newGroup()];
    const login = uniqueLogin();

    const res = await h.call('POST', '/api/v1/users?activate=true', {
      body: { ...newUser(login), groupIds: [a.id, b.id] },
    });

    expect(res.status).toBe(200);
    expect(memberLogins(a.id)).toEqual([login]);
    expect(memberLogins(b.id)).toEqual([login]);
  });

  it('refuses an unknown group id with 400 E0000001 naming it, and creates no user', async () => {
    const known = newGroup();
    const login = uniqueLogin();

    const res = await h.call('POST', '/api/v1/users', {
      body: { ...newUser(login), groupIds: [known.id, '00gDoesNotExist00000'] },
    });

    expect(res.status).toBe(400);
    const body = res.body as ErrorBody;
    expect(body.errorCode).toBe('E0000001');
    expect(body.errorCauses[0]!.errorSummary).toContain('00gDoesNotExist00000');
    expect(h.store.getUser(login)).toBeUndefined();
    expect(memberLogins(known.id)).toEqual([]);
  });

  it('refuses the built-in Everyone group, which is not an OKTA_GROUP, and creates no user', async () => {
    const everyone = h.store.scanGroups(0, 100, (g) => g.type === 'BUILT_IN').items[0]!;
    const login = uniqueLogin();

    const res = await h.call('POST', '/api/v1/users', {
      body: { ...newUser(login), groupIds: [everyone.id] },
    });

    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000001');
    expect(h.store.getUser(login)).toBeUndefined();
  });

  it('refuses more than 20 group ids with E0000093, as Okta limits a create', async () => {
    const ids = Array.from({ length: 21 }, () => newGroup().id);
    const login = uniqueLogin();

    const res = await h.call('POST', '/api/v1/users', { body: { ...newUser(login), groupIds: ids } });

    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000093');
    expect(h.store.getUser(login)).toBeUndefined();
  });
});

describe('reading and updating users', () => {
  it('gets a user by id and by login', async () => {
    const user = await createUser('?activate=false');
    const byId = await h.call('GET', `/api/v1/users/${user.id}`);
    const byLogin = await h.call('GET', `/api/v1/users/${encodeURIComponent(user.profile.login as string)}`);
    expect((byId.body as UserBody).id).toBe(user.id);
    expect((byLogin.body as UserBody).id).toBe(user.id);
  });

  it('answers 404 E0000007 for an unknown user', async () => {
    const res = await h.call('GET', '/api/v1/users/00uDoesNotExist00000');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: 00uDoesNotExist00000 (User)',
    });
  });

  it('merges a partial update (POST) into the profile', async () => {
    const user = await createUser('?activate=false');
    const res = await h.call('POST', `/api/v1/users/${user.id}`, {
      body: { profile: { title: 'Engineer' } },
    });
    expect(res.status).toBe(200);
    expect((res.body as UserBody).profile).toEqual({ ...user.profile, title: 'Engineer' });
  });

  it('replaces the whole profile on PUT', async () => {
    const user = await createUser('?activate=false');
    const profile = {
      login: user.profile.login,
      email: user.profile.email,
      firstName: 'New',
      lastName: 'Name',
    };
    const res = await h.call('PUT', `/api/v1/users/${user.id}`, { body: { profile } });
    expect((res.body as UserBody).profile).toEqual(profile);
  });

  it('refuses a PUT that drops a required attribute', async () => {
    const user = await createUser('?activate=false');
    const res = await h.call('PUT', `/api/v1/users/${user.id}`, {
      body: { profile: { login: user.profile.login } },
    });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000001');
  });

  it('refuses an update to a login another user holds', async () => {
    const a = await createUser('?activate=false');
    const b = await createUser('?activate=false');
    const res = await h.call('POST', `/api/v1/users/${b.id}`, {
      body: { profile: { login: a.profile.login } },
    });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorSummary).toBe('Api validation failed: login');
  });

  it("lists a user's groups, which include the built-in Everyone group", async () => {
    const user = await createUser('?activate=false');
    const res = await h.call('GET', `/api/v1/users/${user.id}/groups`);
    expect(
      (res.body as { profile: { name: string }; type: string }[]).map((g) => [g.profile.name, g.type]),
    ).toEqual([['Everyone', 'BUILT_IN']]);
  });
});

describe('deleting users', () => {
  it('deactivates a user on the first DELETE and deletes it on the second', async () => {
    const user = await createUser('?activate=true', 'Passw0rd!long');
    expect((await h.call('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204);
    expect(((await h.call('GET', `/api/v1/users/${user.id}`)).body as UserBody).status).toBe('DEPROVISIONED');
    expect((await h.call('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204);
    const gone = await h.call('GET', `/api/v1/users/${user.id}`);
    expect(gone.status).toBe(404);
    expect((gone.body as ErrorBody).errorCode).toBe('E0000007');
  });

  it('answers 404 E0000007 when deleting a user that does not exist', async () => {
    const res = await h.call('DELETE', '/api/v1/users/00uDoesNotExist00000');
    expect(res.status).toBe(404);
  });
});

describe('authorisation', () => {
  it('answers 401 E0000011 with WWW-Authenticate for an invalid token', async () => {
    const res = await h.call('GET', '/api/v1/users', { auth: 'Bearer not-a-token' });
    expect(res.status).toBe(401);
    expect((res.body as ErrorBody).errorCode).toBe('E0000011');
    expect(res.headers['www-authenticate']).toContain('invalid_token');
  });

  it('answers 403 E0000006 when the token lacks the operation scope', async () => {
    const res = await h.call('POST', '/api/v1/users', {
      auth: TOKENS.readOnly,
      body: newUser(uniqueLogin()),
    });
    expect(res.status).toBe(403);
    expect((res.body as ErrorBody).errorCode).toBe('E0000006');
    expect(res.headers['www-authenticate']).toContain('scope="okta.users.manage"');
  });

  it('lets a manage scope read as well', async () => {
    expect((await h.call('GET', '/api/v1/users?limit=1', { auth: TOKENS.usersOnly })).status).toBe(200);
  });

  it('refuses group reads to a token with only user scopes', async () => {
    const res = await h.call('GET', '/api/v1/groups', { auth: TOKENS.usersOnly });
    expect(res.status).toBe(403);
    expect((res.body as ErrorBody).errorCode).toBe('E0000006');
  });

  it('answers an unknown API path with 404 E0000007 in Okta’s error shape', async () => {
    const res = await h.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errorCode: 'E0000007', errorLink: 'E0000007', errorCauses: [] });
  });
});

// ---- lifecycle: every action from every status ------------------------------------------------

const STATUSES: UserStatus[] = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
];
type Outcome = { to: UserStatus } | { status: number; code: string };
const refusedBy403 = { status: 403, code: 'E0000038' };
const rules: Record<string, (from: UserStatus) => Outcome> = {
  activate: (s) =>
    s === 'STAGED' || s === 'DEPROVISIONED' ? { to: 'ACTIVE' } : { status: 403, code: 'E0000016' },
  reactivate: (s) => (s === 'PROVISIONED' || s === 'RECOVERY' ? { to: 'PROVISIONED' } : refusedBy403),
  deactivate: (s) => (s !== 'DEPROVISIONED' ? { to: 'DEPROVISIONED' } : refusedBy403),
  suspend: (s) => (s === 'ACTIVE' ? { to: 'SUSPENDED' } : { status: 400, code: 'E0000001' }),
  unsuspend: (s) => (s === 'SUSPENDED' ? { to: 'ACTIVE' } : { status: 400, code: 'E0000001' }),
  unlock: (s) => (s === 'LOCKED_OUT' || s === 'ACTIVE' ? { to: 'ACTIVE' } : refusedBy403),
  reset_password: (s) =>
    ['STAGED', 'SUSPENDED', 'DEPROVISIONED'].includes(s) ? refusedBy403 : { to: 'RECOVERY' },
  expire_password: (s) =>
    s === 'ACTIVE' || s === 'PASSWORD_EXPIRED' ? { to: 'PASSWORD_EXPIRED' } : refusedBy403,
};
const cases = Object.entries(rules).flatMap(([action, rule]) =>
  STATUSES.map((from) => {
    const outcome = rule(from);
    return {
      action,
      from,
      outcome,
      expectation:
        'to' in outcome ? `moves it to ${outcome.to}` : `is refused with ${outcome.status} ${outcome.code}`,
    };
  }),
);

describe('lifecycle transitions', () => {
  it.each(cases)(
    '$action on a $from user (with a password) $expectation',
    async ({ action, from, outcome }) => {
      const user = await createUser('?activate=true', 'Passw0rd!long');
      h.store.updateUser(user.id, { status: from });
      const res = await h.call('POST', `/api/v1/users/${user.id}/lifecycle/${action}?sendEmail=false`);
      const after = (await h.call('GET', `/api/v1/users/${user.id}`)).body as UserBody;
      if ('to' in outcome) {
        expect(res.status).toBe(200);
        expect(after.status).toBe(outcome.to);
      } else {
        expect(res.status).toBe(outcome.status);
        expect((res.body as ErrorBody).errorCode).toBe(outcome.code);
        expect(after.status).toBe(from);
      }
    },
  );

  it('activates a STAGED user without a password to PROVISIONED', async () => {
    const user = await createUser('?activate=false');
    await h.call('POST', `/api/v1/users/${user.id}/lifecycle/activate`);
    expect(((await h.call('GET', `/api/v1/users/${user.id}`)).body as UserBody).status).toBe('PROVISIONED');
  });

  it('returns an activation link on the org domain when sendEmail=false', async () => {
    const user = await createUser('?activate=false');
    const res = await h.call('POST', `/api/v1/users/${user.id}/lifecycle/activate?sendEmail=false`);
    expect((res.body as { activationUrl: string }).activationUrl).toMatch(
      new RegExp(`^${ORG_ORIGIN}/tokens/[\\w-]+/verify$`),
    );
  });

  it('says why activating an ACTIVE user fails', async () => {
    const user = await createUser('?activate=true', 'Passw0rd!long');
    const res = await h.call('POST', `/api/v1/users/${user.id}/lifecycle/activate`);
    expect((res.body as ErrorBody).errorSummary).toBe('Activation failed because the user is already active');
  });

  it('answers 404 E0000007 for a lifecycle action on an unknown user', async () => {
    const res = await h.call('POST', '/api/v1/users/00uDoesNotExist00000/lifecycle/suspend');
    expect(res.status).toBe(404);
    expect((res.body as ErrorBody).errorCode).toBe('E0000007');
  });
});
