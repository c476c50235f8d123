import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NON_RETRYABLE_ERROR_TYPES, OktaErrorType } from '../../common/errors.js';
import { provisionWorkflowId } from '../../common/new-hire.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import type { OktaOrg } from '../versioning/harness.js';
import { startSampleWorker, type SampleWorker } from './sample-worker.js';

/** The sample workflows check their input again at the workflow boundary (a client may skip its own check). */

let sample: SampleWorker;
let org: OktaOrg;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  sample = await startSampleWorker('onboarding-input');
  ({ org, client, taskQueue } = sample);
}, 120_000);

afterAll(() => sample?.close());

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

/** The options of every activity a workflow scheduled, by activity type. */
async function scheduledActivities(workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history
    .events!.map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a): a is temporal.api.history.v1.IActivityTaskScheduledEventAttributes => !!a)
    .map((a) => ({
      activity: a.activityType!.name!,
      startToCloseSeconds: Number(a.startToCloseTimeout!.seconds),
      initialIntervalMs:
        Number(a.retryPolicy!.initialInterval!.seconds ?? 0) * 1000 +
        (a.retryPolicy!.initialInterval!.nanos ?? 0) / 1e6,
      maximumIntervalSeconds: Number(a.retryPolicy!.maximumInterval!.seconds),
      nonRetryable: a.retryPolicy!.nonRetryableErrorTypes,
    }));
}

describe('the onboarding workflows with activity options in their input', () => {
  it('apply them to Connect and to every Okta action of every child, keeping the non-retryable types', async () => {
    const workflowId = `${taskQueue}-options`;
    const hire = {
      login: `options.${taskQueue}@example.com`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      department: 'Engineering',
      title: 'Engineer',
      groups: ['Onboarding Options'],
    };
    const result = await client.workflow.execute('onboardNewHires', {
      args: [
        {
          hires: [hire],
          domain: org.test.org.domain,
          connection: EMULATOR_CONNECTIONS.service,
          activityOptions: {
            startToCloseTimeout: '7 seconds',
            retry: { initialInterval: 250, maximumInterval: '3s' },
          },
        },
      ],
      taskQueue,
      workflowId,
    });
    expect(result).toMatchObject({ done: 1, failed: 0 });

    const scheduled = [
      ...(await scheduledActivities(workflowId)),
      ...(await scheduledActivities(provisionWorkflowId(hire.login))),
    ];
    // The parent connects and resolves the group; the child creates the user in it in one call.
    expect(scheduled.map((a) => a.activity)).toEqual([
      'oktaConnect',
      'oktaGroupsList',
      'oktaGroupsCreate',
      'oktaUsersCreate',
    ]);
    for (const activity of scheduled) {
      expect(activity, activity.activity).toMatchObject({
        startToCloseSeconds: 7,
        initialIntervalMs: 250,
        maximumIntervalSeconds: 3,
      });
      expect(activity.nonRetryable).toEqual(expect.arrayContaining([...NON_RETRYABLE_ERROR_TYPES]));
    }
  });

  it('fail onboardNewHires, not its workflow task, on an activity option that is not a duration', async () => {
    const { error, taskFailed } = await failureOf('onboardNewHires', {
      hires: [{ login: 'ada@example.com', firstName: 'Ada', lastName: 'L', department: 'Eng', title: 'Eng' }],
      domain: org.test.org.domain,
      connection: EMULATOR_CONNECTIONS.service,
      activityOptions: { startToCloseTimeout: 'soon' },
    });

    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(OktaErrorType.OktaInvalidInput);
    expect(cause.message).toContain('activityOptions.startToCloseTimeout: must be a duration');
    expect(taskFailed).toBe(false);
  });
});

/** A Management API call with the org's SSWS token, outside any workflow. */
async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await org.test.fetch(`https://${org.test.org.domain}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `SSWS ${org.test.org.apiToken}`,
      accept: 'application/json',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  expect(res.ok, `${init.method ?? 'GET'} ${path}: HTTP ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

describe('the onboarding workflows on an org that already holds the login', () => {
  it('report a hire whose user was edited in Okta since as already provisioned, and put that user in its groups', async () => {
    const hire = {
      login: `edited.${taskQueue}@example.com`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      department: 'Engineering',
      title: 'Engineer',
      groups: ['Onboarding Edited'],
    };
    const existing = await api<{ id: string }>('/api/v1/users?activate=false', {
      method: 'POST',
      body: { profile: { login: hire.login, email: hire.login, firstName: 'Augusta', lastName: 'King' } },
    });

    const result = await client.workflow.execute('onboardNewHires', {
      args: [{ hires: [hire], domain: org.test.org.domain, connection: EMULATOR_CONNECTIONS.service }],
      taskQueue,
      workflowId: `${taskQueue}-edited`,
    });

    expect(result).toMatchObject({
      done: 1,
      failed: 0,
      hires: [{ login: hire.login, status: 'alreadyProvisioned', userId: existing.id }],
    });
    const groups = await api<{ profile: { name: string } }[]>(`/api/v1/users/${existing.id}/groups`);
    expect(groups.map((g) => g.profile.name)).toContain('Onboarding Edited');
  });
});
