import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConnections } from '../../activities/connections.js';
import { createOktaActivities } from '../../activities/create-activities.js';
import type { OktaSession } from '../../common/session.js';
import { OktaErrorType } from '../../common/errors.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../worker/codec.js';
import { SESSION_INTERCEPTORS_MODULE } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { act, connectVariable } from '../actions/workflows.js';
import { testSessionKeys } from '../helpers/session-keys.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { newKeyring, profile } from './helpers.js';

const workflowsPath = fileURLToPath(new URL('../actions/workflows.ts', import.meta.url));
const keys = newKeyring('activity-failure-key');
const codec = new AesGcmPayloadCodec(keys);

let t: TestOrg;
let dir: string;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let taskQueue: string;
let session: OktaSession;

beforeAll(async () => {
  t = await startTestOrg({ seedUsers: 2 });
  dir = await mkdtemp(join(tmpdir(), 'okta-codec-'));
  const file = await writeEmulatorConnections(t.org, dir);
  env = await connectToDevServer();
  taskQueue = uniqueTaskQueue('codec-activity-failure');
  const dataConverter = createDataConverter(keys);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: createOktaActivities({
      connections: await loadConnections({ file }),
      buildId: 'codec-test-build',
      sessionKeys: testSessionKeys(),
    }),
    interceptors: { workflowModules: [SESSION_INTERCEPTORS_MODULE] },
    dataConverter,
  });
  running = worker.run();
  client = new Client({ connection: env.connection, dataConverter });
  session = await client.workflow.execute(connectVariable, { taskQueue, workflowId: `${taskQueue}-connect` });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Runs one action, in one attempt, that fails; returns the failure of its ActivityTaskFailed event and the
 * whole history, both exactly as the server stores them (read without the codec).
 */
async function failedAction(name: string, options: Record<string, unknown>) {
  const workflowId = `${taskQueue}-${Math.random().toString(36).slice(2)}`;
  const handle = await client.workflow.start(act, {
    args: [session, name, { ...options, activityOptions: { retry: { maximumAttempts: 1 } } }],
    taskQueue,
    workflowId,
  });
  await expect(handle.result()).rejects.toThrow();
  // env.client has the default data converter: it sees what the server stores.
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const failure = history.events?.find((e) => e.activityTaskFailedEventAttributes)
    ?.activityTaskFailedEventAttributes?.failure;
  expect(failure).toBeTruthy();
  return { failure: failure!, stored: Buffer.from(temporal.api.history.v1.History.encode(history).finish()) };
}

const encodingOf = (payload: temporal.api.common.v1.IPayload | null | undefined) =>
  Buffer.from(payload?.metadata?.encoding ?? []).toString();

/** A stored payload, decrypted with the codec and read with the default payload converter. */
async function decrypted(payload: temporal.api.common.v1.IPayload): Promise<unknown> {
  const [plain] = await codec.decode([payload as Payload]);
  return defaultPayloadConverter.fromPayload(plain!);
}

describe('activity failure encryption in workflow history', () => {
  it("stores an action's OktaValidationFailed with Okta's summary and causes encrypted, and the codec reads them", async () => {
    const input = { profile: { ...profile, email: profile.login }, password: 'tiny-pw' };
    const { failure, stored } = await failedAction('users.create', input);

    // Only the type stays in clear, for retry policies.
    expect(failure.applicationFailureInfo).toMatchObject({
      type: OktaErrorType.OktaValidationFailed,
      nonRetryable: true,
    });
    const okta = ['Api validation failed', 'Password requirements were not met', 'E0000001'];
    // Not firstName ('Ada'): three bytes can turn up in ciphertext by chance.
    const personal = [profile.login, profile.lastName, profile.mobilePhone, input.password];
    for (const text of [...okta, ...personal]) {
      expect(stored.includes(text, 0, 'utf8'), text).toBe(false);
    }
    expect(encodingOf(failure.encodedAttributes)).toBe(ENCRYPTED_ENCODING);
    const details = failure.applicationFailureInfo!.details!.payloads!;
    expect(details.map(encodingOf)).toEqual([ENCRYPTED_ENCODING]);

    const { message } = (await decrypted(failure.encodedAttributes!)) as { message: string };
    expect(message).toContain(
      'Api validation failed: password: password: Password requirements were not met',
    );
    expect(await decrypted(details[0]!)).toEqual({
      status: 400,
      errorCode: 'E0000001',
      errorCauses: [
        'password: Password requirements were not met. Password requirements: at least 8 characters.',
      ],
    });
  });

  it("keeps the login that Okta's not-found answer names out of the stored history, and the codec reads it", async () => {
    const { failure, stored } = await failedAction('users.get', { user: profile.login });

    expect(failure.applicationFailureInfo?.type).toBe(OktaErrorType.OktaNotFound);
    expect(stored.includes(profile.login, 0, 'utf8')).toBe(false);
    expect(stored.includes(encodeURIComponent(profile.login), 0, 'utf8')).toBe(false);
    expect(stored.includes('Resource not found', 0, 'utf8')).toBe(false);

    const { message } = (await decrypted(failure.encodedAttributes!)) as { message: string };
    expect(message).toContain(`Not found: Resource not found: ${profile.login} (User)`);
  });
});
