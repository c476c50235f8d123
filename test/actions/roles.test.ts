import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OktaRoleAssignment } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { activityFailureOf, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
/** Seeded users; every test takes its own. */
let people: OktaUser[];
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 20 });
  people = (await h.direct('GET', '/api/v1/users?limit=20')).body as OktaUser[];
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.t.controls.clearFaults();
});

const nextUser = (): OktaUser => {
  const user = people.shift();
  if (!user) throw new Error('the seed has too few users for this file');
  return user;
};
const newGroup = async (name: string) =>
  (await h.direct('POST', '/api/v1/groups', { profile: { name: `${name} ${Date.now()}` } })).body as {
    id: string;
  };
const rolesOf = async (path: string) =>
  ((await h.direct('GET', path)).body as { type: string }[]).map((r) => r.type);
const requestsTo = async (path: string, method: string) =>
  (await h.t.controls.requests()).requests
    .filter((r) => r.path === path && r.method === method)
    .map((r) => r.status);

// Okta takes 2.5 s to answer; the attempt times out after 1 s while the request runs on, so the change
// is done when the retry (4 s later) asks again.
const lostAnswer = {
  startToCloseTimeout: '1 second',
  retry: { initialInterval: '4 seconds', maximumAttempts: 3 },
};

describe('okta.roles', () => {
  it('assignToUser gives a user given by login a standard role, which listForUser shows as its own', async () => {
    const user = nextUser();
    const role = await h.run<OktaRoleAssignment>('roles.assignToUser', {
      user: user.profile.login,
      role: 'HELP_DESK_ADMIN',
    });
    expect(role).toMatchObject({ type: 'HELP_DESK_ADMIN', assignmentType: 'USER', status: 'ACTIVE' });
    expect(role).not.toHaveProperty('_links');
    const listed = await h.run<OktaRoleAssignment[]>('roles.listForUser', { user: user.id });
    expect(listed.map((r) => r.id)).toEqual([role.id]);
  });

  it('assigning a role the user already holds returns that assignment, Okta’s 409 E0000090 taken as done', async () => {
    const user = nextUser();
    const first = await h.run<OktaRoleAssignment>('roles.assignToUser', {
      user: user.id,
      role: 'USER_ADMIN',
    });
    await h.t.controls.clearRequests();
    const again = await h.run<OktaRoleAssignment>('roles.assignToUser', {
      user: user.id,
      role: 'USER_ADMIN',
    });
    expect(again.id).toBe(first.id);
    expect(await requestsTo(`/api/v1/users/${user.id}/roles`, 'POST')).toEqual([409]);
  });

  it('a retried assignToUser whose first answer was lost returns the one assignment', async () => {
    const user = nextUser();
    const path = `/api/v1/users/${user.id}/roles`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, method: 'POST', latencyMs: 2500, count: 1 });
    const role = await h.run<OktaRoleAssignment>('roles.assignToUser', {
      user: user.id,
      role: 'READ_ONLY_ADMIN',
      activityOptions: lostAnswer,
    });
    expect(await requestsTo(path, 'POST')).toEqual([201, 409]);
    expect(role.type).toBe('READ_ONLY_ADMIN');
    expect(await rolesOf(path)).toEqual(['READ_ONLY_ADMIN']);
  });

  it('a role assigned to a group is listed for its members as assigned through the group', async () => {
    const user = nextUser();
    const group = await newGroup('Membership admins');
    await h.run('groups.addUser', { group: group.id, user: user.id });
    await h.run('roles.assignToGroup', { group: group.id, role: 'GROUP_MEMBERSHIP_ADMIN' });
    const forGroup = await h.run<OktaRoleAssignment[]>('roles.listForGroup', { group: group.id });
    expect(forGroup.map((r) => r.type)).toEqual(['GROUP_MEMBERSHIP_ADMIN']);
    const forUser = await h.run<OktaRoleAssignment[]>('roles.listForUser', { user: user.id });
    expect(forUser).toEqual([
      expect.objectContaining({ type: 'GROUP_MEMBERSHIP_ADMIN', assignmentType: 'GROUP' }),
    ]);
  });

  it('removeFromUser takes the role away, and removing it again is a success', async () => {
    const user = nextUser();
    await h.run('roles.assignToUser', { user: user.id, role: 'REPORT_ADMIN' });
    await h.run('roles.removeFromUser', { user: user.profile.login, role: 'REPORT_ADMIN' });
    expect(await rolesOf(`/api/v1/users/${user.id}/roles`)).toEqual([]);
    await h.run('roles.removeFromUser', { user: user.id, role: 'REPORT_ADMIN' });
  });

  it('a retried removeFromGroup whose first answer was lost succeeds without changing anything more', async () => {
    const group = await newGroup('App admins');
    const role = await h.run<OktaRoleAssignment>('roles.assignToGroup', {
      group: group.id,
      role: 'APP_ADMIN',
    });
    const path = `/api/v1/groups/${group.id}/roles/${role.id}`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, method: 'DELETE', latencyMs: 2500, count: 1 });
    await h.run('roles.removeFromGroup', { group: group.id, role: 'APP_ADMIN', activityOptions: lostAnswer });
    expect(await requestsTo(path, 'DELETE')).toEqual([204]);
    expect(await rolesOf(`/api/v1/groups/${group.id}/roles`)).toEqual([]);
  });

  it('assigning a role to a user who does not exist fails with OktaNotFound', async () => {
    const failure = await activityFailureOf(
      h.run('roles.assignToUser', { user: '00uDoesNotExist000000', role: 'USER_ADMIN' }),
    );
    expect(failure.type).toBe('OktaNotFound');
  });
});
