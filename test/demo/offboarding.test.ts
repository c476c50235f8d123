import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventHookReceiver, eventWorkflowId } from '../../client/event-hooks.js';
import type { OktaLogEvent } from '../../common/actions.js';
import { OktaErrorType } from '../../common/errors.js';
import type { OffboardingProgress, OffboardUserResult } from '../../common/offboarding.js';
import { seededAppId, seededSessionId } from 'temporal-okta-emulator/store';
import { emulatorControls } from 'temporal-okta-emulator/testing';
import { newProfile } from '../actions/harness.js';
import { startOffboardingHarness, type OffboardingHarness } from './offboarding-harness.js';

/** The offboarding sample on the emulated org: what it takes away, verified through the Management API. */

const BIN = fileURLToPath(new URL('../../bin/temporal-okta.js', import.meta.url));
const run = promisify(execFile);
const SALESFORCE = seededAppId('Salesforce');
const SLACK = seededAppId('Slack');

let h: OffboardingHarness;
beforeAll(async () => {
  h = await startOffboardingHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

interface User {
  id: string;
  status: string;
  lastLogin: string | null;
  profile: { login: string };
}

const get = async <T>(path: string): Promise<T> => {
  const res = await h.direct('GET', path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  return res.body as T;
};

/** Seeded ACTIVE users who signed in: each holds a session and enrolled factors. */
async function signedInUsers(): Promise<User[]> {
  const users = await get<User[]>(
    `/api/v1/users?filter=${encodeURIComponent('status eq "ACTIVE"')}&limit=200`,
  );
  return users.filter((u) => u.lastLogin);
}

/** A new group, with Slack assigned to it, that `userIds` are members of; and Salesforce assigned to each directly. */
async function grantAccess(userIds: string[]): Promise<string> {
  const group = (await h.direct('POST', '/api/v1/groups', { profile: { name: `Sales ${Math.random()}` } }))
    .body as { id: string };
  await h.direct('PUT', `/api/v1/apps/${SLACK}/groups/${group.id}`, {});
  for (const id of userIds) {
    await h.direct('PUT', `/api/v1/groups/${group.id}/users/${id}`);
    await h.direct('POST', `/api/v1/apps/${SALESFORCE}/users`, { id, scope: 'USER' });
  }
  return group.id;
}

/** What the user still holds, read through the Management API. */
async function access(id: string) {
  const user = await get<User>(`/api/v1/users/${id}`);
  const groups = await get<{ type: string }[]>(`/api/v1/users/${id}/groups`);
  const factors = await get<unknown[]>(`/api/v1/users/${id}/factors`);
  const apps = await get<{ label: string }[]>(`/api/v1/users/${id}/appLinks`);
  const session = await h.direct('GET', `/api/v1/sessions/${seededSessionId(id)}`);
  const direct = await h.direct('GET', `/api/v1/apps/${SALESFORCE}/users/${id}`);
  return {
    status: user.status,
    groups: groups.map((g) => g.type),
    factors: factors.length,
    apps: apps.map((a) => a.label).sort(),
    session: session.status,
    directAssignment: direct.status,
  };
}

let runs = 0;
const offboard = (users: string[], mode: 'suspend' | 'deactivate') =>
  h.client.workflow.execute<(input: unknown) => Promise<OffboardingProgress>>('offboardUsers', {
    args: [{ users, mode, domain: h.domain, connection: h.connection, concurrency: 3 }],
    taskQueue: h.taskQueue,
    workflowId: `${h.taskQueue}-${++runs}`,
    workflowExecutionTimeout: '2 minutes',
  });

describe('offboardUsers', () => {
  let people: User[];
  let first: OffboardingProgress;

  beforeAll(async () => {
    const [active, suspended] = await signedInUsers();
    const gone = (await h.direct('POST', '/api/v1/users?activate=true', { profile: newProfile('leaver') }))
      .body as User;
    await grantAccess([active!.id, suspended!.id, gone.id]);
    await h.direct('POST', `/api/v1/users/${suspended!.id}/lifecycle/suspend`);
    await h.direct('POST', `/api/v1/users/${gone.id}/lifecycle/deactivate`);
    people = [active!, suspended!, gone];
    for (const p of people) expect((await access(p.id)).groups).toContain('OKTA_GROUP');
    first = await offboard([active!.profile.login, suspended!.id, gone.profile.login], 'deactivate');
  }, 120_000);

  it('leaves each user deactivated without sessions, factors, groups but Everyone, or direct app assignments', async () => {
    expect(first.users.map((u) => u.status)).toEqual(['offboarded', 'offboarded', 'offboarded']);
    for (const p of people) {
      expect(await access(p.id)).toEqual({
        status: 'DEPROVISIONED',
        groups: ['BUILT_IN'],
        factors: 0,
        apps: expect.not.arrayContaining(['Salesforce', 'Slack']) as unknown as string[],
        session: 404,
        directAssignment: 404,
      });
    }
  });

  it('records each step, and skips and says why what Okta refuses for a user already deactivated', async () => {
    const [active, , gone] = first.users.map((u) => u.result!);
    expect(active!.statusBefore).toBe('ACTIVE');
    const done = active!.actions.filter((a) => a.outcome === 'done').map((a) => a.step);
    expect([...new Set(done)]).toEqual([
      'clearSessions',
      'resetFactors',
      'deactivate',
      'removeFromGroup',
      'removeFromApp',
    ]);
    expect(gone!.statusBefore).toBe('DEPROVISIONED');
    expect(gone!.actions).toContainEqual(
      expect.objectContaining({ step: 'deactivate', outcome: 'skipped', detail: 'already DEPROVISIONED' }),
    );
    expect(gone!.actions).toContainEqual(
      expect.objectContaining({ step: 'resetFactors', outcome: 'skipped' }),
    );
  });

  it('lists the System Log events that confirm the deactivation and the group removal', async () => {
    const active: OffboardUserResult = first.users[0]!.result!;
    const types = active.systemLog.events.map((e) => e.eventType);
    expect(active.systemLog.error).toBeUndefined();
    expect(types).toContain('user.lifecycle.deactivate');
    expect(types).toContain('group.user_membership.remove');
    for (const e of active.systemLog.events) expect(e.targetIds).toContain(active.userId);
  });

  it('changes nothing twice when run again: no lifecycle, group or app change is sent', async () => {
    const controls = emulatorControls(h.t.org, h.t.fetch);
    await controls.clearRequests();
    const again = await offboard(
      people.map((p) => p.id),
      'deactivate',
    );
    expect(again.users.map((u) => u.status)).toEqual([
      'alreadyOffboarded',
      'alreadyOffboarded',
      'alreadyOffboarded',
    ]);
    const writes = (await controls.requests()).requests
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.replace(/00u\w+/, '{user}')} ${r.status}`);
    // Ending sessions is the one call repeated; Okta accepts it whatever the user holds.
    expect(writes).toEqual(Array(3).fill('DELETE /api/v1/users/{user}/sessions 204'));
  });
});

describe('offboardUsers at its boundary', () => {
  it('fails the workflow, naming the field, for a mode that is neither suspend nor deactivate', async () => {
    const error = await h.client.workflow
      .execute('offboardUsers', {
        args: [{ users: ['ada@companyabc.com'], mode: 'delete', domain: h.domain, connection: h.connection }],
        taskQueue: h.taskQueue,
        workflowId: `${h.taskQueue}-bad-input`,
      })
      .catch((e: unknown) => e);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(OktaErrorType.OktaInvalidInput);
    expect(cause.message).toContain('mode: must be "suspend" or "deactivate"');
  });
});

describe('offboardUsers in suspend mode', () => {
  it('suspends an active user first, then takes the rest away', async () => {
    const [, , user] = await signedInUsers();
    await grantAccess([user!.id]);
    const { users } = await offboard([user!.profile.login], 'suspend');
    expect(users[0]!.result!.actions[0]).toMatchObject({ step: 'suspend', outcome: 'done' });
    expect(await access(user!.id)).toMatchObject({
      status: 'SUSPENDED',
      groups: ['BUILT_IN'],
      factors: 0,
      session: 404,
      directAssignment: 404,
    });
    expect(users[0]!.result!.systemLog.events.map((e) => e.eventType)).toContain('user.lifecycle.suspend');
  });
});

describe('offboardUser started by an Okta event hook', () => {
  it('takes away what a user deactivated in Okta still holds', async () => {
    const secret = 'offboarding-hook-secret';
    const receiver = createEventHookReceiver({
      client: h.client,
      secret,
      routes: [
        {
          eventType: 'user.lifecycle.deactivate',
          start: {
            workflowType: 'offboardUser',
            taskQueue: h.taskQueue,
            workflowIdPrefix: `${h.taskQueue}-hook-`,
            input: { domain: h.domain, connection: h.connection },
          },
        },
      ],
    });
    const listening = await receiver.listen();
    try {
      const hook = await h.direct('POST', '/api/v1/eventHooks', {
        name: 'Offboarding',
        events: { type: 'EVENT_TYPE', items: ['user.lifecycle.deactivate'] },
        channel: {
          type: 'HTTP',
          version: '1.0.0',
          config: {
            uri: `http://127.0.0.1:${listening.port}/okta/events`,
            authScheme: { type: 'HEADER', key: 'Authorization', value: secret },
          },
        },
      });
      await h.direct('POST', `/api/v1/eventHooks/${(hook.body as { id: string }).id}/lifecycle/verify`);
      const user = (await h.direct('POST', '/api/v1/users?activate=true', { profile: newProfile('hooked') }))
        .body as User;
      await grantAccess([user.id]);
      await h.direct('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`);
      const filter = encodeURIComponent(
        `eventType eq "user.lifecycle.deactivate" and target.id eq "${user.id}"`,
      );
      const [event] = await get<OktaLogEvent[]>(`/api/v1/logs?filter=${filter}`);
      const workflowId = eventWorkflowId(`${h.taskQueue}-hook-`, event!);

      let result: OffboardUserResult | undefined;
      const deadline = Date.now() + 30_000;
      while (!result) {
        result = await h.client.workflow
          .getHandle(workflowId)
          .result()
          .catch((err: unknown) => {
            if (Date.now() > deadline) throw err;
            return new Promise<undefined>((r) => setTimeout(() => r(undefined), 200));
          });
      }
      expect(result).toMatchObject({ userId: user.id, statusBefore: 'DEPROVISIONED', status: 'offboarded' });
      expect(await access(user.id)).toMatchObject({ groups: ['BUILT_IN'], directAssignment: 404 });
    } finally {
      await listening.close();
    }
  }, 60_000);
});

describe('temporal-okta start offboarding', () => {
  it('offboards the logins of a file, follows the run and prints the report', async () => {
    const [, , , user] = await signedInUsers();
    await grantAccess([user!.id]);
    const dir = await mkdtemp(join(tmpdir(), 'okta-offboarding-cli-'));
    try {
      const file = join(dir, 'leavers.json');
      await writeFile(file, JSON.stringify([user!.profile.login]));
      const { stdout } = await run(
        process.execPath,
        [
          BIN,
          'start',
          'offboarding',
          '--file',
          file,
          '--mode',
          'deactivate',
          '--connections',
          h.connectionsFile,
          '--connection',
          h.connection,
          '--task-queue',
          h.taskQueue,
          '--workflow-id',
          `${h.taskQueue}-cli`,
        ],
        {
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: inject('devServerAddress'),
            TEMPORAL_OKTA_CODEC_KEYS: h.codecKeys,
          },
          timeout: 90_000,
        },
      );
      expect(stdout).toMatch(/User\s+Status\s+Okta user id\s+What was done\s+Log events/);
      expect(stdout).toContain(`${user!.profile.login}  offboarded  ${user!.id}  ACTIVE → DEPROVISIONED`);
      expect(stdout).toContain('1 people: 1 offboarded, 0 already offboarded, 0 failed.');
      expect(await access(user!.id)).toMatchObject({ status: 'DEPROVISIONED', groups: ['BUILT_IN'] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
