import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { SimplePlugin } from '@temporalio/plugin';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteBuild } from '../../client/deployments.js';
import { ENCRYPTED_ENCODING } from '../../worker/codec.js';
import { generateCodecKey, parseCodecKeys } from '../../worker/keys.js';
import { OktaPlugin } from '../../worker/plugin.js';
import { connectToDevServer } from '../helpers/temporal.js';
import { startOktaOrg, uniqueDeployment, versioningOf, workflowsPath, type OktaOrg } from './harness.js';
import { globalToGrandchild } from './workflows.js';

const { id, key } = generateCodecKey();
const codecKeys = parseCodecKeys(`${id}:${key}`);

describe('the Okta plugin', () => {
  let env: TestWorkflowEnvironment;
  let org: OktaOrg;
  beforeAll(async () => {
    [env, org] = await Promise.all([connectToDevServer(), startOktaOrg()]);
  });
  afterAll(async () => {
    await org?.close();
    await env?.teardown();
  });

  it('installs on Worker.create and new Client beside another plugin: activities, session interceptors, encryption, PINNED', async () => {
    const { taskQueue, deploymentName } = uniqueDeployment('okta-plugin');
    const buildId = '1.0.0+plugin';
    // Another integration's plugin, composed with ours: its activity is registered beside the Okta ones.
    const other = new SimplePlugin({ name: 'other', activities: { otherPing: async () => 'pong' } });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath,
      plugins: [
        new OktaPlugin({ codecKeys, connections: org.connections, deployment: { deploymentName, buildId } }),
        other,
      ],
    });
    const client = new Client({
      connection: env.client.connection,
      plugins: [new OktaPlugin({ codecKeys })],
    });

    await worker.runUntil(async () => {
      await promoteBuild(client, { deploymentName, buildId, timeoutMs: 30_000 });
      const handle = await client.workflow.start(globalToGrandchild, {
        taskQueue,
        workflowId: `okta-plugin-${randomUUID()}`,
      });
      const { session, work } = await handle.result();
      // The child and grandchild acted in Okta on the parent's global session: the interceptors are in.
      expect(work.map((w) => w.sessionId)).toEqual([session.id, session.id]);
      for (const w of work) expect((await org.getUser(w.login))?.id).toBe(w.userId);
      expect(await versioningOf(handle)).toEqual({ deploymentName, buildId, behavior: 'PINNED' });
      // The result is encrypted in history: only the plugin's data converter can read it.
      const completed = (await handle.fetchHistory()).events?.find(
        (e) => e.workflowExecutionCompletedEventAttributes,
      )?.workflowExecutionCompletedEventAttributes;
      const encoding = completed?.result?.payloads?.[0]?.metadata?.encoding;
      expect(Buffer.from(encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    });
    expect([...worker.options.activities.keys()]).toEqual(
      expect.arrayContaining(['oktaConnect', 'otherPing']),
    );
  });

  it('refuses to register the activities without a build id and keys to sign sessions with', () => {
    expect(() => new OktaPlugin({ connections: org.connections })).toThrow(
      'registering the Okta activities needs `deployment`',
    );
  });
});
