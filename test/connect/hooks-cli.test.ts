import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEventHookConfig } from '../../cli/event-hook-config.js';
import { eventWorkflowId } from '../../client/event-hooks.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { generateCodecKey } from '../../worker/keys.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * `temporal-okta hooks serve` as an operator runs it: the real command in a child process, configured by
 * a file whose secret is a reference, starting workflows on the test run's dev server.
 */

const BIN = fileURLToPath(new URL('../../bin/temporal-okta.js', import.meta.url));
const SECRET = `hook-${randomUUID()}`;

let dir: string;
let child: ChildProcess;
let env: TestWorkflowEnvironment;
let url: string;
let stdout = '';
const taskQueue = uniqueTaskQueue('hooks-cli');
const prefix = `${taskQueue}-offboard-`;

beforeAll(async () => {
  env = await connectToDevServer();
  dir = await mkdtemp(join(tmpdir(), 'okta-hooks-cli-'));
  const config = join(dir, 'hooks.json');
  await writeFile(join(dir, 'hook.secret'), `${SECRET}\n`, { mode: 0o600 });
  await writeFile(
    config,
    JSON.stringify({
      secret: { file: 'hook.secret' },
      routes: [
        {
          eventType: 'user.lifecycle.deactivate',
          start: { workflowType: 'offboardUser', taskQueue, workflowIdPrefix: prefix },
        },
      ],
    }),
  );
  const { id, key } = generateCodecKey();
  child = spawn(process.execPath, [BIN, 'hooks', 'serve', '--config', config, '--port', '0'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('devServerAddress'),
      TEMPORAL_OKTA_CODEC_KEYS: `${id}:${key}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hooks serve did not start:\n${stdout}\n${stderr}`)),
      60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /receiver on (http:\/\/\S+\/)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`hooks serve exited (${code}):\n${stdout}\n${stderr}`)));
  });
});
afterAll(async () => {
  child?.kill('SIGTERM');
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function deliver(events: object[], secret = SECRET): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: secret, 'content-type': 'application/json' },
    body: JSON.stringify({ eventType: 'com.okta.event_hook', cloudEventsVersion: '0.1', data: { events } }),
  });
}

describe('temporal-okta hooks serve', () => {
  it("answers Okta's one-time verification, which carries the hook secret too, with the challenge", async () => {
    const res = await fetch(url, {
      headers: { authorization: SECRET, 'x-okta-verification-challenge': 'challenge-123' },
    });
    expect(await res.json()).toEqual({ verification: 'challenge-123' });
  });

  it('refuses a delivery without the hook secret', async () => {
    expect((await deliver([], 'wrong')).status).toBe(401);
  });

  it('starts the configured workflow once per event, even when the event is delivered twice', async () => {
    const event = {
      uuid: randomUUID(),
      published: new Date().toISOString(),
      eventType: 'user.lifecycle.deactivate',
      target: [{ id: '00u1deactivated', type: 'User' }],
    };
    expect((await deliver([event])).status).toBe(200);
    expect((await deliver([event])).status).toBe(200);
    const workflowId = eventWorkflowId(prefix, event);
    const runs = [];
    for await (const run of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      runs.push(run);
    expect(runs.map((r) => r.type)).toEqual(['offboardUser']);
  });
});

describe('the event hook configuration', () => {
  it("passes a start route's input on to the receiver, for the started workflow's argument", async () => {
    const file = join(dir, 'input.json');
    const input = { domain: 'companyabc.okta.com', connection: 'okta-automation' };
    await writeFile(
      file,
      JSON.stringify({
        secret: { env: 'HOOK_SECRET' },
        routes: [
          {
            eventType: 'user.lifecycle.deactivate',
            start: { workflowType: 'offboardUser', taskQueue, input },
          },
        ],
      }),
    );
    const config = await loadEventHookConfig(file, { HOOK_SECRET: 's' });
    expect(config.routes[0]).toMatchObject({ start: { input } });
  });

  it('refuses an inline secret, naming the field and what to write', async () => {
    const file = join(dir, 'inline.json');
    await writeFile(file, JSON.stringify({ secret: 'plain', routes: [] }));
    await expect(loadEventHookConfig(file)).rejects.toThrow(/secret.*"env".*"file".*never written inline/);
  });
});
