import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHookReceiver, eventWorkflowId } from '../../client/event-hooks.js';
import type { OktaLogEvent } from '../../common/actions.js';
import { newProfile, startActionsHarness, type ActionsHarness } from './harness.js';
import { onUserDeactivated } from './event-hooks-workflows.js';

const workflowsPath = fileURLToPath(new URL('./event-hooks-workflows.ts', import.meta.url));
const SECRET = 'hook-secret-for-tests';

let h: ActionsHarness;
beforeAll(async () => {
  h = await startActionsHarness({ workflowsPath });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('Okta event hooks into Temporal', () => {
  it('starts the configured workflow once for a deactivation, even when Okta delivers it twice', async () => {
    const prefix = `${h.taskQueue}-deactivated-`;
    const receiver = createEventHookReceiver({
      client: h.env.client,
      secret: SECRET,
      routes: [
        {
          eventType: 'user.lifecycle.deactivate',
          start: { workflowType: onUserDeactivated.name, taskQueue: h.taskQueue, workflowIdPrefix: prefix },
        },
      ],
    });
    // The receiver handles the first delivery fully, but Okta is told 500, so it delivers again.
    const answers: number[] = [];
    const server = createServer((req, res) => {
      void (async () => {
        if (req.method === 'POST' && answers.length === 0) {
          const discard = { writeHead: () => discard, end: () => discard } as unknown as ServerResponse;
          await receiver.handle(req, discard);
          answers.push(500);
          res.writeHead(500).end();
          return;
        }
        if (req.method === 'POST') res.once('finish', () => answers.push(res.statusCode));
        await receiver.handle(req, res);
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const hook = await h.direct('POST', '/api/v1/eventHooks', {
        name: 'Deactivations',
        events: { type: 'EVENT_TYPE', items: ['user.lifecycle.deactivate'] },
        channel: {
          type: 'HTTP',
          version: '1.0.0',
          config: {
            uri: `http://127.0.0.1:${port}/okta/events`,
            authScheme: { type: 'HEADER', key: 'Authorization', value: SECRET },
          },
        },
      });
      const id = (hook.body as { id: string }).id;
      const verified = await h.direct('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);
      expect(verified.body).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });

      const user = (await h.direct('POST', '/api/v1/users?activate=true', { profile: newProfile('hooked') }))
        .body as { id: string };
      await h.direct('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`);
      const filter = encodeURIComponent(
        `eventType eq "user.lifecycle.deactivate" and target.id eq "${user.id}"`,
      );
      const [event] = (await h.direct('GET', `/api/v1/logs?filter=${filter}`)).body as OktaLogEvent[];

      await until(async () => answers.length === 2, 'the redelivery');
      expect(answers).toEqual([500, 200]);
      const workflowId = eventWorkflowId(prefix, event!);
      expect(await h.env.client.workflow.getHandle(workflowId).result()).toBe(user.id);
      const runs = async () => {
        let n = 0;
        for await (const _ of h.env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) n++;
        return n;
      };
      await until(async () => (await runs()) > 0, 'visibility');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await runs()).toBe(1);
    } finally {
      server.close();
    }
  }, 120_000);

  it('refuses a delivery without the hook secret with 401', async () => {
    const receiver = createEventHookReceiver({ client: h.env.client, secret: SECRET, routes: [] });
    const listening = await receiver.listen();
    try {
      const res = await fetch(`http://127.0.0.1:${listening.port}/`, {
        method: 'POST',
        headers: { authorization: 'wrong', 'content-type': 'application/json' },
        body: JSON.stringify({ data: { events: [] } }),
      });
      expect(res.status).toBe(401);
    } finally {
      await listening.close();
    }
  });
});
