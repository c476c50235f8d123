import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeleteResult, ListResult, OktaGroupRule } from '../../common/actions.js';
import { activityFailureOf, startActionsHarness, type ActionsHarness } from './harness.js';

let h: ActionsHarness;
let groupId: string;
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 10 });
  const group = await h.direct('POST', '/api/v1/groups', { profile: { name: `Ruled ${Date.now()}` } });
  groupId = (group.body as { id: string }).id;
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.t.controls.clearFaults();
});

let n = 0;
const ruleName = () => `Rule ${Date.now() % 100000}-${++n}`;
const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  expression: 'user.department=="Engineering"',
  groupIds: [groupId],
  ...extra,
});
const rulesNamed = async (name: string) =>
  (
    (await h.direct('GET', `/api/v1/groups/rules?search=${encodeURIComponent(name)}`)).body as {
      name: string;
    }[]
  ).filter((r) => r.name === name);
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

describe('okta.groupRules', () => {
  it('create makes an INACTIVE rule with the expression and groups, as Okta creates rules', async () => {
    const name = ruleName();
    const created = await h.run<OktaGroupRule>('groupRules.create', rule(name));
    expect(created).toMatchObject({
      name,
      status: 'INACTIVE',
      expression: 'user.department=="Engineering"',
      groupIds: [groupId],
    });
  });

  it('create with activate: true returns the rule ACTIVE', async () => {
    const created = await h.run<OktaGroupRule>('groupRules.create', rule(ruleName(), { activate: true }));
    expect(created.status).toBe('ACTIVE');
  });

  it('a retried create whose first answer was lost returns the one rule the first attempt made', async () => {
    const name = ruleName();
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({
      pathPrefix: '/api/v1/groups/rules',
      method: 'POST',
      latencyMs: 2500,
      count: 1,
    });
    const created = await h.run<OktaGroupRule>('groupRules.create', {
      ...rule(name),
      activityOptions: lostAnswer,
    });
    expect(await requestsTo('/api/v1/groups/rules', 'POST')).toEqual([200]);
    expect(await rulesNamed(name)).toHaveLength(1);
    expect(created).toMatchObject({ name, status: 'INACTIVE' });
  });

  it('create with the name of a rule that has another expression fails with OktaConflict naming it', async () => {
    const name = ruleName();
    const first = await h.run<OktaGroupRule>('groupRules.create', rule(name));
    const failure = await activityFailureOf(
      h.run('groupRules.create', rule(name, { expression: 'user.department=="Sales"' })),
    );
    expect(failure.type).toBe('OktaConflict');
    expect(failure.message).toContain(first.id);
  });

  it('activate and deactivate change the status, and doing either twice is a success', async () => {
    const created = await h.run<OktaGroupRule>('groupRules.create', rule(ruleName()));
    expect((await h.run<OktaGroupRule>('groupRules.activate', { rule: created.id })).status).toBe('ACTIVE');
    expect((await h.run<OktaGroupRule>('groupRules.activate', { rule: created.id })).status).toBe('ACTIVE');
    expect((await h.run<OktaGroupRule>('groupRules.deactivate', { rule: created.id })).status).toBe(
      'INACTIVE',
    );
    expect((await h.run<OktaGroupRule>('groupRules.deactivate', { rule: created.id })).status).toBe(
      'INACTIVE',
    );
  });

  it('delete deactivates an ACTIVE rule first, which Okta requires, then deletes it', async () => {
    const created = await h.run<OktaGroupRule>('groupRules.create', rule(ruleName(), { activate: true }));
    const path = `/api/v1/groups/rules/${created.id}`;
    await h.t.controls.clearRequests();
    const result = await h.run<DeleteResult>('groupRules.delete', { rule: created.id });
    expect(result).toEqual({ outcome: 'deleted' });
    expect(await requestsTo(`${path}/lifecycle/deactivate`, 'POST')).toEqual([204]);
    expect((await h.direct('GET', path)).status).toBe(404);
  });

  it('a retried delete whose first answer was lost reports the rule as already deleted', async () => {
    const created = await h.run<OktaGroupRule>('groupRules.create', rule(ruleName()));
    const path = `/api/v1/groups/rules/${created.id}`;
    await h.t.controls.clearRequests();
    await h.t.controls.addFault({ pathPrefix: path, method: 'DELETE', latencyMs: 2500, count: 1 });
    const result = await h.run<DeleteResult>('groupRules.delete', {
      rule: created.id,
      activityOptions: lostAnswer,
    });
    expect(result).toEqual({ outcome: 'alreadyDeleted' });
    expect(await requestsTo(path, 'DELETE')).toEqual([202]);
  });

  it('list finds rules by a keyword of their names', async () => {
    const name = ruleName();
    await h.run('groupRules.create', rule(name));
    const listed = await h.run<ListResult<OktaGroupRule>>('groupRules.list', { search: name });
    expect(listed.items.map((r) => r.name)).toEqual([name]);
  });

  it('activating a rule that does not exist fails with OktaNotFound', async () => {
    const failure = await activityFailureOf(h.run('groupRules.activate', { rule: '0prDoesNotExist000000' }));
    expect(failure.type).toBe('OktaNotFound');
  });
});
