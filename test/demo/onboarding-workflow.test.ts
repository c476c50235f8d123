import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOktaActivities } from '../../activities/create-activities.js';
import { promoteBuild } from '../../client/deployments.js';
import { OktaErrorType } from '../../common/errors.js';
import { createOktaWorker } from '../../worker/create-worker.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/** The sample workflows check their input again at the workflow boundary (a client may skip its own check). */

const buildId = 'onboarding-test';
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  env = await connectToDevServer();
  taskQueue = uniqueTaskQueue('onboarding-input');
  worker = await createOktaWorker({
    connection: env.nativeConnection,
    config: { taskQueue, deploymentName: taskQueue, buildId },
    activities: createOktaActivities({ connections: new Map(), buildId, sessionKeys: testSessionKeys() }),
  });
  running = worker.run();
  client = env.client;
  await promoteBuild(client, { deploymentName: taskQueue, buildId });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

/** Runs a workflow by name and returns its failure, plus whether any workflow task failed on the way. */
async function failureOf(workflowType: string, input: unknown) {
  const workflowId = `${taskQueue}-${workflowType}`;
  const error = await client.workflow
    .execute(workflowType, { args: [input], taskQueue, workflowId })
    .catch((e: unknown) => e);
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const taskFailed = history.events!.some((e) => e.workflowTaskFailedEventAttributes);
  return { error, taskFailed };
}

describe('the onboarding workflows at their boundary', () => {
  it('fail onboardNewHires, not its workflow task, naming each field of a bad input', async () => {
    const { error, taskFailed } = await failureOf('onboardNewHires', {
      hires: [],
      domain: ' ',
      connection: 'okta-automation',
    });

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe(OktaErrorType.OktaInvalidInput);
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('hires: must list at least one new hire');
    expect(cause.message).toContain('domain: must be the Okta org domain');
    expect(taskFailed).toBe(false);
  });

  it('fail provisionNewHire, not its workflow task, on a hire without a valid login', async () => {
    const { error, taskFailed } = await failureOf('provisionNewHire', {
      login: 'not-an-email',
      firstName: 'Ada',
      lastName: 'Lovelace',
      department: 'Engineering',
      title: 'Engineer',
    });

    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(OktaErrorType.OktaInvalidInput);
    expect(cause.message).toContain('provisionNewHire: invalid input: login: must be the Okta login');
    expect(taskFailed).toBe(false);
  });
});
