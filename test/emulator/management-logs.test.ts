import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOKENS, newUser, nextLink, startHarness, type Harness } from './management-harness.js';

type LogEvent = {
  uuid: string;
  published: string;
  eventType: string;
  actor: { id: string; type: string };
  target: { id: string; type: string; alternateId: string }[];
  outcome: { result: string };
  displayMessage: string;
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ users: 5 });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.store.seed({ users: 5 });
});

const events = (body: unknown) => body as LogEvent[];
const types = (body: unknown) => events(body).map((e) => e.eventType);

async function createUser(tag: string, activate = true): Promise<string> {
  const res = await h.call('POST', `/api/v1/users?activate=${activate}`, {
    body: newUser(`${tag}.${Date.now()}@example.org`, 'Passw0rd!long'),
  });
  return (res.body as { id: string }).id;
}

describe('the System Log (/api/v1/logs)', () => {
  it('records user lifecycle changes with Okta’s event shape, the user as target', async () => {
    const id = await createUser('life');
    await h.call('POST', `/api/v1/users/${id}/lifecycle/suspend`);
    await h.call('POST', `/api/v1/users/${id}/lifecycle/unsuspend`);
    await h.call('POST', `/api/v1/users/${id}/lifecycle/deactivate`);
    await h.call('DELETE', `/api/v1/users/${id}`);
    const res = await h.call('GET', '/api/v1/logs');
    expect(types(res.body)).toEqual([
      'user.lifecycle.create',
      'user.lifecycle.activate',
      'user.lifecycle.suspend',
      'user.lifecycle.unsuspend',
      'user.lifecycle.deactivate',
      'user.lifecycle.delete.initiated',
    ]);
    expect(events(res.body)[4]).toMatchObject({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      published: expect.any(String),
      displayMessage: 'Deactivate Okta user',
      outcome: { result: 'SUCCESS' },
      actor: { type: 'User' },
      target: [{ id, type: 'User' }],
    });
  });

  it('records the calling OAuth client as the actor', async () => {
    const [user] = (await h.call('GET', '/api/v1/users?limit=1')).body as { id: string }[];
    const group = (await h.call('POST', '/api/v1/groups', { body: { profile: { name: 'Actors' } } }))
      .body as {
      id: string;
    };
    await h.call('PUT', `/api/v1/groups/${group.id}/users/${user!.id}`, { auth: TOKENS.manage });
    const [event] = events((await h.call('GET', '/api/v1/logs')).body);
    expect(event!.actor).toMatchObject({ id: 'test-client', type: 'PublicClientApp' });
  });

  it('records group membership changes, once per change, with user and group as targets', async () => {
    const [user] = (await h.call('GET', '/api/v1/users?limit=1')).body as { id: string }[];
    const group = (await h.call('POST', '/api/v1/groups', { body: { profile: { name: 'Logged' } } }))
      .body as {
      id: string;
    };
    await h.call('PUT', `/api/v1/groups/${group.id}/users/${user!.id}`);
    await h.call('PUT', `/api/v1/groups/${group.id}/users/${user!.id}`);
    await h.call('DELETE', `/api/v1/groups/${group.id}/users/${user!.id}`);
    await h.call('DELETE', `/api/v1/groups/${group.id}/users/${user!.id}`);
    const res = await h.call('GET', '/api/v1/logs');
    expect(types(res.body)).toEqual(['group.user_membership.add', 'group.user_membership.remove']);
    expect(events(res.body)[0]!.target.map((t) => [t.id, t.type])).toEqual([
      [user!.id, 'User'],
      [group.id, 'UserGroup'],
    ]);
  });

  it('filters by eventType and target.id, and searches keywords with q', async () => {
    const a = await createUser('a');
    const b = await createUser('b', false);
    const byType = await h.call(
      'GET',
      `/api/v1/logs?filter=${encodeURIComponent('eventType eq "user.lifecycle.activate"')}`,
    );
    expect(events(byType.body).map((e) => e.target[0]!.id)).toEqual([a]);
    const byTarget = await h.call('GET', `/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${b}"`)}`);
    expect(types(byTarget.body)).toEqual(['user.lifecycle.create']);
    const byKeyword = await h.call('GET', '/api/v1/logs?q=Activate%20okta');
    expect(types(byKeyword.body)).toEqual(['user.lifecycle.activate']);
  });

  it('pages a bounded query through Link next, and ends without one', async () => {
    for (let i = 0; i < 3; i++) await createUser(`page${i}`);
    const until = new Date(Date.now() + 1000).toISOString();
    let url: string | undefined = `/api/v1/logs?limit=4&until=${until}`;
    const seen: string[] = [];
    while (url) {
      const res = await h.call('GET', url);
      seen.push(...events(res.body).map((e) => e.uuid));
      url = nextLink(res.headers);
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('returns the newest first with sortOrder=DESCENDING', async () => {
    await createUser('desc', false);
    await h.call('POST', '/api/v1/users?activate=false', { body: newUser(`d2.${Date.now()}@example.org`) });
    // `until` is exclusive and defaults to the request's time: an event of the same millisecond would be left out.
    const until = new Date(Date.now() + 1_000).toISOString();
    const res = await h.call('GET', `/api/v1/logs?sortOrder=DESCENDING&limit=1&until=${until}`);
    expect(events(res.body)[0]!.target[0]!.alternateId).toMatch(/^d2\./);
    expect(nextLink(res.headers)).toBeDefined();
  });

  it('gives a polling query a next link that returns only events recorded after it', async () => {
    await createUser('before');
    const since = new Date(Date.now() - 60_000).toISOString();
    const first = await h.call('GET', `/api/v1/logs?since=${since}`);
    expect(events(first.body)).toHaveLength(2);
    const cursor = nextLink(first.headers)!;
    const empty = await h.call('GET', cursor);
    expect(empty.body).toEqual([]);
    expect(nextLink(empty.headers)).toBe(cursor);
    const later = await createUser('after', false);
    const fresh = await h.call('GET', cursor);
    expect(events(fresh.body).map((e) => [e.eventType, e.target[0]!.id])).toEqual([
      ['user.lifecycle.create', later],
    ]);
    expect(nextLink(fresh.headers)).not.toBe(cursor);
  });

  it('refuses a since that is not an ISO 8601 timestamp with 400 E0000001', async () => {
    const res = await h.call('GET', '/api/v1/logs?since=yesterday');
    expect(res).toMatchObject({ status: 400, body: { errorCode: 'E0000001' } });
  });

  it('needs okta.logs.read: a token without it gets 403 E0000006', async () => {
    const res = await h.call('GET', '/api/v1/logs', { auth: TOKENS.manage });
    expect(res).toMatchObject({ status: 403, body: { errorCode: 'E0000006' } });
  });
});
