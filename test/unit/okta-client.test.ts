import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { OktaErrorType } from '../../common/errors.js';
import { OktaClient, type OktaAuthorizer } from '../../activities/okta-client.js';

/**
 * The invalid-token retry rule of the Management API client, with a scripted authorizer standing in for
 * the token cache and the network (the emulator-backed tests cover the real path).
 */
function scripted(answers: number[], invalidations: boolean[]) {
  const calls = { sends: 0, invalidations: 0 };
  const authorizer: OktaAuthorizer = {
    async send() {
      const status = answers[Math.min(calls.sends++, answers.length - 1)]!;
      return status === 401
        ? Response.json({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, { status })
        : Response.json({ id: '00u1' }, { status });
    },
    invalidate() {
      return invalidations[Math.min(calls.invalidations++, invalidations.length - 1)]!;
    },
  };
  return { calls, client: new OktaClient({ domain: 'companyabc.okta.com', authorizer }) };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('an invalid-token 401', () => {
  it('gets one fresh token and one retry, then fails with OktaInvalidToken', async () => {
    const { calls, client } = scripted([401], [true]);
    const failure = await failureOf(client.request({ method: 'GET', path: '/api/v1/users/00u1' }));
    expect(failure.type).toBe(OktaErrorType.OktaInvalidToken);
    expect(calls.sends).toBe(2);
  });

  it('does not count a retry whose token had been dropped meanwhile (a Disconnect on this worker)', async () => {
    const { calls, client } = scripted([401, 401, 200], [false, true]);
    const response = await client.request<{ id: string }>({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(response.body.id).toBe('00u1');
    expect(calls.sends).toBe(3);
  });

  it('stops after three retries even when every token had been replaced meanwhile', async () => {
    const { calls, client } = scripted([401], [false]);
    const failure = await failureOf(client.request({ method: 'GET', path: '/api/v1/users/00u1' }));
    expect(failure.type).toBe(OktaErrorType.OktaInvalidToken);
    expect(calls.sends).toBe(4);
  });
});
