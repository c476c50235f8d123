import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OktaSession } from '../../common/session.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { seededAppId } from 'temporal-okta-emulator/store';
import { activityFailureOf, startActionsHarness, type ActionsHarness } from './harness.js';
import { act, connectVariableTo } from './workflows.js';

let h: ActionsHarness;
/** A session of a connection granted only the four users and groups scopes (the `service-dpop` app). */
let fourScopes: OktaSession;
beforeAll(async () => {
  h = await startActionsHarness({ seedUsers: 5 });
  fourScopes = await h.execute<OktaSession>(connectVariableTo.name, [EMULATOR_CONNECTIONS.dpop]);
});
afterAll(async () => {
  await h?.close();
});

const runWithFourScopes = (name: string, options: Record<string, unknown>) =>
  h.execute(act.name, [fourScopes, name, options]);

describe('an action whose scope the session was not granted', () => {
  it('Connect succeeds on a connection without the apps and roles scopes: it requires the four', () => {
    expect([...fourScopes.scopes].sort()).toEqual([
      'okta.groups.manage',
      'okta.groups.read',
      'okta.users.manage',
      'okta.users.read',
    ]);
  });

  it('okta.apps.list fails with OktaMissingScopes naming okta.apps.read', async () => {
    const failure = await activityFailureOf(runWithFourScopes('apps.list', {}));
    expect(failure.type).toBe('OktaMissingScopes');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('okta.apps.read');
    expect(failure.details?.[0]).toMatchObject({ status: 403, missingScopes: ['okta.apps.read'] });
  });

  it('okta.apps.assignGroup fails with OktaMissingScopes naming okta.apps.manage', async () => {
    const everyone = ((await h.direct('GET', '/api/v1/groups?q=Everyone')).body as { id: string }[])[0]!;
    const failure = await activityFailureOf(
      runWithFourScopes('apps.assignGroup', { app: seededAppId('Slack'), group: everyone.id }),
    );
    expect(failure.type).toBe('OktaMissingScopes');
    expect(failure.details?.[0]).toMatchObject({ missingScopes: ['okta.apps.manage'] });
  });

  it('okta.roles.listForGroup fails with OktaMissingScopes naming okta.roles.read', async () => {
    const everyone = ((await h.direct('GET', '/api/v1/groups?q=Everyone')).body as { id: string }[])[0]!;
    const failure = await activityFailureOf(runWithFourScopes('roles.listForGroup', { group: everyone.id }));
    expect(failure.type).toBe('OktaMissingScopes');
    expect(failure.message).toContain('okta.roles.read');
  });

  it('okta.logs.query fails with OktaMissingScopes naming okta.logs.read', async () => {
    const failure = await activityFailureOf(runWithFourScopes('logs.query', {}));
    expect(failure.type).toBe('OktaMissingScopes');
    expect(failure.message).toContain('okta.logs.read');
  });

  it('an action within the granted scopes still works on that session', async () => {
    const users = await runWithFourScopes('users.list', { limit: 2 });
    expect((users as { items: unknown[] }).items).toHaveLength(2);
  });
});
