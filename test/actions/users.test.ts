import type { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeleteResult, ListResult } from '../../common/actions.js';
import type { OktaGroup } from '../../common/actions.js';
import type { OktaCreatedUser, OktaUser } from '../../common/contract.js';
import { act, actInSequence } from './workflows.js';
import { newProfile, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 60 });
});
afterAll(async () => {
  await h?.close();
});

const createUser = (tag: string, options: Record<string, unknown> = {}) =>
  h.run<OktaUser>('users.create', { profile: newProfile(tag), ...options });

/** The lifecycle requests for one user that reached the org, from the emulator's request log. */
const lifecycleCalls = async (userId: string, operation: string) =>
  (await h.t.controls.requests()).requests
    .filter((r) => r.path === `/api/v1/users/${userId}/lifecycle/${operation}`)
    .map(({ method, status }) => ({ method, status }));

describe('okta.users on the happy path', () => {
  it('creates an activated user with a password as ACTIVE', async () => {
    const user = await createUser('active', { password: 'correct-horse-1' });
    expect(user.status).toBe('ACTIVE');
    expect(user).not.toHaveProperty('credentials');
    expect((await h.direct('GET', `/api/v1/users/${user.id}`)).body).toMatchObject({ status: 'ACTIVE' });
  });

  it('creates an activated user without a password as PROVISIONED', async () => {
    expect((await createUser('provisioned')).status).toBe('PROVISIONED');
  });

  it('creates a user without activation as STAGED', async () => {
    expect((await createUser('staged', { activate: false })).status).toBe('STAGED');
  });

  it('gets a user by id and by login', async () => {
    const created = await createUser('get');
    const byId = await h.run<OktaUser>('users.get', { user: created.id });
    const byLogin = await h.run<OktaUser>('users.get', { user: created.profile.login });
    expect(byId).toEqual(created);
    expect(byLogin.id).toBe(created.id);
    expect(byId).not.toHaveProperty('_links');
  });

  it('updates part of a profile and keeps the other attributes', async () => {
    const created = await createUser('partial');
    const updated = await h.run<OktaUser>('users.update', {
      user: created.id,
      profile: { title: 'Engineer' },
    });
    expect(updated.profile).toMatchObject({ ...created.profile, title: 'Engineer' });
  });

  it('replaces a whole profile on request', async () => {
    const created = await h.run<OktaUser>('users.create', {
      profile: { ...newProfile('replace'), title: 'Old title' },
    });
    const profile = { ...newProfile('replaced'), login: created.profile.login };
    const replaced = await h.run<OktaUser>('users.update', { user: created.id, profile, replace: true });
    expect(replaced.profile).toEqual(profile);
  });

  it('lists users up to the limit with a q prefix search', async () => {
    const created = await createUser('qsearch');
    const result = await h.run<ListResult<OktaUser>>('users.list', { q: created.profile.login, limit: 5 });
    expect(result).toEqual({ items: [created], truncated: false });
  });

  it('lists users with a filter expression', async () => {
    const created = await createUser('filter');
    const result = await h.run<ListResult<OktaUser>>('users.list', {
      filter: `profile.login eq "${created.profile.login}"`,
    });
    expect(result.items.map((u) => u.id)).toEqual([created.id]);
  });

  it('lists users with a search expression and says when more matched than the limit', async () => {
    const result = await h.run<ListResult<OktaUser>>('users.list', {
      search: 'status eq "ACTIVE"',
      limit: 3,
    });
    expect(result.items).toHaveLength(3);
    expect(result.items.every((u) => u.status === 'ACTIVE')).toBe(true);
    expect(result.truncated).toBe(true);
  });

  it('schedules bounded listings with a heartbeat timeout, so a lost worker is noticed early', async () => {
    const handle = await h.env.client.workflow.start(act, {
      args: [h.session, 'users.list', { limit: 1 }],
      taskQueue: h.taskQueue,
      workflowId: `${h.taskQueue}-heartbeat-timeout`,
    });
    await handle.result();
    const scheduled = (await handle.fetchHistory()).events?.find(
      (e) => e.activityTaskScheduledEventAttributes,
    )?.activityTaskScheduledEventAttributes;
    expect(Number(scheduled?.heartbeatTimeout?.seconds)).toBe(20);
  });

  it('lists the groups of a user', async () => {
    const user = await createUser('groups');
    const groups = await h.run<ListResult<OktaGroup>>('users.groups', { user: user.profile.login });
    expect(groups.items.map((g) => g.profile.name)).toEqual(['Everyone']);
  });
});

describe('okta.users lifecycle operations', () => {
  const cases: { name: string; from: () => Promise<OktaUser>; to: string }[] = [
    {
      name: 'activate',
      from: () => createUser('activate', { activate: false, password: 'correct-horse-1' }),
      to: 'ACTIVE',
    },
    { name: 'deactivate', from: () => createUser('deactivate'), to: 'DEPROVISIONED' },
    { name: 'suspend', from: () => createUser('suspend', { password: 'correct-horse-1' }), to: 'SUSPENDED' },
    {
      name: 'resetPassword',
      from: () => createUser('reset', { password: 'correct-horse-1' }),
      to: 'RECOVERY',
    },
    {
      name: 'expirePassword',
      from: () => createUser('expire', { password: 'correct-horse-1' }),
      to: 'PASSWORD_EXPIRED',
    },
  ];
  for (const c of cases) {
    it(`${c.name} moves the user to ${c.to} and returns it with its new status`, async () => {
      const user = await c.from();
      const after = await h.run<OktaUser>(`users.${c.name}`, { user: user.id });
      expect(after.id).toBe(user.id);
      expect(after.status).toBe(c.to);
      expect((await h.direct('GET', `/api/v1/users/${user.id}`)).body).toMatchObject({ status: c.to });
    });
  }

  it("reactivate sends Okta's reactivate call, which restarts the activation of a RECOVERY user as PROVISIONED", async () => {
    const user = await createUser('reactivate');
    const reset = await h.direct('POST', `/api/v1/users/${user.id}/lifecycle/reset_password?sendEmail=false`);
    expect(reset.status).toBe(200);
    const before = (await h.direct('GET', `/api/v1/users/${user.id}`)).body as OktaUser;
    expect(before.status).toBe('RECOVERY');

    const after = await h.run<OktaUser>('users.reactivate', { user: user.id });

    expect(after).toMatchObject({ id: user.id, status: 'PROVISIONED' });
    expect(Date.parse(after.statusChanged!)).toBeGreaterThan(Date.parse(before.statusChanged!));
    expect(await lifecycleCalls(user.id, 'reactivate')).toEqual([{ method: 'POST', status: 200 }]);
  });

  it("unlock sends Okta's unlock call, which returns a LOCKED_OUT user to ACTIVE", async () => {
    const search = encodeURIComponent('status eq "LOCKED_OUT"');
    const locked = (await h.direct('GET', `/api/v1/users?search=${search}&limit=1`)).body as OktaUser[];
    expect(locked).toHaveLength(1); // the seed locks some users out
    const user = locked[0]!;

    const after = await h.run<OktaUser>('users.unlock', { user: user.id });

    expect(after).toMatchObject({ id: user.id, status: 'ACTIVE' });
    expect(Date.parse(after.statusChanged!)).toBeGreaterThan(Date.parse(user.statusChanged!));
    expect((await h.direct('GET', `/api/v1/users/${user.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    expect(await lifecycleCalls(user.id, 'unlock')).toEqual([{ method: 'POST', status: 200 }]);
  });

  it('unsuspend returns a suspended user to ACTIVE', async () => {
    const user = await createUser('unsuspend', { password: 'correct-horse-1' });
    const [, after] = await h.execute<OktaUser[]>(actInSequence.name, [
      h.session,
      [
        { name: 'users.suspend', options: { user: user.id } },
        { name: 'users.unsuspend', options: { user: user.id } },
      ],
    ]);
    expect(after!.status).toBe('ACTIVE');
  });

  it('lifecycle runs the operation it is given', async () => {
    const user = await createUser('lifecycle', { password: 'correct-horse-1' });
    const after = await h.execute<OktaUser>(act.name, [
      h.session,
      'users.lifecycle',
      { user: user.id, operation: 'suspend' },
    ]);
    expect(after.status).toBe('SUSPENDED');
  });
});

describe('okta.users.create with groupIds', () => {
  const newGroup = async (tag: string) =>
    (await h.direct('POST', '/api/v1/groups', { profile: { name: `${tag} ${Math.random()}` } })).body as {
      id: string;
    };
  const memberIds = async (group: string) =>
    ((await h.direct('GET', `/api/v1/groups/${group}/users`)).body as { id: string }[]).map((u) => u.id);

  it('creates the user in every group of groupIds with one call and no membership call', async () => {
    const [a, b] = [await newGroup('Team A'), await newGroup('Team B')];
    await h.t.controls.clearRequests();

    const user = await createUser('in-groups', { groupIds: [a.id, b.id] });

    expect(user).not.toHaveProperty('alreadyExisted');
    expect(await memberIds(a.id)).toEqual([user.id]);
    expect(await memberIds(b.id)).toEqual([user.id]);
    const { counts } = await h.t.controls.requests();
    expect(counts['POST /api/v1/users']).toBe(1);
    expect(Object.keys(counts).filter((k) => k.startsWith('PUT '))).toEqual([]);
  });

  it('returns a user that already exists with the same profile, marked alreadyExisted, put in groupIds', async () => {
    const profile = newProfile('existing');
    const first = await h.run<OktaCreatedUser>('users.create', { profile });
    const group = await newGroup('Later team');

    const again = await h.run<OktaCreatedUser>('users.create', { profile, groupIds: [group.id] });

    expect(again).toMatchObject({ id: first.id, alreadyExisted: true });
    expect(await memberIds(group.id)).toEqual([first.id]);
  });

  it("refuses more than 20 group ids, Okta's limit on a create, in the workflow, naming the field", async () => {
    const error = await h
      .run('users.create', {
        profile: newProfile('too-many-groups'),
        groupIds: Array.from({ length: 21 }, (_, i) => `00g${i}`),
      })
      .catch((e: unknown) => e);

    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('OktaInvalidInput');
    expect(cause.message).toContain('groupIds: must list at most 20 group ids');
  });
});

describe('okta.users.delete', () => {
  it('deactivates then deletes an active user, and a retry after deletion succeeds', async () => {
    const user = await createUser('delete', { password: 'correct-horse-1' });
    const results = await h.execute<DeleteResult[]>(actInSequence.name, [
      h.session,
      [
        { name: 'users.delete', options: { user: user.id } },
        { name: 'users.delete', options: { user: user.id } },
      ],
    ]);
    expect(results).toEqual([{ outcome: 'deleted' }, { outcome: 'alreadyDeleted' }]);
    expect((await h.direct('GET', `/api/v1/users/${user.id}`)).status).toBe(404);
  });

  it('deletes a user that an earlier attempt had only deactivated', async () => {
    const user = await createUser('half-deleted');
    expect((await h.direct('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204);
    expect(await h.run('users.delete', { user: user.id })).toEqual({ outcome: 'deleted' });
    expect((await h.direct('GET', `/api/v1/users/${user.id}`)).status).toBe(404);
  });
});
