import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeleteResult, ListResult, OktaGroup, Page, RawResponse } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { actInSequence } from './workflows.js';
import { OktaErrorType } from '../../common/errors.js';
import { activityFailureOf, newProfile, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 60 });
});
afterAll(async () => {
  await h?.close();
});

const newGroup = (name: string) =>
  h.run<OktaGroup>('groups.create', {
    profile: { name: `${name} ${Math.random().toString(36).slice(2, 8)}` },
  });
const newUser = () => h.run<OktaUser>('users.create', { profile: newProfile('member') });
const memberIds = async (group: string) =>
  (await h.run<ListResult<OktaUser>>('groups.members', { group })).items.map((u) => u.id);

describe('okta.groups on the happy path', () => {
  it('creates a group and gets it by id', async () => {
    const created = await h.run<OktaGroup>('groups.create', {
      profile: { name: `Contractors EU ${Date.now()}`, description: 'External staff' },
    });
    expect(created).toMatchObject({ type: 'OKTA_GROUP', profile: { description: 'External staff' } });
    expect(created).not.toHaveProperty('_links');
    expect(await h.run<OktaGroup>('groups.get', { group: created.id })).toEqual(created);
  });

  it('returns the existing group when a retried create finds its name taken with the same profile', async () => {
    const profile = { name: `Retried ${Date.now()}`, description: 'Made by an earlier attempt' };
    const earlier = await h.direct('POST', '/api/v1/groups', { profile });
    const group = await h.run<OktaGroup>('groups.create', { profile });
    expect(group.id).toBe((earlier.body as { id: string }).id);
  });

  it('lists groups with a q prefix search', async () => {
    const group = await newGroup('Prefix');
    const result = await h.run<ListResult<OktaGroup>>('groups.list', { q: group.profile.name });
    expect(result).toEqual({ items: [group], truncated: false });
  });

  it('lists groups with a search expression', async () => {
    const group = await newGroup('Searched');
    const result = await h.run<ListResult<OktaGroup>>('groups.list', {
      search: `profile.name eq "${group.profile.name}"`,
    });
    expect(result.items.map((g) => g.id)).toEqual([group.id]);
  });

  it('lists groups page by page with a cursor', async () => {
    const first = await h.run<Page<OktaGroup>>('groups.listPage', { pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.cursor).toMatch(/^https:\/\/companyabc\.okta\.com\/api\/v1\/groups\?/);
    const second = await h.run<Page<OktaGroup>>('groups.listPage', { pageSize: 2, cursor: first.cursor });
    expect(second.items).toHaveLength(2);
    expect(second.items.map((g) => g.id)).not.toContain(first.items[0]!.id);
  });

  it('updates a group profile', async () => {
    const group = await newGroup('Rename me');
    const name = `Renamed ${Date.now()}`;
    const updated = await h.run<OktaGroup>('groups.update', { group: group.id, profile: { name } });
    expect(updated.profile.name).toBe(name);
    expect((await h.direct('GET', `/api/v1/groups/${group.id}`)).body).toMatchObject({ profile: { name } });
  });

  it('deletes a group, and deleting it again is a success', async () => {
    const group = await newGroup('Delete me');
    const results = await h.execute<DeleteResult[]>(actInSequence.name, [
      h.session,
      [
        { name: 'groups.delete', options: { group: group.id } },
        { name: 'groups.delete', options: { group: group.id } },
      ],
    ]);
    expect(results).toEqual([{ outcome: 'deleted' }, { outcome: 'alreadyDeleted' }]);
    expect((await h.direct('GET', `/api/v1/groups/${group.id}`)).status).toBe(404);
  });
});

describe('okta.groups membership', () => {
  it('adds a user by id and lists them as a member', async () => {
    const [group, user] = await Promise.all([newGroup('Members'), newUser()]);
    await h.run('groups.addUser', { group: group.id, user: user.id });
    expect(await memberIds(group.id)).toEqual([user.id]);
  });

  it('adds a user by login', async () => {
    const [group, user] = await Promise.all([newGroup('By login'), newUser()]);
    await h.run('groups.addUser', { group: group.id, user: user.profile.login });
    expect(await memberIds(group.id)).toEqual([user.id]);
  });

  it('treats adding a member twice as a success', async () => {
    const [group, user] = await Promise.all([newGroup('Twice'), newUser()]);
    const add = { name: 'groups.addUser', options: { group: group.id, user: user.id } };
    await h.execute(actInSequence.name, [h.session, [add, add]]);
    expect(await memberIds(group.id)).toEqual([user.id]);
  });

  it('removes a member, and removing them again is a success', async () => {
    const [group, user] = await Promise.all([newGroup('Remove'), newUser()]);
    const remove = { name: 'groups.removeUser', options: { group: group.id, user: user.id } };
    await h.execute(actInSequence.name, [
      h.session,
      [{ name: 'groups.addUser', options: { group: group.id, user: user.id } }, remove, remove],
    ]);
    expect(await memberIds(group.id)).toEqual([]);
  });

  it('lists members page by page with a cursor', async () => {
    const group = await newGroup('Paged members');
    const users = await Promise.all([newUser(), newUser(), newUser()]);
    for (const u of users) await h.run('groups.addUser', { group: group.id, user: u.id });
    const first = await h.run<Page<OktaUser>>('groups.membersPage', { group: group.id, pageSize: 2 });
    const second = await h.run<Page<OktaUser>>('groups.membersPage', {
      group: group.id,
      pageSize: 2,
      cursor: first.cursor,
    });
    expect([...first.items, ...second.items].map((u) => u.id).sort()).toEqual(users.map((u) => u.id).sort());
    expect(second.cursor).toBeUndefined();
  });
});

describe('okta.groups membership when Okta answers 404 to removing a non-member', () => {
  let strict: ActionsHarness;
  beforeAll(async () => {
    strict = await startActionsHarness({ seedUsers: 2, emulator: { nonMemberRemoval: 'notFound' } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  const groupAndUser = async () => {
    const group = await strict.run<OktaGroup>('groups.create', {
      profile: { name: `Strict ${Math.random().toString(36).slice(2, 8)}` },
    });
    const user = await strict.run<OktaUser>('users.create', { profile: newProfile('strict') });
    return { group, user };
  };
  const removals = async (groupId: string, userId: string) =>
    (await strict.t.controls.requests()).requests
      .filter((r) => r.method === 'DELETE' && r.path === `/api/v1/groups/${groupId}/users/${userId}`)
      .map((r) => r.status);

  it('treats a removal that Okta answers with 404, because the user is no longer a member, as done', async () => {
    const { group, user } = await groupAndUser();
    const remove = { name: 'groups.removeUser', options: { group: group.id, user: user.id } };
    await strict.execute(actInSequence.name, [
      strict.session,
      [{ name: 'groups.addUser', options: { group: group.id, user: user.id } }, remove, remove],
    ]);
    expect(await removals(group.id, user.id)).toEqual([204, 404]);
    expect((await strict.direct('GET', `/api/v1/groups/${group.id}/users`)).body).toEqual([]);
  });

  it('still fails with OktaNotFound when the group does not exist', async () => {
    const { user } = await groupAndUser();
    const failure = await activityFailureOf(
      strict.run('groups.removeUser', { group: '00gDoesNotExist00000', user: user.id }),
    );
    expect(failure.type).toBe(OktaErrorType.OktaNotFound);
  });

  it('still fails with OktaNotFound when the user does not exist', async () => {
    const { group } = await groupAndUser();
    const failure = await activityFailureOf(
      strict.run('groups.removeUser', { group: group.id, user: '00uDoesNotExist00000' }),
    );
    expect(failure.type).toBe(OktaErrorType.OktaNotFound);
  });
});

describe('okta.request', () => {
  it('calls any Management API path with the session and returns status, body and cursor', async () => {
    const res = await h.run<RawResponse>('request', {
      method: 'GET',
      path: '/api/v1/users',
      query: { limit: '2' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.cursor).toMatch(/^https:\/\/companyabc\.okta\.com\/api\/v1\/users\?.*after=/);
  });

  it('sends a body and answers 204 without one', async () => {
    const [group, user] = await Promise.all([newGroup('Raw'), newUser()]);
    const res = await h.run<RawResponse>('request', {
      method: 'PUT',
      path: `/api/v1/groups/${group.id}/users/${user.id}`,
    });
    expect(res).toEqual({ status: 204, body: null });
    expect(await memberIds(group.id)).toEqual([user.id]);
  });
});

describe('okta.groups.findByName', () => {
  const groupSearches = async () =>
    (await h.t.controls.requests()).requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/groups');

  it('finds a group by its exact name written in another case, in one call', async () => {
    const group = await newGroup('Finance EMEA');
    await h.t.controls.clearRequests();
    const found = await h.run<OktaGroup>('groups.findByName', { name: group.profile.name.toUpperCase() });
    expect(found).toEqual(group);
    expect(await groupSearches()).toHaveLength(1);
  });

  it('finds a group whose name holds quotes and backslashes', async () => {
    const name = `R&D "Core" \\ ${Math.random().toString(36).slice(2, 8)}`;
    const group = await h.run<OktaGroup>('groups.create', { profile: { name } });
    expect((await h.run<OktaGroup>('groups.findByName', { name })).id).toBe(group.id);
  });

  it('fails with OktaNotFound when only a longer name starts with the given one', async () => {
    const group = await newGroup('Ops Team');
    const prefix = group.profile.name.slice(0, -2);
    const failure = await activityFailureOf(h.run('groups.findByName', { name: prefix }));
    expect(failure.type).toBe('OktaNotFound');
    expect(failure.message).toContain(prefix);
  });

  it('fails with OktaConflict naming the ids when Okta returns several groups of that name', async () => {
    const [a, b] = [await newGroup('Twin'), await newGroup('Twin')];
    // Okta lets an app group imported from a directory share an Okta group's name; the emulator refuses
    // duplicate names, so the two groups come back from a scripted answer to the one search.
    const twin = (g: OktaGroup) => ({ ...g, profile: { ...g.profile, name: 'Twins' } });
    await h.t.controls.addFault({
      pathPrefix: '/api/v1/groups',
      method: 'GET',
      status: 200,
      body: [twin(a), twin(b)],
      count: 1,
    });
    const failure = await activityFailureOf(h.run('groups.findByName', { name: 'twins' }));
    expect(failure.type).toBe('OktaConflict');
    expect(failure.message).toContain(`${a.id}, ${b.id}`);
    expect(failure.details?.[0]).toEqual({ groupIds: [a.id, b.id] });
  });
});
