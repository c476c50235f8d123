import { randomUUID } from 'node:crypto';
import type { ConnectInput, OktaActivities, OktaUser } from '../../common/contract.js';
import type { OktaSession } from '../../common/session.js';
import { createSessionSigner } from '../../activities/session-signing.js';
import { testSessionKeys } from '../helpers/session-keys.js';

/** A connection name for which the fake Connect returns an extra `accessToken` field. */
export const LEAKY_CONNECTION = 'leaky-connection';

/** One call a fake activity received: which activity, and the session value it was handed. */
export interface FakeCall {
  activity: keyof OktaActivities;
  session: OktaSession;
  input: unknown;
}

/**
 * Activities implementing the OktaActivities contract without Okta, for specifying workflow-side
 * behaviour: Connect returns a fresh session, users.get returns a user whose profile names the session
 * it was called with, and every call is recorded.
 */
/** The part of the contract the session tests exercise. */
export type SessionActivities = Pick<OktaActivities, 'oktaConnect' | 'oktaDisconnect' | 'oktaUsersGet'>;

export function createFakeOktaActivities(): { activities: SessionActivities; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const signer = createSessionSigner(testSessionKeys());
  const activities: SessionActivities = {
    async oktaConnect(input: ConnectInput): Promise<OktaSession> {
      const session: OktaSession = signer.sign({
        id: randomUUID(),
        name: input.session.name,
        kind: input.session.kind,
        domain: input.domain.toLowerCase(),
        connection: input.connection,
        scopes: ['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.groups.manage'],
        buildId: 'fake-build',
        createdAt: new Date().toISOString(),
        createdBy: { workflowId: input.workflowId, runId: input.runId },
      });
      calls.push({ activity: 'oktaConnect', session, input });
      // A misbehaving Connect for one connection name: its result carries a field that is not an OktaSession's.
      if (input.connection === LEAKY_CONNECTION)
        return { ...session, accessToken: 'fake-token' } as OktaSession;
      return session;
    },
    async oktaDisconnect(input): Promise<void> {
      calls.push({ activity: 'oktaDisconnect', session: input.session, input });
    },
    async oktaUsersGet(input): Promise<OktaUser> {
      calls.push({ activity: 'oktaUsersGet', session: input.session, input });
      const now = new Date().toISOString();
      return {
        id: '00u1fake',
        status: 'ACTIVE',
        created: now,
        activated: now,
        statusChanged: now,
        lastLogin: null,
        lastUpdated: now,
        passwordChanged: null,
        profile: {
          login: input.user,
          email: input.user,
          firstName: 'Ada',
          lastName: 'Lovelace',
          sessionId: input.session.id,
        },
      };
    },
  };
  return { activities, calls };
}
