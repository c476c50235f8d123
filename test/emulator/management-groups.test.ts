import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, nextLink, startHarness, type Harness } from './management-harness.js';

type Group = {
  id: string;
  type: string;
  profile: { name: string; description?: string };
  lastMembershipUpdated: string;
};
type User = { id: string };
type ErrorBody = { errorCode: string; errorSummary: string; errorCauses: { errorSummary: string }[] };

let h: Harness;
let n = 0;
const name = () => `Team ${++n} ${Date.now()}`;
beforeAll(async () => {
  h = await startHarness({ users: 60 });
});
afterAll(async () => {
  await h.close();
});

async function createGroup(): Promise<Group> {
  const res = await h.call('POST', '/api/v1/groups', {
    body: { profile: { name: name(), description: 'A test team' } },
  });
  expect(res.status).toBe(200);
  return res.body as Group;
}
async function createUser(): Promise<User> {
  return (
    await h.call('POST', '/api/v1/users?activate=false', {
      body: newUser(`member${++n}.${Date.now()}@example.org`),
    })
  ).body as User;
}

describe('groups', () => {
  it('creates an OKTA_GROUP with an Okta-shaped id', async () => {
    const group = await createGroup();
    expect(group.id).toMatch(/^00g[A-Za-z0-9]{17}$/);
    expect(group.type).toBe('OKTA_GROUP');
  });

  it('refuses a group without a name with E0000001', async () => {
    const res = await h.call('POST', '/api/v1/groups', { body: { profile: { description: 'x' } } });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorSummary).toBe('Api validation failed: name');
  });

  it('refuses a second group with the same name', async () => {
    const group = await createGroup();
    const res = await h.call('POST', '/api/v1/groups', { body: { profile: { name: group.profile.name } } });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCauses[0]!.errorSummary).toContain('already exists');
  });

  it('gets, replaces and deletes a group', async () => {
    const group = await createGroup();
    expect(((await h.call('GET', `/api/v1/groups/${group.id}`)).body as Group).id).toBe(group.id);
    const replaced = await h.call('PUT', `/api/v1/groups/${group.id}`, {
      body: { profile: { name: `${group.profile.name} renamed` } },
    });
    expect((replaced.body as Group).profile).toEqual({ name: `${group.profile.name} renamed` });
    expect((await h.call('DELETE', `/api/v1/groups/${group.id}`)).status).toBe(204);
    const gone = await h.call('GET', `/api/v1/groups/${group.id}`);
    expect(gone.status).toBe(404);
    expect((gone.body as ErrorBody).errorCode).toBe('E0000007');
  });

  it('lists groups by name prefix with q', async () => {
    const items = (await h.call('GET', '/api/v1/groups?q=Eng')).body as Group[];
    expect(items.map((g) => g.profile.name)).toEqual(['Engineering']);
  });

  it('filters groups by type', async () => {
    const items = (await h.call('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`))
      .body as Group[];
    expect(items.map((g) => g.profile.name)).toEqual(['Everyone']);
  });

  it('searches groups by profile name', async () => {
    const items = (await h.call('GET', `/api/v1/groups?search=${encodeURIComponent('profile.name sw "Sa"')}`))
      .body as Group[];
    expect(items.map((g) => g.profile.name)).toEqual(['Sales']);
  });

  it('paginates groups with limit and after', async () => {
    const first = await h.call('GET', '/api/v1/groups?limit=3');
    expect((first.body as Group[]).length).toBe(3);
    const second = await h.call('GET', nextLink(first.headers)!);
    const ids = [...(first.body as Group[]), ...(second.body as Group[])].map((g) => g.id);
    expect(new Set(ids).size).toBe(6);
  });

  it('refuses to delete the built-in Everyone group', async () => {
    const [everyone] = (await h.call('GET', '/api/v1/groups?q=Everyone')).body as Group[];
    const res = await h.call('DELETE', `/api/v1/groups/${everyone!.id}`);
    expect(res.status).toBe(403);
    expect((res.body as ErrorBody).errorCode).toBe('E0000006');
  });
});

describe('group membership', () => {
  it('adds a user with 204, and adding again is still 204', async () => {
    const group = await createGroup();
    const user = await createUser();
    expect((await h.call('PUT', `/api/v1/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    expect((await h.call('PUT', `/api/v1/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    const members = (await h.call('GET', `/api/v1/groups/${group.id}/users`)).body as User[];
    expect(members.map((m) => m.id)).toEqual([user.id]);
  });

  it('removes a user with 204, and removing a non-member is still 204', async () => {
    const group = await createGroup();
    const user = await createUser();
    await h.call('PUT', `/api/v1/groups/${group.id}/users/${user.id}`);
    expect((await h.call('DELETE', `/api/v1/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    expect((await h.call('DELETE', `/api/v1/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    expect((await h.call('GET', `/api/v1/groups/${group.id}/users`)).body).toEqual([]);
  });

  it('updates lastMembershipUpdated when membership changes', async () => {
    const group = await createGroup();
    const user = await createUser();
    await new Promise((r) => setTimeout(r, 5));
    await h.call('PUT', `/api/v1/groups/${group.id}/users/${user.id}`);
    const after = (await h.call('GET', `/api/v1/groups/${group.id}`)).body as Group;
    expect(Date.parse(after.lastMembershipUpdated)).toBeGreaterThan(Date.parse(group.lastMembershipUpdated));
  });

  it('answers 404 E0000007 to removing a non-member in an org set to answer as Okta can', async () => {
    const strict = await startHarness({ users: 2, behaviour: { nonMemberRemoval: 'notFound' } });
    try {
      const [group] = (await strict.call('GET', '/api/v1/groups?q=Managers')).body as Group[];
      const [user] = (await strict.call('GET', '/api/v1/users?limit=1')).body as User[];
      const membership = `/api/v1/groups/${group!.id}/users/${user!.id}`;
      await strict.call('PUT', membership);
      expect((await strict.call('DELETE', membership)).status).toBe(204);
      const again = await strict.call('DELETE', membership);
      expect(again.status).toBe(404);
      expect((again.body as ErrorBody).errorCode).toBe('E0000007');
      expect((await strict.call('GET', `/api/v1/groups/${group!.id}/users`)).body).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('answers 404 E0000007 when the user does not exist', async () => {
    const group = await createGroup();
    const res = await h.call('PUT', `/api/v1/groups/${group.id}/users/00uDoesNotExist00000`);
    expect(res.status).toBe(404);
    expect((res.body as ErrorBody).errorCode).toBe('E0000007');
  });

  it('paginates the members of Everyone over every user exactly once', async () => {
    const [everyone] = (await h.call('GET', '/api/v1/groups?q=Everyone')).body as Group[];
    const ids: string[] = [];
    let url: string | undefined = `/api/v1/groups/${everyone!.id}/users?limit=7`;
    for (let i = 0; url && i < 100; i++) {
      const res = await h.call('GET', url);
      ids.push(...(res.body as User[]).map((u) => u.id));
      url = nextLink(res.headers);
    }
    expect(ids.length).toBe(h.store.counts().users);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
