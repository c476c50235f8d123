import { z } from 'zod';
import type * as A from './actions.js';
import { OktaSessionSchema, SessionKind, type OktaSession } from './session.js';

/**
 * The contract between the workflow-side API (`workflows/okta.ts`) and the activities
 * (`createOktaActivities(deps)`): each activity's name, input and result. Pure types and zod schemas,
 * usable on both sides.
 *
 * To add an action: define its input schema and result type here, add one entry to
 * {@link OktaActivities} (named as the activity is registered), then a wrapper in `workflows/okta.ts`.
 * Every action input carries the resolved `session` (an {@link OktaSession} value, never a name).
 */

/** Input of `oktaConnect`: what `okta.connect` validated, plus the calling workflow (recorded as the creator). */
export const ConnectInputSchema = z.object({
  /** The Okta org domain as the user gave it; the activity validates and normalises it (docs/ARCHITECTURE.md §2). */
  domain: z.string().min(1),
  /** Name of an OAuth 2.0 connection configured on the workers. */
  connection: z.string().min(1),
  /** The session to create: where it is visible, and its name (`default` unless given). */
  session: z.object({
    kind: z.enum(SessionKind),
    name: z.string().min(1),
  }),
  workflowId: z.string().min(1),
  runId: z.string().min(1),
});
/** The input of the `oktaConnect` activity (see {@link ConnectInputSchema}). */
export type ConnectInput = z.infer<typeof ConnectInputSchema>;

/** Input of `oktaDisconnect`: the session to end (its cached token is dropped and revoked where possible). */
export const DisconnectInputSchema = z.object({ session: OktaSessionSchema });
/** The input of the `oktaDisconnect` activity (see {@link DisconnectInputSchema}). */
export type DisconnectInput = z.infer<typeof DisconnectInputSchema>;

/** Okta's user statuses (`UserStatus` in the Management API). */
export const OktaUserStatus = {
  STAGED: 'STAGED',
  PROVISIONED: 'PROVISIONED',
  ACTIVE: 'ACTIVE',
  RECOVERY: 'RECOVERY',
  PASSWORD_EXPIRED: 'PASSWORD_EXPIRED',
  LOCKED_OUT: 'LOCKED_OUT',
  SUSPENDED: 'SUSPENDED',
  DEPROVISIONED: 'DEPROVISIONED',
} as const;
/** One of {@link OktaUserStatus}'s values. */
export type OktaUserStatus = (typeof OktaUserStatus)[keyof typeof OktaUserStatus];

/**
 * An Okta user as the Management API returns it (`User`), without `_links`, `_embedded` and credentials.
 * Timestamps are ISO 8601 strings; those Okta leaves unset are `null`. The profile keeps every custom
 * attribute of the org's user schema.
 */
export const OktaUserSchema = z.object({
  id: z.string().min(1),
  status: z.enum(OktaUserStatus),
  created: z.string(),
  activated: z.string().nullable(),
  statusChanged: z.string().nullable(),
  lastLogin: z.string().nullable(),
  lastUpdated: z.string(),
  passwordChanged: z.string().nullable(),
  type: z.object({ id: z.string() }).optional(),
  profile: z.looseObject({
    login: z.string(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
  }),
});
/** An Okta user as actions return it (see {@link OktaUserSchema}). */
export type OktaUser = z.infer<typeof OktaUserSchema>;

/**
 * What `okta.users.create` returns: the user, plus `alreadyExisted: true` when Okta already held a user
 * with the requested login and the same profile, which the action returned (after putting it in the
 * requested `groupIds`) instead of failing: a user made before this call, or by an earlier attempt of the
 * same activity whose answer was lost. A user created by this call has no such field.
 */
export type OktaCreatedUser = OktaUser & { alreadyExisted?: true };

/**
 * The activities of temporal-okta, keyed by their registered names. Workflows type their proxies with it
 * (`proxyActivities<OktaActivities>`), and `createOktaActivities(deps)` implements it.
 */
export interface OktaActivities {
  /** Connect (docs/ARCHITECTURE.md §2): validates domain and connection, obtains a token, returns the session. */
  oktaConnect(input: ConnectInput): Promise<OktaSession>;
  /** Ends a session: drops its token from the worker's cache and revokes it where the grant allows. */
  oktaDisconnect(input: DisconnectInput): Promise<void>;
  /** `GET /api/v1/users/{id or login}`. */
  oktaUsersGet(input: A.UsersGetInput): Promise<OktaUser>;
  /** Creates a user; returns the user an earlier attempt created when login and profile match. */
  oktaUsersCreate(input: A.UsersCreateInput): Promise<OktaCreatedUser>;
  /** Partial (POST) or full (PUT) profile update. */
  oktaUsersUpdate(input: A.UsersUpdateInput): Promise<OktaUser>;
  /** A lifecycle operation (activate, suspend, ...); returns the user with its new status. */
  oktaUsersLifecycle(input: A.UsersLifecycleInput): Promise<OktaUser>;
  /**
   * A lifecycle operation that returns a one-time value (an activation or reset-password link, a temporary
   * password) instead of emailing it. Sensitive: see {@link A.UserOneTimeValue}.
   */
  oktaUsersOneTimeValue(input: A.UsersOneTimeValueInput): Promise<A.UserOneTimeValue>;
  /** A user's enrolled MFA factors. */
  oktaUsersFactors(input: A.UserFactorsInput): Promise<A.OktaFactor[]>;
  /** Unenrolls every factor of a user; a user without factors is a success. */
  oktaUsersResetFactors(input: A.UsersResetFactorsInput): Promise<void>;
  /** Ends every Okta session of a user, optionally revoking their OAuth tokens; none left is a success. */
  oktaUsersClearSessions(input: A.UsersClearSessionsInput): Promise<void>;
  /** Deactivates, then deletes; a user already gone counts as deleted. */
  oktaUsersDelete(input: A.UsersDeleteInput): Promise<A.DeleteResult>;
  /** Lists or searches users, following pages up to `limit`; resumes from its heartbeat on retry. */
  oktaUsersList(input: A.UsersListInput): Promise<A.ListResult<OktaUser>>;
  /** One page of users; pass the returned cursor back for the next. */
  oktaUsersListPage(input: A.UsersListPageInput): Promise<A.Page<OktaUser>>;
  /** The groups a user belongs to. */
  oktaUsersGroups(input: A.UserGroupsInput): Promise<A.ListResult<A.OktaGroup>>;
  /** Creates a group. */
  oktaGroupsCreate(input: A.GroupsCreateInput): Promise<A.OktaGroup>;
  /** `GET /api/v1/groups/{id}`. */
  oktaGroupsGet(input: A.GroupsGetInput): Promise<A.OktaGroup>;
  /** Replaces a group's profile. */
  oktaGroupsUpdate(input: A.GroupsUpdateInput): Promise<A.OktaGroup>;
  /** The one group with this exact name (case-insensitive); OktaNotFound for none, OktaConflict for several. */
  oktaGroupsFindByName(input: A.GroupsFindByNameInput): Promise<A.OktaGroup>;
  /** Deletes a group; a group already gone counts as deleted. */
  oktaGroupsDelete(input: A.GroupsDeleteInput): Promise<A.DeleteResult>;
  /** Lists or searches groups, following pages up to `limit`; resumes from its heartbeat on retry. */
  oktaGroupsList(input: A.GroupsListInput): Promise<A.ListResult<A.OktaGroup>>;
  /** One page of groups; pass the returned cursor back for the next. */
  oktaGroupsListPage(input: A.GroupsListPageInput): Promise<A.Page<A.OktaGroup>>;
  /** Adds a member; adding twice is a success. */
  oktaGroupsAddUser(input: A.GroupMembershipInput): Promise<void>;
  /** Removes a member; removing an absent member is a success. */
  oktaGroupsRemoveUser(input: A.GroupMembershipInput): Promise<void>;
  /** A group's members, following pages up to `limit`. */
  oktaGroupsMembers(input: A.GroupMembersInput): Promise<A.ListResult<OktaUser>>;
  /** One page of a group's members. */
  oktaGroupsMembersPage(input: A.GroupMembersPageInput): Promise<A.Page<OktaUser>>;
  /** System Log events in a window (until defaults to now), up to `limit`; resumes from its heartbeat. */
  oktaLogsQuery(input: A.LogsQueryInput): Promise<A.ListResult<A.OktaLogEvent>>;
  /** One page of System Log events in a window. */
  oktaLogsQueryPage(input: A.LogsQueryPageInput): Promise<A.Page<A.OktaLogEvent>>;
  /** One poll of the System Log: the events after the cursor, and the next cursor (always set). */
  oktaLogsPoll(input: A.LogsPollInput): Promise<A.LogPoll>;
  /** Lists or searches apps (`q`, `filter`), following pages up to `limit`. */
  oktaAppsList(input: A.AppsListInput): Promise<A.ListResult<A.OktaApp>>;
  /** One page of apps; pass the returned cursor back for the next. */
  oktaAppsListPage(input: A.AppsListPageInput): Promise<A.Page<A.OktaApp>>;
  /** Assigns a user to an app with an app profile; assigning again is a success (the profile is set). */
  oktaAppsAssignUser(input: A.AppsAssignUserInput): Promise<A.OktaAppUser>;
  /** Removes a user's direct assignment; a user not assigned is a success. */
  oktaAppsRemoveUser(input: A.AppsRemoveUserInput): Promise<void>;
  /** An app's users (direct and through groups), up to `limit`. */
  oktaAppsUsers(input: A.AppsUsersInput): Promise<A.ListResult<A.OktaAppUser>>;
  /** One page of an app's users. */
  oktaAppsUsersPage(input: A.AppsUsersPageInput): Promise<A.Page<A.OktaAppUser>>;
  /** Assigns a group to an app (Okta's PUT: assigning again is a success). */
  oktaAppsAssignGroup(input: A.AppsAssignGroupInput): Promise<A.OktaAppGroupAssignment>;
  /** Removes a group's assignment; a group not assigned is a success. */
  oktaAppsRemoveGroup(input: A.AppsRemoveGroupInput): Promise<void>;
  /** The apps on a user's dashboard: every app assigned directly or through a group. */
  oktaUsersAppLinks(input: A.UserAppLinksInput): Promise<A.OktaAppLink[]>;
  /**
   * Creates a group rule (INACTIVE, or activated on request); returns the rule an earlier attempt created
   * when name and definition match.
   */
  oktaGroupRulesCreate(input: A.GroupRulesCreateInput): Promise<A.OktaGroupRule>;
  /** Lists group rules (`search` on names), following pages up to `limit`. */
  oktaGroupRulesList(input: A.GroupRulesListInput): Promise<A.ListResult<A.OktaGroupRule>>;
  /** `GET /api/v1/groups/rules/{id}`. */
  oktaGroupRulesGet(input: A.GroupRuleInput): Promise<A.OktaGroupRule>;
  /** Activates a rule; an active rule stays active. */
  oktaGroupRulesActivate(input: A.GroupRuleInput): Promise<A.OktaGroupRule>;
  /** Deactivates a rule; an inactive rule stays inactive. */
  oktaGroupRulesDeactivate(input: A.GroupRuleInput): Promise<A.OktaGroupRule>;
  /** Deactivates a rule if needed, then deletes it; a rule already gone counts as deleted. */
  oktaGroupRulesDelete(input: A.GroupRulesDeleteInput): Promise<A.DeleteResult>;
  /** Assigns a standard admin role to a user; a role the user already holds is a success. */
  oktaRolesAssignToUser(input: A.UserRoleInput): Promise<A.OktaRoleAssignment>;
  /** Assigns a standard admin role to a group; a role the group already holds is a success. */
  oktaRolesAssignToGroup(input: A.GroupRoleInput): Promise<A.OktaRoleAssignment>;
  /** A user's admin roles: its own and those of its groups. */
  oktaRolesListForUser(input: A.UserRolesInput): Promise<A.OktaRoleAssignment[]>;
  /** A group's admin roles. */
  oktaRolesListForGroup(input: A.GroupRolesInput): Promise<A.OktaRoleAssignment[]>;
  /** Unassigns a role assigned to the user itself; a role not assigned is a success. */
  oktaRolesRemoveFromUser(input: A.UserRoleInput): Promise<void>;
  /** Unassigns a role from a group; a role not assigned is a success. */
  oktaRolesRemoveFromGroup(input: A.GroupRoleInput): Promise<void>;
  /** Any Management API call with the session's authorisation. */
  oktaRequest(input: A.RawRequestInput): Promise<A.RawResponse>;
}

/** The name each activity is registered under on the worker. */
export type OktaActivityName = keyof OktaActivities;
