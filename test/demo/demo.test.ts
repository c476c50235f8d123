import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFetch, type Fetch } from '../../activities/transport.js';
import { startCodecServer, type CodecServer } from '../../client/codec-server.js';
import { runDemo, type DemoResult } from '../../cli/demo.js';
import { DEMO_LEAVERS, sampleNewHiresFile } from '../../cli/demo-config.js';
import { provisionWorkflowId, type NewHire } from '../../common/new-hire.js';
import { offboardWorkflowId } from '../../common/offboarding.js';
import { orgTransport, readOrg, type OrgDescription } from 'temporal-okta-emulator/org';
import { startEmulator, type RunningEmulator } from 'temporal-okta-emulator/server';
import { ENCRYPTED_ENCODING } from '../../worker/codec.js';
import { readCodecKeyFile } from '../../worker/keys.js';
import { fromWire, payloadContains, toWire, type WirePayload } from '../codec/helpers.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

/**
 * The demo's code path end to end, as `npm start` runs it, on the test run's dev server: the emulator with
 * SQLite state in a fresh state directory, a worker with a generated codec key, the onboarding workflow for
 * the 25 sample hires, then the offboarding workflow for the first three. Then the org is read back through
 * the Management API with the SSWS token.
 */

const SEEDED_USERS = 20;
const WEB_UI = 'http://127.0.0.1:8233';

let env: TestWorkflowEnvironment;
let stateDir: string;
let taskQueue: string;
let hires: NewHire[];
let first: DemoResult;
let firstOutput = '';

/** Runs the demo on the shared dev server, into this file's state directory; returns what it printed. */
async function demo(): Promise<{ result: DemoResult; output: string }> {
  let output = '';
  const result = await runDemo({
    temporalAddress: inject('devServerAddress'),
    webUi: WEB_UI,
    stateDir,
    taskQueue,
    seedUsers: SEEDED_USERS,
    output: { write: (text) => void (output += text), isTTY: false },
    env: {},
  });
  return { result, output };
}

/** The emulated org the demo left behind, started again on its SQLite state, and an SSWS client for it. */
async function reopenOrg(): Promise<{ emulator: RunningEmulator; api: (path: string) => Promise<unknown> }> {
  const emulator = await startEmulator({ stateDir: join(stateDir, 'emulator'), storage: 'sqlite' });
  const org: OrgDescription = await readOrg(emulator.orgFile);
  const fetch: Fetch = createFetch(await orgTransport(org));
  const api = async (path: string) => {
    const response = await fetch(`https://${org.domain}${path}`, {
      headers: { Authorization: `SSWS ${org.apiToken}`, Accept: 'application/json' },
    });
    expect(response.status, path).toBe(200);
    return response.json();
  };
  return { emulator, api };
}

beforeAll(async () => {
  env = await connectToDevServer();
  stateDir = await mkdtemp(join(tmpdir(), 'temporal-okta-demo-'));
  taskQueue = uniqueTaskQueue('demo');
  hires = JSON.parse(await readFile(sampleNewHiresFile(), 'utf8')) as NewHire[];
  ({ result: first, output: firstOutput } = await demo());
}, 180_000);

afterAll(async () => {
  await env?.teardown();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('the onboarding demo', () => {
  it('onboards every sample hire and reports each one as created', () => {
    expect(first.progress).toMatchObject({ total: 25, done: 25, failed: 0, finished: true });
    expect(first.progress.hires.map((h) => [h.login, h.status])).toEqual(
      hires.map((h) => [h.login, 'created']),
    );
  });

  it('prints progress from the workflow query, the report table and the Web UI link', () => {
    expect(firstOutput).toContain('Progress: 25/25 hires (25 done, 0 failed, 0 running)');
    expect(firstOutput).toMatch(/Login\s+Status\s+Okta user id\s+Groups/);
    expect(firstOutput).toContain('25 hires: 25 created, 0 already provisioned, 0 failed.');
    expect(firstOutput).toContain(`Web UI: ${WEB_UI}/namespaces/default/workflows/${first.workflowId}`);
  });

  it('then offboards the first hires and prints that report', () => {
    expect(first.offboarding.progress).toMatchObject({ total: DEMO_LEAVERS, done: DEMO_LEAVERS, failed: 0 });
    expect(firstOutput).toMatch(/User\s+Status\s+Okta user id\s+What was done\s+Log events/);
    expect(firstOutput).toContain(
      `${DEMO_LEAVERS} people: ${DEMO_LEAVERS} offboarded, 0 already offboarded, 0 failed.`,
    );
  });

  it('leaves each hire in Okta activated (PROVISIONED: no password yet) with the profile from the file, the offboarded ones deactivated', async () => {
    const { emulator, api } = await reopenOrg();
    try {
      for (const [index, hire] of hires.entries()) {
        const user = (await api(`/api/v1/users/${encodeURIComponent(hire.login)}`)) as {
          status: string;
          profile: Record<string, unknown>;
        };
        // Okta activates a user created without credentials into PROVISIONED: it sets its password itself.
        expect(user.status).toBe(index < DEMO_LEAVERS ? 'DEPROVISIONED' : 'PROVISIONED');
        expect(user.profile).toMatchObject({
          login: hire.login,
          email: hire.login,
          firstName: hire.firstName,
          lastName: hire.lastName,
          department: hire.department,
          title: hire.title,
        });
      }
    } finally {
      await emulator.close();
    }
  });

  it('puts each hire in every group of the file, creating the groups the org did not have (the offboarded ones left them)', async () => {
    const { emulator, api } = await reopenOrg();
    try {
      const names = [...new Set(hires.flatMap((h) => h.groups))];
      for (const name of names) {
        const groups = (await api(`/api/v1/groups?q=${encodeURIComponent(name)}`)) as {
          id: string;
          profile: { name: string };
        }[];
        const exact = groups.filter((g) => g.profile.name === name);
        expect(exact, `one group named ${name}`).toHaveLength(1);
        const members = (await api(`/api/v1/groups/${exact[0]!.id}/users?limit=200`)) as {
          profile: { login: string };
        }[];
        const stayers = hires.slice(DEMO_LEAVERS);
        const expected = stayers.filter((h) => h.groups.includes(name)).map((h) => h.login);
        expect(members.map((m) => m.profile.login)).toEqual(expect.arrayContaining(expected));
      }
    } finally {
      await emulator.close();
    }
  });
});

/** Every user and group of the org (Okta leaves deactivated users out of a plain listing: ask for them). */
async function orgContents(): Promise<{ users: string[]; groups: string[] }> {
  const { emulator, api } = await reopenOrg();
  try {
    const active = (await api('/api/v1/users?limit=200')) as { id: string }[];
    const deprovisioned = (await api(
      `/api/v1/users?limit=200&filter=${encodeURIComponent('status eq "DEPROVISIONED"')}`,
    )) as { id: string }[];
    const groups = (await api('/api/v1/groups?limit=200')) as { profile: { name: string } }[];
    return {
      users: [...active, ...deprovisioned].map((u) => u.id).sort(),
      groups: groups.map((g) => g.profile.name.toLowerCase()).sort(),
    };
  } finally {
    await emulator.close();
  }
}

describe("the onboarding demo's workflow ids", () => {
  it('name no login: the children are provision- or offboard- and a hash, since workflow ids are not encrypted', async () => {
    const ids: string[] = [];
    for await (const execution of env.client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) {
      ids.push(execution.workflowId);
    }
    expect(ids).toContain(first.workflowId);
    const children = ids.filter((id) => id !== first.workflowId && id !== first.offboarding.workflowId);
    const offboarded = hires.slice(0, DEMO_LEAVERS).map((h) => offboardWorkflowId(h.login));
    expect(children.sort()).toEqual(
      [...hires.map((h) => provisionWorkflowId(h.login)), ...offboarded].sort(),
    );
    for (const id of children) expect(id).toMatch(/^(provision|offboard)-[0-9a-f]{32}$/);
    for (const { login } of hires) {
      for (const part of [login, login.split('@')[0]!]) {
        expect(ids.some((id) => id.toLowerCase().includes(part.toLowerCase()))).toBe(false);
      }
    }
  });
});

describe('the onboarding demo, run a second time on the same state directory', () => {
  let second: DemoResult;
  let before: { users: string[]; groups: string[] };
  beforeAll(async () => {
    before = await orgContents();
    ({ result: second } = await demo());
  }, 180_000);

  it('reports every hire as already provisioned, with the user ids of the first run', () => {
    expect(second.progress).toMatchObject({ total: 25, done: 25, failed: 0 });
    expect(second.progress.hires.map((h) => [h.login, h.status, h.userId])).toEqual(
      first.progress.hires.map((h) => [h.login, 'alreadyProvisioned', h.userId]),
    );
  });

  it('creates no user and no group', async () => {
    const after = await orgContents();

    expect(after.users).toHaveLength(SEEDED_USERS + hires.length);
    expect(after).toEqual(before);
  });
});

describe("the demo's payload encryption", () => {
  const hire = () => hires[0]!;
  const profileValues = () => [
    hire().login,
    hire().firstName,
    hire().lastName,
    hire().employeeNumber!,
    hire().title,
  ];
  let history: temporal.api.history.v1.IHistory;
  let input: Payload;
  let codecServer: CodecServer;
  const token = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    // env.client has no codec: it reads what the server stores.
    history = await env.client.workflow.getHandle(provisionWorkflowId(hire().login)).fetchHistory();
    input = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!
      .workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const keys = await readCodecKeyFile(join(stateDir, 'codec-keys.json'));
    codecServer = await startCodecServer({
      keys,
      auth: { kind: 'token', token },
      logger: { error: () => undefined },
    });
  });
  afterAll(async () => {
    await codecServer?.close();
  });

  const decode = (authorization?: string) =>
    fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Namespace': 'default',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: JSON.stringify({ payloads: [toWire(input)] }),
    });

  it('stores a child workflow input encrypted, with no profile field in clear anywhere in its history', () => {
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(payloadContains(input, hire().login)).toBe(false);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const value of profileValues()) expect(bytes.includes(value, 0, 'utf8')).toBe(false);
  });

  it('gives the new hire back through the codec server for an authorised request', async () => {
    const response = await decode(`Bearer ${token}`);

    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: WirePayload[] };
    expect(defaultPayloadConverter.fromPayload(fromWire(payloads[0]!))).toMatchObject({
      login: hire().login,
      firstName: hire().firstName,
      lastName: hire().lastName,
    });
  });

  it('refuses to decode for a request without the bearer token, revealing nothing', async () => {
    const response = await decode();

    expect(response.status).toBe(401);
    const body = await response.text();
    for (const value of [hire().login, ...profileValues()]) expect(body).not.toContain(value);
  });
});
