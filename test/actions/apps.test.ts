import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ListResult, OktaApp, OktaAppLink, OktaAppUser, Page } from '../../common/actions.js';
import type { OktaUser } from '../../common/contract.js';
import { seededAppId } from 'temporal-okta-emulator/store';
import { activityFailureOf, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
/** Seeded users; every test takes its own. */
let people: OktaUser[];
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 30 });
  people = (await h.direct('GET', '/api/v1/users?limit=30')).body as OktaUser[];
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
const SLACK = seededAppId('Slack');
const ZOOM = seededAppId('Zoom');
const WORKDAY = seededAppId('Workday');
const appUser = async (app: string, user: string) => h.direct('GET', `/api/v1/apps/${app}/users/${user}`);
const requestsTo = async (path: string, method: string) =>
  (await h.t.controls.requests()).requests
    .filter((r) => r.path === path && r.method === method)
    .map((r) => r.status);
const newGroup = async (name: string) =>
  (await h.direct('POST', '/api/v1/groups', { profile: { name: `${name} ${Date.now()}` } })).body as {
    id: string;
  };

// Okta takes 2.5 s to answer; the attempt times out after 1 s while the request runs on, so the change
// is done when the retry (4 s later) asks again.
const lostAnswer = {
  startToCloseTimeout: '1 second',
  retry: { initialInterval: '4 seconds', maximumAttempts: 3 },
};

describe('okta.apps.list and listPage', () => {
  it('list finds apps whose label starts with q, without links', async () => {
    const result = await h.run<ListResult<OktaApp>>('apps.list', { q: 'Sla' });
    expect(result.items.map((a) => a.label)).toEqual(['Slack']);
    expect(result.items[0]).toMatchObject({ id: SLACK, signOnMode: 'SAML_2_0', status: 'ACTIVE' });
    expect(result.items[0]).not.toHaveProperty('_links');
    expect(result.truncated).toBe(false);
  });

  it('listPage returns a page of apps and the cursor of the next, which continues where it stopped', async () => {
    const first = await h.run<Page<OktaApp>>('apps.listPage', { pageSize: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.cursor).toBeDefined();
    const second = await h.run<Page<OktaApp>>('apps.listPage', { pageSize: 4, cursor: first.cursor });
    expect(second.cursor).toBeUndefined();
    const labels = [...first.items, ...second.items].map((a) => a.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(expect.arrayContaining(['Intranet', 'Salesforce', 'Slack', 'Zoom']));
  });

  it('list bounded by limit reports that more apps matched', async () => {
    const result = await h.run<ListResult<OktaApp>>('apps.list', { limit: 2 });
    expect(result.items).toHaveLength(2);
    expect(result.truncated).toBe(true);
  });
});

describe('okta.apps.assignUser and removeUser', () => {
  it('assignUser assigns a user given by login with an app profile, and users lists the direct assignment', async () => {
    const user = nextUser();
    const assigned = await h.run<OktaAppUser>('apps.assignUser', {
      app: SLACK,
      user: user.profile.login,
      profile: { title: 'Analyst' },
    });
    expect(assigned).toMatchObject({ id: user.id, scope: 'USER', profile: { title: 'Analyst' } });
    expect(assigned).not.toHaveProperty('_links');
    const listed = await h.run<ListResult<OktaAppUser>>('apps.users', { app: SLACK });
    expect(listed.items.find((u) => u.id === user.id)).toMatchObject({ scope: 'USER' });
  });

  it('a retried assignUser whose first answer was lost returns the one assignment', async () => {
    const user = nextUser();
    const path = `/api/v1/apps/${ZOOM}/users`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, method: 'POST', latencyMs: 2500, count: 1 });
    const assigned = await h.run<OktaAppUser>('apps.assignUser', {
      app: ZOOM,
      user: user.id,
      profile: { costCentre: 'CC-7' },
      activityOptions: lostAnswer,
    });
    expect(await requestsTo(path, 'POST')).toEqual([200, 200]);
    expect(assigned).toMatchObject({ id: user.id, scope: 'USER', profile: { costCentre: 'CC-7' } });
    const listed = await h.run<ListResult<OktaAppUser>>('apps.users', { app: ZOOM });
    expect(listed.items.filter((u) => u.id === user.id)).toHaveLength(1);
  });

  it('removeUser removes the assignment, and the app leaves the user’s app links', async () => {
    const user = nextUser();
    await h.run('apps.assignUser', { app: WORKDAY, user: user.id });
    const before = await h.run<OktaAppLink[]>('users.appLinks', { user: user.profile.login });
    expect(before.map((l) => l.appInstanceId)).toContain(WORKDAY);
    await h.run('apps.removeUser', { app: WORKDAY, user: user.profile.login });
    expect((await appUser(WORKDAY, user.id)).status).toBe(404);
    const after = await h.run<OktaAppLink[]>('users.appLinks', { user: user.id });
    expect(after.map((l) => l.appInstanceId)).not.toContain(WORKDAY);
  });

  it('a retried removeUser whose first answer was lost succeeds on the 404 of a user no longer assigned', async () => {
    const user = nextUser();
    await h.run('apps.assignUser', { app: WORKDAY, user: user.id });
    const path = `/api/v1/apps/${WORKDAY}/users/${user.id}`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, method: 'DELETE', latencyMs: 2500, count: 1 });
    await h.run('apps.removeUser', { app: WORKDAY, user: user.id, activityOptions: lostAnswer });
    expect(await requestsTo(path, 'DELETE')).toEqual([204, 404]);
    expect((await appUser(WORKDAY, user.id)).status).toBe(404);
  });

  it('removeUser from an app that does not exist fails with OktaNotFound', async () => {
    const user = nextUser();
    const failure = await activityFailureOf(
      h.run('apps.removeUser', { app: '0oaDoesNotExist000000', user: user.id }),
    );
    expect(failure.type).toBe('OktaNotFound');
  });

  it('an app id that is blank fails the workflow with OktaInvalidInput naming the field', async () => {
    const error = await h.run('apps.assignUser', { app: ' ', user: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('OktaInvalidInput');
    expect(failure.message).toContain('app:');
  });
});

describe('okta.apps.assignGroup and removeGroup', () => {
  it('assignGroup gives the group’s members the app through the group, on their app links too', async () => {
    const user = nextUser();
    const group = await newGroup('Slack users');
    await h.run('groups.addUser', { group: group.id, user: user.id });
    const assignment = await h.run('apps.assignGroup', { app: SLACK, group: group.id, priority: 2 });
    expect(assignment).toMatchObject({ id: group.id, priority: 2 });
    const listed = await h.run<ListResult<OktaAppUser>>('apps.users', { app: SLACK, limit: 1000 });
    expect(listed.items.find((u) => u.id === user.id)).toMatchObject({ scope: 'GROUP' });
    const links = await h.run<OktaAppLink[]>('users.appLinks', { user: user.id });
    expect(links.map((l) => l.label)).toEqual(expect.arrayContaining(['Intranet', 'Slack']));
  });

  it('removeGroup takes the app from the group’s members, and removing it again is a success', async () => {
    const user = nextUser();
    const group = await newGroup('Zoom users');
    await h.run('groups.addUser', { group: group.id, user: user.id });
    await h.run('apps.assignGroup', { app: ZOOM, group: group.id });
    await h.run('apps.removeGroup', { app: ZOOM, group: group.id });
    expect((await appUser(ZOOM, user.id)).status).toBe(404);
    await h.run('apps.removeGroup', { app: ZOOM, group: group.id });
  });

  it('a retried removeGroup whose first answer was lost succeeds without changing anything more', async () => {
    const group = await newGroup('Workday users');
    await h.run('apps.assignGroup', { app: WORKDAY, group: group.id });
    const path = `/api/v1/apps/${WORKDAY}/groups/${group.id}`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, method: 'DELETE', latencyMs: 2500, count: 1 });
    await h.run('apps.removeGroup', { app: WORKDAY, group: group.id, activityOptions: lostAnswer });
    expect(await requestsTo(path, 'DELETE')).toEqual([204, 404]);
    expect((await h.direct('GET', path)).status).toBe(404);
  });

  it('removeGroup of a group that does not exist fails with OktaNotFound', async () => {
    const failure = await activityFailureOf(
      h.run('apps.removeGroup', { app: SLACK, group: '00gDoesNotExist000000' }),
    );
    expect(failure.type).toBe('OktaNotFound');
  });
});
