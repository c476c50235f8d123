import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OktaErrorType } from '../../common/errors.js';
import { OktaSessionSchema } from '../../common/session.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';
import {
  connectWith,
  localAndVariable,
  sameNameLocalAndGlobal,
  useAfterDisconnect,
  useName,
} from './fixtures.js';
import { LEAKY_CONNECTION } from './fake-activities.js';
import { applicationFailureOf, startFixtureWorker, type FixtureWorker } from './worker.js';

describe('sessions inside one workflow', () => {
  let env: TestWorkflowEnvironment;
  let worker: FixtureWorker;
  const taskQueue = uniqueTaskQueue('okta-sessions');
  const start = <A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A) =>
    env.client.workflow.execute(workflow, {
      args,
      taskQueue,
      workflowId: `${workflow.name}-${randomUUID()}`,
    });

  beforeAll(async () => {
    env = await connectToDevServer();
    worker = await startFixtureWorker(env, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  it('uses a local session by name and a variable session by value in the same workflow', async () => {
    const { local, variable, usedByName, usedByValue } = await start(localAndVariable);
    expect(local.kind).toBe('local');
    expect(variable.kind).toBe('variable');
    expect(usedByName).toBe(local.id);
    expect(usedByValue).toBe(variable.id);
  });

  it('hands the activity the resolved session value, not the name', async () => {
    const { local } = await start(localAndVariable);
    const call = worker.calls.find((c) => c.activity === 'oktaUsersGet' && c.session.id === local.id);
    expect(call?.session).toEqual(local);
  });

  it('resolves a name to the local session before a global session of the same name', async () => {
    const { global, local, used } = await start(sameNameLocalAndGlobal);
    expect(global.id).not.toBe(local.id);
    expect(used).toBe(local.id);
  });

  it('refuses an unknown name with OktaSessionNotFound listing the visible names by kind', async () => {
    const failure = await applicationFailureOf(start(useName, 'gamma'));
    expect(failure.type).toBe(OktaErrorType.OktaSessionNotFound);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain("No Okta session named 'gamma'");
    expect(failure.message).toContain("local 'alpha'; global 'beta'");
  });

  it('refuses a disconnected session used by name with OktaSessionDisconnected', async () => {
    const failure = await applicationFailureOf(start(useAfterDisconnect, 'name'));
    expect(failure.type).toBe(OktaErrorType.OktaSessionDisconnected);
    expect(failure.message).toContain("'okta' was disconnected");
  });

  it('refuses a disconnected session used by value with OktaSessionDisconnected', async () => {
    const failure = await applicationFailureOf(start(useAfterDisconnect, 'value'));
    expect(failure.type).toBe(OktaErrorType.OktaSessionDisconnected);
    expect(failure.message).toContain("'okta' (local, id ");
  });

  it('fails the workflow with OktaInvalidInput naming the field when the session option is malformed', async () => {
    const options = { domain: 'companyabc.okta.com', connection: 'okta-automation', session: { global: '' } };
    const failure = await applicationFailureOf(start(connectWith, options));
    expect(failure.type).toBe(OktaErrorType.OktaInvalidInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/^okta\.connect: invalid input: session\.global: /);
  });

  it('keeps only the OktaSession fields of what the Connect activity returned', async () => {
    const session = await start(connectWith, { domain: 'companyabc.okta.com', connection: LEAKY_CONNECTION });
    expect(Object.keys(session).sort()).toEqual(Object.keys(OktaSessionSchema.shape).sort());
  });

  it('defaults to a local session named default when no session option is given', async () => {
    const session = await start(connectWith, {
      domain: 'companyabc.okta.com',
      connection: 'okta-automation',
    });
    expect(session).toMatchObject({ kind: 'local', name: 'default' });
  });
});
