import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { OktaLogEvent } from '../common/actions.js';

/** What to do with events of one type: start a workflow per event, or signal(-with-start) one. */
export type EventHookRoute =
  | {
      eventType: string;
      start: {
        workflowType: string;
        taskQueue: string;
        workflowIdPrefix?: string;
        /** Fields added to the workflow's argument beside `event` and `userId` (e.g. `domain`, `connection`). */
        input?: Record<string, unknown>;
      };
    }
  | {
      eventType: string;
      signal: { workflowId: string; signal: string; workflowType: string; taskQueue: string };
    };

/**
 * The argument a started or signalled workflow receives for one event; a started workflow's also has the
 * fields of its route's `start.input`.
 */
export interface EventHookInput {
  /** The System Log event Okta delivered. */
  event: OktaLogEvent;
  /** The id of the event's first `User` target, when it has one (the user the event is about). */
  userId?: string;
}

/** Options of {@link createEventHookReceiver}. */
export interface EventHookReceiverOptions {
  /** The Temporal client that starts and signals the workflows. */
  client: Client;
  /** The value Okta sends in the hook's authorization header (`channel.config.authScheme.value`). */
  secret: string;
  /** What to start or signal, by event type. */
  routes: EventHookRoute[];
  /** The header Okta sends the secret in; default `authorization`. */
  header?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Constant-time comparison of the two strings' SHA-256 digests (equal lengths whatever the input). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) res.writeHead(status).end();
  else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The workflow id of an event's workflow: the prefix and the event's `uuid`, the same on redelivery. */
export function eventWorkflowId(prefix: string, event: Pick<OktaLogEvent, 'uuid'>): string {
  return `${prefix}${event.uuid}`;
}

/**
 * An HTTP receiver for Okta event hooks that starts or signals Temporal workflows. It answers Okta's
 * one-time verification (GET with `X-Okta-Verification-Challenge`), refuses requests without the hook's
 * secret (401), and for each event of a configured type starts a workflow whose id comes from the event's
 * `uuid` (a redelivered event finds it already started: nothing happens twice), or signals one with
 * signal-with-start (the signalled workflow dedupes by `event.uuid`). It answers 200 once Temporal
 * accepted everything, else 500 so Okta retries.
 *
 * @example
 * const receiver = createEventHookReceiver({ client, secret, routes: [{ eventType: 'user.lifecycle.deactivate',
 *   start: { workflowType: 'offboarding', taskQueue: 'okta', workflowIdPrefix: 'offboard-' } }] });
 * const { port } = await receiver.listen({ port: 8080 }); // 127.0.0.1 unless `host` says otherwise
 */
export function createEventHookReceiver(options: EventHookReceiverOptions) {
  const header = (options.header ?? 'authorization').toLowerCase();

  async function dispatch(event: OktaLogEvent): Promise<void> {
    const userId = event.target?.find((t) => t.type === 'User')?.id;
    const input: EventHookInput = { event, ...(userId ? { userId } : {}) };
    for (const route of options.routes) {
      if (route.eventType !== event.eventType) continue;
      if ('start' in route) {
        try {
          await options.client.workflow.start(route.start.workflowType, {
            taskQueue: route.start.taskQueue,
            workflowId: eventWorkflowId(route.start.workflowIdPrefix ?? `okta-event-`, event),
            args: [{ ...route.start.input, ...input }],
            // A redelivered event: never a second run, whether the first is still running or done.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      } else {
        await options.client.workflow.signalWithStart(route.signal.workflowType, {
          taskQueue: route.signal.taskQueue,
          workflowId: route.signal.workflowId,
          signal: route.signal.signal,
          signalArgs: [input],
        });
      }
    }
  }

  /** Handles one request (mount it in another server, or use {@link listen}). */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = req.headers[header];
    if (typeof given !== 'string' || !sameSecret(given, options.secret)) return reply(res, 401);
    if (req.method === 'GET') {
      const challenge = req.headers['x-okta-verification-challenge'];
      if (typeof challenge !== 'string') return reply(res, 400);
      return reply(res, 200, { verification: challenge });
    }
    if (req.method !== 'POST') return reply(res, 405);
    let body: { data?: { events?: OktaLogEvent[] } };
    try {
      body = (await readJson(req)) as typeof body;
    } catch {
      return reply(res, 400);
    }
    try {
      for (const event of body.data?.events ?? []) await dispatch(event);
    } catch {
      return reply(res, 500); // Okta retries once
    }
    reply(res, 200);
  }

  return {
    handle,
    /** Listens on `host` (default 127.0.0.1) and `port` (default 0: any free one). */
    async listen(
      at: { host?: string; port?: number } = {},
    ): Promise<{ port: number; close(): Promise<void> }> {
      const server: Server = createServer((req, res) => void handle(req, res).catch(() => reply(res, 500)));
      await new Promise<void>((resolve) => server.listen(at.port ?? 0, at.host ?? '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
  };
}
