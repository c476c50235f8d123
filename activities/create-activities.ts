import { Context } from '@temporalio/activity';
import { ZodError } from 'zod';
import { ConnectInputSchema, DisconnectInputSchema, type OktaActivities } from '../common/contract.js';
import { OktaErrorType } from '../common/errors.js';
import { describeInvalidInput } from '../common/issues.js';
import { OktaSessionSchema, type OktaSession } from '../common/session.js';
import * as apps from './actions/apps.js';
import * as factors from './actions/factors.js';
import * as groupRules from './actions/group-rules.js';
import * as groups from './actions/groups.js';
import * as logs from './actions/logs.js';
import * as oneTime from './actions/one-time-values.js';
import * as raw from './actions/raw.js';
import * as roles from './actions/roles.js';
import * as users from './actions/users.js';
import type { ActionContext } from './actions/context.js';
import { connect, findConnection } from './connect.js';
import type { Connection, Connections } from './connections.js';
import { oktaFailure } from './failures.js';
import { requestScopedToken, type Token } from './oauth.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, OktaClient, type OktaAuthorizer } from './okta-client.js';
import { protectedRequest } from './protected-request.js';
import { createRateLimitPacer, type RateLimitPacer } from './rate-limit-pacer.js';
import { createSessionSigner } from './session-signing.js';
import { createTokenCache, type TokenCache } from './token-cache.js';
import { revokeAccessToken } from './token-revocation.js';
import type { CodecKeyring } from '../worker/keys.js';

/** What {@link createOktaActivities} needs: the worker's connections, build id and session keys. */
export interface OktaActivityDeps {
  /** The named connections every worker loads (`loadConnections()`). */
  connections: Connections;
  /** This worker's build id; sessions created by another build are refused (docs/ARCHITECTURE.md §6). */
  buildId: string;
  /**
   * The keys Connect signs sessions with and every action verifies them with (docs/ARCHITECTURE.md §11): the
   * payload codec's keyring (`loadCodecKeysFromEnv()`), or a dedicated one (`loadSessionKeysFromEnv()`).
   * Every worker of a fleet must be given the same keys.
   */
  sessionKeys: CodecKeyring;
  /** Per-request timeout, below the activities' start-to-close timeout. Default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * The worker's own state, which {@link createOktaActivities} creates: the token cache and the pacer that
 * reads Okta's rate-limit headers. The package's tests pass their own to look inside; no entry point
 * exports this.
 */
export interface ActivityState {
  tokens?: TokenCache;
  pacer?: RateLimitPacer;
}

/** Turns a zod error from an activity's input check into a non-retryable, field-naming failure. */
function invalidInput(activity: string, err: ZodError) {
  const { message, fields } = describeInvalidInput(activity, err);
  return oktaFailure(OktaErrorType.OktaInvalidInput, message, { details: [{ fields }] });
}

/**
 * Creates the Okta activities. Register the result on a worker (`createOktaWorker` does), and type
 * workflow proxies with {@link OktaActivities}.
 *
 * @example
 * const activities = createOktaActivities({
 *   connections: await loadConnections(), buildId: config.buildId, sessionKeys: codecKeys });
 */
export function createOktaActivities(deps: OktaActivityDeps) {
  return createActivitiesWith(deps, {});
}

/** {@link createOktaActivities} with a given token cache or pacer (see {@link ActivityState}). */
export function createActivitiesWith(deps: OktaActivityDeps, state: ActivityState) {
  const tokens = state.tokens ?? createTokenCache();
  const pacer = state.pacer ?? createRateLimitPacer();
  const signer = createSessionSigner(deps.sessionKeys);

  /**
   * A session value checked the way every worker checks it: its shape, Connect's signature (so none of
   * its fields was changed), and that its connection is configured here for the same domain.
   */
  function verifiedSession(value: unknown): { session: OktaSession; connection: Connection } {
    const parsed = OktaSessionSchema.safeParse(value);
    if (!parsed.success) {
      throw oktaFailure(
        OktaErrorType.OktaInvalidInput,
        'session: expected an OktaSession value returned by okta.connect.',
      );
    }
    const session: OktaSession = parsed.data;
    signer.verify(session);
    const connection = findConnection(deps.connections, session.connection);
    if (connection.domain !== session.domain) {
      throw oktaFailure(
        OktaErrorType.OktaDomainMismatch,
        `Session "${session.name}" is for ${session.domain}, but connection "${connection.name}" on this worker is configured for ${connection.domain}.`,
      );
    }
    return { session, connection };
  }

  /** Resolves a session value to a client for its org, refusing sessions this worker cannot serve. */
  function sessionContext(value: unknown): ActionContext {
    const { session, connection } = verifiedSession(value);
    if (session.buildId !== deps.buildId) {
      throw oktaFailure(
        OktaErrorType.OktaSessionVersionMismatch,
        `Session "${session.name}" was created by build ${session.buildId}, but this worker runs build ${deps.buildId}. ` +
          'A session may only be used by workflows of the build that created it: run parent and child workflows ' +
          'pinned to the same build (Worker Deployment Versioning), or connect again in this workflow.',
        { details: [{ sessionBuildId: session.buildId, workerBuildId: deps.buildId }] },
      );
    }
    const activity = Context.current();
    let current: Token | undefined;
    const authorizer: OktaAuthorizer = {
      async send(url, init) {
        current = await tokens.get(connection, () => requestScopedToken(connection));
        return protectedRequest(connection, current, {
          method: init.method,
          url,
          headers: init.headers,
          body: init.body,
          signal: init.signal,
        });
      },
      invalidate() {
        return tokens.invalidate(connection, current);
      },
    };
    return {
      client: new OktaClient({
        domain: connection.domain,
        authorizer,
        requestTimeoutMs: deps.requestTimeoutMs,
        signal: activity.cancellationSignal,
        pacer,
        // A held request must still start in time to finish within the attempt's start-to-close timeout.
        deadline:
          Date.now() +
          activity.info.startToCloseTimeoutMs -
          (deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      }),
      heartbeat: (details) => activity.heartbeat(details),
      lastHeartbeat: () => activity.info.heartbeatDetails,
    };
  }

  /** An action activity: validates its session, runs, and reports bad input as OktaInvalidInput. */
  function action<R>(name: string, run: (ctx: ActionContext, input: unknown) => Promise<R>) {
    return async (input: { session: OktaSession }): Promise<R> => {
      try {
        return await run(sessionContext(input?.session), input);
      } catch (err) {
        if (err instanceof ZodError) throw invalidInput(name, err);
        throw err;
      }
    };
  }

  return {
    async oktaConnect(input) {
      const parsed = ConnectInputSchema.safeParse(input);
      if (!parsed.success) throw invalidInput('oktaConnect', parsed.error);
      const session = await connect(
        { connections: deps.connections, tokens, buildId: deps.buildId },
        parsed.data,
      );
      return signer.sign(session);
    },
    async oktaDisconnect(input) {
      const parsed = DisconnectInputSchema.safeParse(input);
      if (!parsed.success) throw invalidInput('oktaDisconnect', parsed.error);
      const { session, connection } = verifiedSession(parsed.data.session);
      // The workflow refuses the session from now on, and tells its running children (workflows/okta.ts).
      // Here: take the connection's token out of this worker's cache, including one being obtained right
      // now, and revoke it. Other sessions of the connection on this worker get a fresh token on their
      // next call; other workers' tokens are not the session's own and expire on their own.
      for (const token of await tokens.drop(connection)) {
        await revokeAccessToken(connection, token).catch((err: unknown) => {
          // Best effort: the session has already ended for the workflow, and the token expires within its
          // lifetime. Say so in the worker log (the failure's type and message carry no secret).
          Context.current().log.warn('Could not revoke the access token of a disconnected Okta session', {
            session: session.id,
            error:
              err instanceof Error
                ? `${(err as { type?: string }).type ?? err.name}: ${err.message}`
                : String(err),
          });
        });
      }
    },
    oktaUsersGet: action('oktaUsersGet', users.get),
    oktaUsersCreate: action('oktaUsersCreate', users.create),
    oktaUsersUpdate: action('oktaUsersUpdate', users.update),
    oktaUsersLifecycle: action('oktaUsersLifecycle', users.lifecycle),
    oktaUsersOneTimeValue: action('oktaUsersOneTimeValue', oneTime.oneTimeValue),
    oktaUsersFactors: action('oktaUsersFactors', factors.factors),
    oktaUsersResetFactors: action('oktaUsersResetFactors', factors.resetFactors),
    oktaUsersClearSessions: action('oktaUsersClearSessions', factors.clearSessions),
    oktaUsersDelete: action('oktaUsersDelete', users.remove),
    oktaUsersList: action('oktaUsersList', users.list),
    oktaUsersListPage: action('oktaUsersListPage', users.listPageOfUsers),
    oktaUsersGroups: action('oktaUsersGroups', users.groups),
    oktaGroupsCreate: action('oktaGroupsCreate', groups.create),
    oktaGroupsGet: action('oktaGroupsGet', groups.get),
    oktaGroupsUpdate: action('oktaGroupsUpdate', groups.update),
    oktaGroupsFindByName: action('oktaGroupsFindByName', groups.findByName),
    oktaGroupsDelete: action('oktaGroupsDelete', groups.remove),
    oktaGroupsList: action('oktaGroupsList', groups.list),
    oktaGroupsListPage: action('oktaGroupsListPage', groups.listPageOfGroups),
    oktaGroupsAddUser: action('oktaGroupsAddUser', groups.addUser),
    oktaGroupsRemoveUser: action('oktaGroupsRemoveUser', groups.removeUser),
    oktaGroupsMembers: action('oktaGroupsMembers', groups.members),
    oktaGroupsMembersPage: action('oktaGroupsMembersPage', groups.membersPage),
    oktaLogsQuery: action('oktaLogsQuery', logs.query),
    oktaLogsQueryPage: action('oktaLogsQueryPage', logs.queryPage),
    oktaLogsPoll: action('oktaLogsPoll', logs.poll),
    oktaAppsList: action('oktaAppsList', apps.list),
    oktaAppsListPage: action('oktaAppsListPage', apps.listPageOfApps),
    oktaAppsAssignUser: action('oktaAppsAssignUser', apps.assignUser),
    oktaAppsRemoveUser: action('oktaAppsRemoveUser', apps.removeUser),
    oktaAppsUsers: action('oktaAppsUsers', apps.users),
    oktaAppsUsersPage: action('oktaAppsUsersPage', apps.usersPage),
    oktaAppsAssignGroup: action('oktaAppsAssignGroup', apps.assignGroup),
    oktaAppsRemoveGroup: action('oktaAppsRemoveGroup', apps.removeGroup),
    oktaUsersAppLinks: action('oktaUsersAppLinks', apps.appLinks),
    oktaGroupRulesCreate: action('oktaGroupRulesCreate', groupRules.create),
    oktaGroupRulesList: action('oktaGroupRulesList', groupRules.list),
    oktaGroupRulesGet: action('oktaGroupRulesGet', groupRules.get),
    oktaGroupRulesActivate: action('oktaGroupRulesActivate', groupRules.activate),
    oktaGroupRulesDeactivate: action('oktaGroupRulesDeactivate', groupRules.deactivate),
    oktaGroupRulesDelete: action('oktaGroupRulesDelete', groupRules.remove),
    oktaRolesAssignToUser: action('oktaRolesAssignToUser', roles.assignToUser),
    oktaRolesAssignToGroup: action('oktaRolesAssignToGroup', roles.assignToGroup),
    oktaRolesListForUser: action('oktaRolesListForUser', roles.listForUser),
    oktaRolesListForGroup: action('oktaRolesListForGroup', roles.listForGroup),
    oktaRolesRemoveFromUser: action('oktaRolesRemoveFromUser', roles.removeFromUser),
    oktaRolesRemoveFromGroup: action('oktaRolesRemoveFromGroup', roles.removeFromGroup),
    oktaRequest: action('oktaRequest', raw.request),
  } satisfies OktaActivities;
}

/** The activities `createOktaActivities` returns, for `proxyActivities<OktaActivityFunctions>()`. */
export type OktaActivityFunctions = ReturnType<typeof createOktaActivities>;
