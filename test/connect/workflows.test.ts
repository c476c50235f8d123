import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type Logger } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOktaActivities } from '../../activities/create-activities.js';
import { OktaErrorType } from '../../common/errors.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { SESSION_INTERCEPTORS_MODULE } from '../../worker/create-worker.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { activityFailureOf, historiesText, startedAttempts, textsOf } from './history.js';
import { startConnectTestOrg, type ConnectTestOrg } from './org.js';
import {
  connectActDisconnect,
  connectGetDisconnect,
  connectWith,
  sessionsEndToEnd,
  type Target,
} from './workflows.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/**
 * Connect, sessions and Disconnect in workflows on the dev server, with the real activities against the
 * emulated org over TLS.
 *
 * Log capture: before the worker is created, the Runtime's logger is swapped for one that records every
 * entry at TRACE level (the worker composes its logger from `Runtime.instance().logger` when it is
 * created), and `console` is spied on. So the captured lines are everything this worker, its workflows
 * (through the logger sink) and its activities log in this process, plus any console output; they do not
 * include the Temporal server's own logs, which never see anything but history.
 */

let env: TestWorkflowEnvironment;
let t: ConnectTestOrg;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('okta-connect');
const logLines: string[] = [];
let restoreLogger: () => void;
/** Every workflow this file started, children included, for the secrets audit. */
const workflowIds: string[] = [];
/** The fixture workflows that start one child, `${workflowId}-child`. */
const withChild = new Set<string>([sessionsEndToEnd.name, connectActDisconnect.name]);

function start<A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  const workflowId = `${workflow.name}-${randomUUID()}`;
  workflowIds.push(workflowId, ...(withChild.has(workflow.name) ? [`${workflowId}-child`] : []));
  return env.client.workflow.execute(workflow, { args, taskQueue, workflowId });
}

async function historyOf(workflowId: string) {
  return env.client.workflow.getHandle(workflowId).fetchHistory();
}

const target = (connection: string): Target => ({ domain: t.domain, connection });

function captureLogs(): () => void {
  const runtime = Runtime.instance() as { logger: Logger };
  const original = runtime.logger;
  runtime.logger = new DefaultLogger('TRACE', (entry) => {
    logLines.push(`${entry.level} ${entry.message} ${textsOf(entry.meta).join(' ')}`);
  });
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logLines.push(`console.${method} ${textsOf(args).join(' ')}`);
    }),
  );
  return () => {
    runtime.logger = original;
    for (const spy of spies) spy.mockRestore();
  };
}

beforeAll(async () => {
  t = await startConnectTestOrg();
  await t.authorize(EMULATOR_CONNECTIONS.web);
  env = await connectToDevServer();
  restoreLogger = captureLogs();
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities: createOktaActivities({
      connections: t.connections,
      buildId: 'connect-workflows-test',
      sessionKeys: testSessionKeys(),
    }),
    interceptors: { workflowModules: [SESSION_INTERCEPTORS_MODULE] },
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  restoreLogger?.();
  await env?.teardown();
  await t?.close();
});
afterEach(async () => {
  await t.controls.clearFaults();
});

describe('a workflow sees Connect fail with the stable type, after one attempt', () => {
  async function connectFails(connection: string, domain = t.domain) {
    const workflowId = `connectWith-${randomUUID()}`;
    workflowIds.push(workflowId);
    const failure = await activityFailureOf(
      env.client.workflow.execute(connectWith, {
        args: [{ domain, connection, session: { global: 'okta' } }],
        taskQueue,
        workflowId,
      }),
    );
    expect(startedAttempts(await historyOf(workflowId), 'oktaConnect')).toEqual([1]);
    return failure;
  }

  it('OktaInvalidDomain for the admin console host, naming the org domain to use', async () => {
    const failure = await connectFails(EMULATOR_CONNECTIONS.service, `https://companyabc-admin.okta.com/`);
    expect(failure.type).toBe(OktaErrorType.OktaInvalidDomain);
    expect(failure.message).toContain('Enter "companyabc.okta.com" instead');
  });

  it('OktaMissingScopes for the read-only app, saying where to grant the scopes', async () => {
    const failure = await connectFails(EMULATOR_CONNECTIONS.readonly);
    expect(failure.type).toBe(OktaErrorType.OktaMissingScopes);
    expect(failure.message).toContain('"Okta API Scopes"');
  });

  it('OktaAuthorizationRequired for an authorization-code connection that was never authorised', async () => {
    const failure = await connectFails('okta-web-post');
    expect(failure.type).toBe(OktaErrorType.OktaAuthorizationRequired);
    expect(failure.message).toContain('temporal-okta connections authorize okta-web-post');
  });

  it('OktaForbidden when the probe call answers 403', async () => {
    await t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 403, count: 1 });
    const failure = await connectFails(EMULATOR_CONNECTIONS.service);
    expect(failure.type).toBe(OktaErrorType.OktaForbidden);
    expect(failure.message).toContain('admin role');
  });
});

describe('a workflow retries a retryable Connect failure', () => {
  it('connects on the second attempt after discovery answered 503 once', async () => {
    // Discovery, not the token endpoint: the worker may already hold the connection's token.
    await t.controls.addFault({ pathPrefix: '/.well-known/', status: 503, count: 1 });
    const workflowId = `connectWith-${randomUUID()}`;
    workflowIds.push(workflowId);
    const session = await env.client.workflow.execute(connectWith, {
      args: [{ domain: t.domain, connection: EMULATOR_CONNECTIONS.service }],
      taskQueue,
      workflowId,
    });
    expect(session.connection).toBe(EMULATOR_CONNECTIONS.service);
    expect(startedAttempts(await historyOf(workflowId), 'oktaConnect')).toEqual([2]);
  });
});

describe('sessions on the real activities', () => {
  it('connects, gets a user and disconnects with each kind of connection', async () => {
    for (const connection of [
      EMULATOR_CONNECTIONS.service,
      EMULATOR_CONNECTIONS.dpop,
      EMULATOR_CONNECTIONS.web,
      EMULATOR_CONNECTIONS.ssws,
    ]) {
      expect(await start(connectGetDisconnect, target(connection), t.userLogin)).toMatch(/^00u/);
    }
  });

  it('resolves a name local first in the workflow and global in its child, uses a variable session by value, and refuses it once disconnected', async () => {
    const report = await start(
      sessionsEndToEnd,
      t.domain,
      {
        global: EMULATOR_CONNECTIONS.service,
        local: EMULATOR_CONNECTIONS.ssws,
        variable: EMULATOR_CONNECTIONS.dpop,
      },
      t.userLogin,
    );
    expect(report.parentNameResolvesTo).toBe(EMULATOR_CONNECTIONS.ssws);
    expect(report.child.connection).toBe(EMULATOR_CONNECTIONS.service);
    const userIds = new Set([report.parentUserByName, report.parentUserByVariable, report.child.userId]);
    expect(userIds.size).toBe(1);
    expect(report.afterDisconnect).toBe(OktaErrorType.OktaSessionDisconnected);
  });
});

describe('secrets never reach history or logs', () => {
  it('finds no token, client secret, private key or API token in any history, header, failure or log line', async () => {
    for (const connection of [
      EMULATOR_CONNECTIONS.service,
      EMULATOR_CONNECTIONS.dpop,
      EMULATOR_CONNECTIONS.web,
      EMULATOR_CONNECTIONS.ssws,
    ]) {
      await start(connectActDisconnect, target(connection), t.userLogin);
    }
    // A failing Connect too, so failure messages are in the audited histories.
    await t.controls.addFault({ pathPrefix: '/api/v1/users', method: 'GET', status: 403, count: 1 });
    await activityFailureOf(
      start(connectWith, { domain: t.domain, connection: EMULATOR_CONNECTIONS.service }),
    );

    const issued = await t.controls.tokens();
    const secrets = new Map<string, string>();
    for (const token of issued) secrets.set(token.value, `${token.kind} of ${token.clientId}`);
    for (const client of t.org.clients) {
      if (client.clientSecret) secrets.set(client.clientSecret, `client secret of ${client.name}`);
      const jwk = (client.privateKeyJwk ?? {}) as Record<string, unknown>;
      for (const field of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
        if (typeof jwk[field] === 'string') secrets.set(jwk[field], `private key ${field} of ${client.name}`);
      }
    }
    secrets.set(t.org.apiToken, 'SSWS API token');
    secrets.set(
      (await readFile(join(t.dir, 'refresh-token-store.key'), 'utf8')).trim(),
      'refresh-token store key',
    );
    expect(issued.filter((x) => x.kind === 'refresh_token').length).toBeGreaterThan(0);
    expect(issued.filter((x) => x.kind === 'access_token').length).toBeGreaterThan(8);

    const histories = await historiesText(env.client, workflowIds);
    // The audit reads decoded payloads: the user's login (an activity input) and a session id are in there.
    expect(histories).toContain(t.userLogin);
    expect(histories).toMatch(/"buildId":"connect-workflows-test"/);
    expect(histories).toContain(OktaErrorType.OktaForbidden);
    const logs = logLines.join('\n');
    expect(logs).toContain('Activity resolved');

    const leaks = [...secrets]
      .filter(([value]) => histories.includes(value) || logs.includes(value))
      .map(([, what]) => what);
    expect(leaks).toEqual([]);
  });
});
