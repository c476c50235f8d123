import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startCodecServer } from '../../client/codec-server.js';
import type { CodecServer } from '../../client/codec-server.js';
import { bundleOktaWorkflows } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { ENCRYPTED_ENCODING } from '../../worker/codec.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { fromWire, newKeyring, payloadContains, profile, toWire } from './helpers.js';
import type { WirePayload } from './helpers.js';
import { echoProfile, rejectProfile } from './workflows.js';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const keys = newKeyring('history-key');
const dataConverter = createDataConverter(keys);
const token = randomBytes(32).toString('base64url');
const profileValues = Object.values(profile);

let env: TestWorkflowEnvironment;
let codecServer: CodecServer;

beforeAll(async () => {
  env = await connectToDevServer();
  codecServer = await startCodecServer({
    keys,
    auth: { kind: 'token', token },
    logger: { error: () => undefined },
  });
});
afterAll(async () => {
  await codecServer?.close();
  await env?.teardown();
});

/** Runs `workflow` with the encrypting data converter and returns its raw history, read without the codec. */
async function runAndFetchRawHistory(
  workflow: typeof echoProfile | typeof rejectProfile,
  bundle: 'workflowsPath' | 'bundleOktaWorkflows' = 'workflowsPath',
): Promise<{ history: temporal.api.history.v1.IHistory; outcome: unknown }> {
  const taskQueue = uniqueTaskQueue('codec-history');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...(bundle === 'workflowsPath'
      ? { workflowsPath }
      : { workflowBundle: await bundleOktaWorkflows({ workflowsPath }) }),
    dataConverter,
  });
  const client = new Client({ connection: env.connection, dataConverter });
  const outcome = await worker.runUntil(
    client.workflow
      .execute(workflow, { args: [{ ...profile }], taskQueue, workflowId: taskQueue })
      .catch((e: unknown) => e),
  );
  // env.client has the default data converter: it sees exactly what the server stores.
  const history = await env.client.workflow.getHandle(taskQueue).fetchHistory();
  return { history, outcome };
}

function decodeThroughCodecServer(payloads: Payload[], authorization?: string): Promise<Response> {
  return fetch(`${codecServer.url}/decode`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Namespace': 'default',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: JSON.stringify({ payloads: payloads.map(toWire) }),
  });
}

describe('payload encryption in workflow history', () => {
  let history: temporal.api.history.v1.IHistory;
  let input: Payload;
  let result: Payload;

  beforeAll(async () => {
    const run = await runAndFetchRawHistory(echoProfile);
    expect(run.outcome).toEqual(profile);
    history = run.history;
    const events = history.events ?? [];
    input = events.find((e) => e.workflowExecutionStartedEventAttributes)!
      .workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    result = events.find((e) => e.workflowExecutionCompletedEventAttributes)!
      .workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
  });

  it('stores the workflow input and result as ciphertext with no profile field in clear', () => {
    for (const payload of [input, result]) {
      expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
      for (const value of profileValues) expect(payloadContains(payload, value)).toBe(false);
    }
  });

  it('keeps every profile field value out of the whole serialised history', () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());

    for (const value of profileValues) expect(bytes.includes(value, 0, 'utf8')).toBe(false);
  });

  it('gives the profile back through the codec server for an authorised request', async () => {
    const response = await decodeThroughCodecServer([input, result], `Bearer ${token}`);

    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: WirePayload[] };
    expect(payloads.map((p) => defaultPayloadConverter.fromPayload(fromWire(p)))).toEqual([profile, profile]);
  });

  it('refuses to decode history payloads for an unauthorised request', async () => {
    const response = await decodeThroughCodecServer([input, result]);

    expect(response.status).toBe(401);
    const body = await response.text();
    for (const value of profileValues) expect(body).not.toContain(value);
  });
});

describe('failure encryption in workflow history', () => {
  it('stores a failure message that contains profile data as ciphertext, and the client still reads it', async () => {
    const { history, outcome } = await runAndFetchRawHistory(rejectProfile);

    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause?.message).toBe(`Cannot provision ${profile.login}`);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.includes(profile.login, 0, 'utf8')).toBe(false);
  });

  it('stores it as ciphertext too when the worker runs a bundle from bundleOktaWorkflows', async () => {
    const { history, outcome } = await runAndFetchRawHistory(rejectProfile, 'bundleOktaWorkflows');

    expect((outcome as WorkflowFailedError).cause?.message).toBe(`Cannot provision ${profile.login}`);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.includes(profile.login, 0, 'utf8')).toBe(false);
  });
});
