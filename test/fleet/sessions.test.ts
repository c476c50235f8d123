import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { Client, WorkflowFailedError, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnections, type Connections } from '../../activities/connections.js';
import { requestToken } from '../../activities/oauth.js';
import { protectedRequest } from '../../activities/protected-request.js';
import { createSessionSigner } from '../../activities/session-signing.js';
import { OktaErrorType } from '../../common/errors.js';
import type { OktaSession } from '../../common/session.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { encodeSessionsHeader, SESSIONS_HEADER } from '../../workflows/interceptors.js';
import { activityFailureOf, startActionsHarness, type ActionsHarness } from '../actions/harness.js';
import { testSessionKeys } from '../helpers/session-keys.js';
import { act, connectGlobal, getUserOnInheritedSession } from './workflows.js';

/**
 * A session is minted by Connect and bound (docs/ARCHITECTURE.md §11): its fields cannot be changed on the way,
 * its token never leaves its connection's org, and only a parent or a previous run can hand it over.
 */

let h: ActionsHarness;
let connections: Connections;
let dir: string;
beforeAll(async () => {
  h = await startActionsHarness({
    seedUsers: 5,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  });
  dir = await mkdtemp(join(tmpdir(), 'okta-fleet-sessions-'));
  connections = await loadConnections({ file: await writeEmulatorConnections(h.t.org, dir) });
});
afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ONE_ATTEMPT = { activityOptions: { retry: { maximumAttempts: 1 } } };
const firstUser = async () =>
  ((await h.direct('GET', '/api/v1/users?limit=1')).body as { profile: { login: string } }[])[0]!.profile
    .login;

describe('a session value is checked by every worker', () => {
  it('is refused when its connection and domain were changed after Connect', async () => {
    const forged: OktaSession = { ...h.session, connection: EMULATOR_CONNECTIONS.ssws };
    const failure = await activityFailureOf(
      h.execute(act.name, [forged, 'users.get', { user: await firstUser(), ...ONE_ATTEMPT }]),
    );
    expect(failure.type).toBe(OktaErrorType.OktaSessionInvalid);
    expect(failure.message).toContain('a field was changed after Connect');
  });

  it('is refused when it carries no signature from Connect', async () => {
    const { signature: _dropped, ...unsigned } = h.session;
    const failure = await activityFailureOf(
      h.execute(act.name, [unsigned, 'users.get', { user: await firstUser(), ...ONE_ATTEMPT }]),
    );
    expect(failure.type).toBe(OktaErrorType.OktaSessionInvalid);
    expect(failure.message).toContain('carries no signature');
  });

  it('is refused, naming the keys to configure, when signed with a key this worker does not have', async () => {
    const { signature: _theirs, ...fields } = h.session;
    const elsewhere = createSessionSigner(testSessionKeys('other-fleet')).sign(fields);
    const failure = await activityFailureOf(
      h.execute(act.name, [elsewhere, 'users.get', { user: await firstUser(), ...ONE_ATTEMPT }]),
    );
    expect(failure.type).toBe(OktaErrorType.OktaSessionInvalid);
    expect(failure.message).toContain("signed with session key 'other-fleet'");
    expect(failure.message).toContain("it has 'test'");
    expect(failure.message).toContain('TEMPORAL_OKTA_SESSION_KEYS');
  });

  it('is accepted unchanged, as Connect signed it', async () => {
    const login = await firstUser();
    const user = await h.execute<{ profile: { login: string } }>(act.name, [
      h.session,
      'users.get',
      { user: login },
    ]);
    expect(user.profile.login).toBe(login);
  });
});

describe('a token stays with its org', () => {
  it('is never sent to a host other than its connection domain', async () => {
    const connection = connections.get(EMULATOR_CONNECTIONS.ssws)!;
    const token = await requestToken(connection);
    const error = await protectedRequest(connection, token, {
      method: 'GET',
      url: 'https://attacker.example.com/api/v1/users',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe(OktaErrorType.OktaInvalidInput);
    expect((error as ApplicationFailure).message).not.toContain(token.accessToken);
  });

  it('is never sent for a connection of another domain than the one it was issued for', async () => {
    const connection = connections.get(EMULATOR_CONNECTIONS.ssws)!;
    const token = await requestToken(connection);
    const elsewhere = { ...connection, domain: 'other.okta.com' };
    const error = await protectedRequest(elsewhere, token, {
      method: 'GET',
      url: 'https://other.okta.com/api/v1/users',
    }).catch((e: unknown) => e);
    expect((error as ApplicationFailure).type).toBe(OktaErrorType.OktaInvalidInput);
    expect((error as ApplicationFailure).message).toContain('issued for companyabc.okta.com');
  });
});

describe('the session header', () => {
  it('is refused when a client sets it on a workflow it starts', async () => {
    const global = await h.execute<OktaSession>(connectGlobal.name, []);
    const smuggler: WorkflowClientInterceptor = {
      start: (input, next) =>
        next({ ...input, headers: { ...input.headers, [SESSIONS_HEADER]: encodeSessionsHeader([global]) } }),
    };
    const client = new Client({
      connection: h.env.client.connection,
      interceptors: { workflow: [smuggler] },
    });
    const error = await client.workflow
      .execute(getUserOnInheritedSession, {
        args: [await firstUser()],
        taskQueue: h.taskQueue,
        workflowId: `${h.taskQueue}-smuggled-header`,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(OktaErrorType.OktaSessionInvalid);
    expect(cause.message).toContain('only a parent workflow or a previous run');
  });
});
