import { z } from 'zod';
import type { OktaUser } from './contract.js';
import { OktaSessionSchema } from './session.js';

/**
 * Inputs and results of the Okta user and group actions (docs/ARCHITECTURE.md §5). Every input carries the
 * resolved session value; workflows resolve names before calling the activity. Schemas are checked at
 * the workflow boundary and again in the activity.
 */

const session = OktaSessionSchema;
const id = (what: string) => z.string().trim().min(1, `must be ${what}`);
const userRef = id("a user's id (00u...) or login");
const groupId = id("a group's id (00g...)");

/** An Okta user profile: the four base attributes Okta requires, plus any custom attribute. */
export const UserProfileSchema = z.looseObject({
  login: z.string().trim().min(1, 'must be the login, usually an email address'),
  email: z.email('must be an email address'),
  firstName: z.string().trim().min(1, 'must be the first name'),
  lastName: z.string().trim().min(1, 'must be the last name'),
});
export type UserProfile = z.infer<typeof UserProfileSchema>;

/** The largest result a bounded listing returns; use the page-by-page form beyond it. */
export const MAX_LIST_LIMIT = 1000;

const listQuery = {
  /** Okta's simple prefix search on first name, last name and email. */
  q: z.string().min(1).optional(),
  /** Okta's `filter` expression, e.g. `status eq "ACTIVE"`. */
  filter: z.string().min(1).optional(),
  /** Okta's `search` expression, e.g. `profile.department eq "Engineering"`. */
  search: z.string().min(1).optional(),
};
const bounded = {
  /** At most this many results (default 200, at most {@link MAX_LIST_LIMIT}). */
  limit: z
    .number()
    .int()
    .positive()
    .max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}: use the page-by-page form`)
    .default(200),
};
const paged = {
  /** The cursor a previous page returned; absent for the first page. */
  cursor: z.string().min(1).optional(),
  /** Page size (Okta caps it per endpoint). */
  pageSize: z.number().int().positive().max(1000).optional(),
};

/** The most group ids Okta takes when it creates a user; add more with `okta.groups.addUser`. */
export const MAX_CREATE_GROUP_IDS = 20;

export const UsersCreateInputSchema = z.object({
  session,
  profile: UserProfileSchema,
  /** Activate now (default true). Without activation the user is STAGED. */
  activate: z.boolean().default(true),
  /**
   * An initial password. It travels in the activity input, so it is encrypted in history only when the
   * payload codec is on; prefer activation emails or a reset-password flow.
   */
  password: z.string().min(1).optional(),
  /**
   * Group ids (`OKTA_GROUP`s) to put the user in, in the same call (Okta takes at most 20). When the user
   * already exists with the same profile, the action adds it to these groups instead (idempotent).
   */
  groupIds: z
    .array(groupId)
    .max(MAX_CREATE_GROUP_IDS, `must list at most ${MAX_CREATE_GROUP_IDS} group ids (Okta's limit on create)`)
    .optional(),
});
export type UsersCreateInput = z.input<typeof UsersCreateInputSchema>;

export const UsersGetInputSchema = z.object({ session, user: userRef });
export type UsersGetInput = z.input<typeof UsersGetInputSchema>;

export const UsersUpdateInputSchema = z.object({
  session,
  user: userRef,
  /** Profile attributes to change (partial update); with `replace`, the whole new profile. */
  profile: z.looseObject({}),
  /** Replace the whole profile (Okta's PUT) instead of a partial update (POST). */
  replace: z.boolean().default(false),
});
export type UsersUpdateInput = z.input<typeof UsersUpdateInputSchema>;

export const UserLifecycleOperation = {
  activate: 'activate',
  reactivate: 'reactivate',
  deactivate: 'deactivate',
  suspend: 'suspend',
  unsuspend: 'unsuspend',
  unlock: 'unlock',
  resetPassword: 'reset_password',
  expirePassword: 'expire_password',
} as const;
export type UserLifecycleOperation = (typeof UserLifecycleOperation)[keyof typeof UserLifecycleOperation];

export const UsersLifecycleInputSchema = z.object({
  session,
  user: userRef,
  operation: z.enum(UserLifecycleOperation),
  /** For activate, reactivate and reset_password: let Okta email the user (default false). */
  sendEmail: z.boolean().default(false),
});
export type UsersLifecycleInput = z.input<typeof UsersLifecycleInputSchema>;

export const UsersDeleteInputSchema = z.object({ session, user: userRef });
export type UsersDeleteInput = z.input<typeof UsersDeleteInputSchema>;

export const UsersListInputSchema = z.object({ session, ...listQuery, ...bounded });
export type UsersListInput = z.input<typeof UsersListInputSchema>;

export const UsersListPageInputSchema = z.object({ session, ...listQuery, ...paged });
export type UsersListPageInput = z.input<typeof UsersListPageInputSchema>;

export const UserGroupsInputSchema = z.object({ session, user: userRef, ...bounded });
export type UserGroupsInput = z.input<typeof UserGroupsInputSchema>;

export const GroupProfileSchema = z.looseObject({
  name: z.string().trim().min(1, 'must be the group name'),
  description: z.string().nullable().optional(),
});
export type GroupProfile = z.infer<typeof GroupProfileSchema>;

export const GroupsCreateInputSchema = z.object({ session, profile: GroupProfileSchema });
export type GroupsCreateInput = z.input<typeof GroupsCreateInputSchema>;

export const GroupsGetInputSchema = z.object({ session, group: groupId });
export type GroupsGetInput = z.input<typeof GroupsGetInputSchema>;

export const GroupsUpdateInputSchema = z.object({ session, group: groupId, profile: GroupProfileSchema });
export type GroupsUpdateInput = z.input<typeof GroupsUpdateInputSchema>;

export const GroupsDeleteInputSchema = z.object({ session, group: groupId });
export type GroupsDeleteInput = z.input<typeof GroupsDeleteInputSchema>;

export const GroupsListInputSchema = z.object({ session, ...listQuery, ...bounded });
export type GroupsListInput = z.input<typeof GroupsListInputSchema>;

export const GroupsListPageInputSchema = z.object({ session, ...listQuery, ...paged });
export type GroupsListPageInput = z.input<typeof GroupsListPageInputSchema>;

export const GroupMembershipInputSchema = z.object({ session, group: groupId, user: userRef });
export type GroupMembershipInput = z.input<typeof GroupMembershipInputSchema>;

export const GroupMembersInputSchema = z.object({ session, group: groupId, ...bounded });
export type GroupMembersInput = z.input<typeof GroupMembersInputSchema>;

export const GroupMembersPageInputSchema = z.object({ session, group: groupId, ...paged });
export type GroupMembersPageInput = z.input<typeof GroupMembersPageInputSchema>;

export const RawRequestInputSchema = z.object({
  session,
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  /** A Management API path, e.g. `/api/v1/users/00u1/factors`. */
  path: z.string().regex(/^\/api\/v1\//, 'must be a Management API path starting with /api/v1/'),
  query: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});
export type RawRequestInput = z.input<typeof RawRequestInputSchema>;

/** An Okta group as the Management API returns it, without `_links`. */
export interface OktaGroup {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: string;
  profile: GroupProfile;
}

/** A bounded listing's result. `truncated` says more matched than `limit`. */
export interface ListResult<T> {
  items: T[];
  truncated: boolean;
}

/** One page of a page-by-page listing; pass `cursor` back for the next page, absent after the last. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** The result of a raw request: status, JSON body and the next-page cursor when Okta gave one. */
export interface RawResponse {
  status: number;
  body: unknown;
  cursor?: string;
}

/** What a retry-safe delete did. */
export interface DeleteResult {
  /** `deleted` now; `alreadyDeleted` when an earlier attempt (or someone else) had deleted it. */
  outcome: 'deleted' | 'alreadyDeleted';
}

/**
 * The lifecycle operations that hand back a one-time value instead of emailing it: Okta's `activate`,
 * `reactivate` and `reset_password` with `sendEmail=false`, and `expire_password_with_temp_password`.
 */
export const UserOneTimeOperation = {
  activate: 'activate',
  reactivate: 'reactivate',
  resetPassword: 'reset_password',
  expirePasswordWithTempPassword: 'expire_password_with_temp_password',
} as const;
export type UserOneTimeOperation = (typeof UserOneTimeOperation)[keyof typeof UserOneTimeOperation];

export const UsersOneTimeValueInputSchema = z.object({
  session,
  user: userRef,
  operation: z.enum(UserOneTimeOperation),
  /**
   * Okta's `revokeSessions`, for `reset_password` and `expire_password_with_temp_password`: also end the
   * user's sessions (default false).
   */
  revokeSessions: z.boolean().default(false),
});
export type UsersOneTimeValueInput = z.input<typeof UsersOneTimeValueInputSchema>;

/**
 * A one-time value Okta returned, with the user as it is afterwards. Exactly the fields Okta returned for
 * the operation are set: `activationUrl` and `activationToken` (activate, reactivate), `resetPasswordUrl`
 * (reset_password), `tempPassword` (expire_password_with_temp_password).
 *
 * Each is a credential: whoever holds it can set the user's password or sign in as the user. It travels
 * in the activity result, so run these actions only with the payload codec on (it encrypts history), hand
 * the value to the user over a trusted channel, and never log it.
 */
export interface UserOneTimeValue {
  user: OktaUser;
  activationUrl?: string;
  activationToken?: string;
  resetPasswordUrl?: string;
  tempPassword?: string;
}

export const UserFactorsInputSchema = z.object({ session, user: userRef });
export type UserFactorsInput = z.input<typeof UserFactorsInputSchema>;

export const UsersResetFactorsInputSchema = z.object({ session, user: userRef });
export type UsersResetFactorsInput = z.input<typeof UsersResetFactorsInputSchema>;

export const UsersClearSessionsInputSchema = z.object({
  session,
  user: userRef,
  /** Okta's `oauthTokens`: also revoke the OpenID Connect and OAuth tokens issued to the user (default false). */
  oauthTokens: z.boolean().default(false),
  /** Okta's `forgetDevices`: also forget the user's remembered factors (Okta's default: true). */
  forgetDevices: z.boolean().optional(),
});
export type UsersClearSessionsInput = z.input<typeof UsersClearSessionsInputSchema>;

/** An enrolled MFA factor as Okta returns it (`UserFactor`), without `_links` and `_embedded`. */
export interface OktaFactor {
  id: string;
  /** e.g. `token:software:totp`, `sms`, `email`, `push`, `webauthn`. */
  factorType: string;
  provider: string;
  vendorName?: string;
  /** e.g. `ACTIVE`, `PENDING_ACTIVATION`. */
  status: string;
  created: string;
  lastUpdated: string;
  /** Factor-specific attributes (a phone number, an email address, a credential id): personal data. */
  profile?: Record<string, unknown>;
}

export const GroupsFindByNameInputSchema = z.object({
  session,
  /** The group's exact name; Okta compares names case-insensitively. */
  name: z.string().trim().min(1, 'must be the group name'),
});
export type GroupsFindByNameInput = z.input<typeof GroupsFindByNameInputSchema>;

/** An ISO 8601 timestamp, as Okta's System Log takes `since` and `until`. */
const timestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 timestamp such as 2024-05-01T00:00:00Z',
});
const logQuery = {
  /** Events published at or after this time (Okta's default: seven days before `until`). */
  since: timestamp.optional(),
  /** Okta's `filter` expression, e.g. `eventType eq "user.lifecycle.deactivate"`. */
  filter: z.string().min(1).optional(),
  /** Keywords that every event returned contains (Okta's `q`: up to 10, case-insensitive). */
  q: z.string().min(1).optional(),
};
const logWindow = {
  ...logQuery,
  /**
   * Events published before this time. When absent, the activity's current time: a query always has an
   * end, so it terminates (without one Okta serves a never-ending polling query; see `okta.logs.poll`).
   */
  until: timestamp.optional(),
  /** `ASCENDING` (oldest first, the default) or `DESCENDING`. */
  sortOrder: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING'),
};

export const LogsQueryInputSchema = z.object({ session, ...logWindow, ...bounded });
export type LogsQueryInput = z.input<typeof LogsQueryInputSchema>;

export const LogsQueryPageInputSchema = z.object({ session, ...logWindow, ...paged });
export type LogsQueryPageInput = z.input<typeof LogsQueryPageInputSchema>;

export const LogsPollInputSchema = z.object({
  session,
  ...logQuery,
  /** The cursor the previous poll returned; absent for the first poll, which starts at `since`. */
  cursor: z.string().min(1).optional(),
  /** Events per poll (Okta's default 100, at most 1,000). */
  pageSize: z.number().int().positive().max(1000).optional(),
});
export type LogsPollInput = z.input<typeof LogsPollInputSchema>;

/**
 * A System Log event as Okta returns it (`LogEvent`). `uuid` identifies it; `actor` and `target` name
 * people (logins, display names): personal data, encrypted in history only with the payload codec on.
 */
export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  displayMessage?: string;
  severity?: string;
  actor?: { id: string; type: string; alternateId?: string; displayName?: string };
  target?: { id: string; type: string; alternateId?: string; displayName?: string }[];
  outcome?: { result: string; reason?: string | null };
  [field: string]: unknown;
}

/** One poll of the System Log: the events recorded since the last poll, and where the next one starts. */
export interface LogPoll {
  events: OktaLogEvent[];
  /** Always set: pass it to the next poll, even after an empty one. */
  cursor: string;
}

const appId = id("an app's id (0oa...)");

export const AppsListInputSchema = z.object({
  session,
  /** Okta's `q`: apps whose label or name starts with it. */
  q: z.string().min(1).optional(),
  /** Okta's `filter`, e.g. `status eq "ACTIVE"` (`id`, `status`, `name`, ...). */
  filter: z.string().min(1).optional(),
  ...bounded,
});
export type AppsListInput = z.input<typeof AppsListInputSchema>;

export const AppsListPageInputSchema = z.object({
  session,
  q: z.string().min(1).optional(),
  filter: z.string().min(1).optional(),
  cursor: paged.cursor,
  /** Page size (Okta's maximum for apps is 200). */
  pageSize: z.number().int().positive().max(200).optional(),
});
export type AppsListPageInput = z.input<typeof AppsListPageInputSchema>;

export const AppsAssignUserInputSchema = z.object({
  session,
  app: appId,
  user: userRef,
  /** The user's app profile (app-specific attributes such as a role or a cost centre); default none. */
  profile: z.looseObject({}).optional(),
});
export type AppsAssignUserInput = z.input<typeof AppsAssignUserInputSchema>;

export const AppsRemoveUserInputSchema = z.object({ session, app: appId, user: userRef });
export type AppsRemoveUserInput = z.input<typeof AppsRemoveUserInputSchema>;

export const AppsUsersInputSchema = z.object({ session, app: appId, ...bounded });
export type AppsUsersInput = z.input<typeof AppsUsersInputSchema>;

export const AppsUsersPageInputSchema = z.object({
  session,
  app: appId,
  cursor: paged.cursor,
  /** Page size (Okta's maximum for app users is 500). */
  pageSize: z.number().int().positive().max(500).optional(),
});
export type AppsUsersPageInput = z.input<typeof AppsUsersPageInputSchema>;

export const AppsAssignGroupInputSchema = z.object({
  session,
  app: appId,
  group: groupId,
  /** Which group's profile wins for a user in several assigned groups (lower first); default the next. */
  priority: z.number().int().min(0).optional(),
  /** The app profile given to the group's members. */
  profile: z.looseObject({}).optional(),
});
export type AppsAssignGroupInput = z.input<typeof AppsAssignGroupInputSchema>;

export const AppsRemoveGroupInputSchema = z.object({ session, app: appId, group: groupId });
export type AppsRemoveGroupInput = z.input<typeof AppsRemoveGroupInputSchema>;

export const UserAppLinksInputSchema = z.object({ session, user: userRef });
export type UserAppLinksInput = z.input<typeof UserAppLinksInputSchema>;

/** An app instance as Okta returns it (`Application`), without `_links` and `_embedded`. */
export interface OktaApp {
  id: string;
  /** Okta's app key: `bookmark`, `salesforce`, or the generated key of a custom app. */
  name: string;
  label: string;
  /** `ACTIVE` or `INACTIVE`. */
  status: string;
  /** e.g. `SAML_2_0`, `OPENID_CONNECT`, `BOOKMARK`. */
  signOnMode: string;
  created: string;
  lastUpdated: string;
  settings?: Record<string, unknown>;
  [attribute: string]: unknown;
}

/** A user's assignment to an app (`AppUser`), without `_links`, `_embedded` and any password. */
export interface OktaAppUser {
  /** The Okta user's id. */
  id: string;
  /** `USER` for a direct assignment, `GROUP` for one through a group. */
  scope: 'USER' | 'GROUP';
  status: string;
  created: string;
  lastUpdated: string;
  /** The app profile. */
  profile: Record<string, unknown>;
  /** The user name in the app, when the app keeps one. */
  userName?: string;
}

/** A group's assignment to an app (`ApplicationGroupAssignment`), without `_links`. */
export interface OktaAppGroupAssignment {
  /** The group's id. */
  id: string;
  priority?: number;
  profile?: Record<string, unknown>;
  lastUpdated: string;
}

/** One app on a user's dashboard (`AssignedAppLink`). */
export interface OktaAppLink {
  appInstanceId: string;
  appName: string;
  label: string;
  linkUrl: string;
  hidden?: boolean;
  appAssignmentId?: string;
  [attribute: string]: unknown;
}

const ruleId = id("a group rule's id (0pr...)");

export const GroupRulesCreateInputSchema = z.object({
  session,
  /** The rule's name, unique in the org (1 to 50 characters). */
  name: z.string().trim().min(1, 'must be the rule name').max(50, 'must be at most 50 characters'),
  /** An Okta expression on the user, e.g. `user.department=="Engineering"`. */
  expression: z.string().trim().min(1, 'must be an Okta expression such as user.department=="Sales"'),
  /** The groups the rule puts matching users in. */
  groupIds: z.array(groupId).min(1, 'must name at least one group'),
  /** Users the rule never applies to. */
  excludeUserIds: z.array(z.string().trim().min(1)).optional(),
  /** Activate the rule once created (Okta creates rules INACTIVE); default false. */
  activate: z.boolean().default(false),
});
export type GroupRulesCreateInput = z.input<typeof GroupRulesCreateInputSchema>;

export const GroupRulesListInputSchema = z.object({
  session,
  /** Okta's `search`: a keyword of the rule names. */
  search: z.string().min(1).optional(),
  ...bounded,
});
export type GroupRulesListInput = z.input<typeof GroupRulesListInputSchema>;

export const GroupRuleInputSchema = z.object({ session, rule: ruleId });
export type GroupRuleInput = z.input<typeof GroupRuleInputSchema>;

export const GroupRulesDeleteInputSchema = z.object({
  session,
  rule: ruleId,
  /** Okta's `removeUsers`: also take out of the groups the users the rule put there (default false). */
  removeUsers: z.boolean().default(false),
});
export type GroupRulesDeleteInput = z.input<typeof GroupRulesDeleteInputSchema>;

/** A group rule as Okta returns it (`GroupRule`), in the shape actions return it. */
export interface OktaGroupRule {
  id: string;
  name: string;
  /** `ACTIVE`, `INACTIVE`, or `INVALID` (a group it assigns was deleted). */
  status: string;
  /** The Okta expression users are matched with. */
  expression: string;
  groupIds: string[];
  excludeUserIds: string[];
  created: string;
  lastUpdated: string;
}

/**
 * Okta's standard admin roles that the roles actions assign (`StandardRoleAssignmentSchema`, answered as
 * `StandardRole`). Custom roles and the IAM-based standard roles go through `okta.request`.
 */
export const StandardRoleType = {
  SUPER_ADMIN: 'SUPER_ADMIN',
  ORG_ADMIN: 'ORG_ADMIN',
  APP_ADMIN: 'APP_ADMIN',
  USER_ADMIN: 'USER_ADMIN',
  HELP_DESK_ADMIN: 'HELP_DESK_ADMIN',
  READ_ONLY_ADMIN: 'READ_ONLY_ADMIN',
  GROUP_MEMBERSHIP_ADMIN: 'GROUP_MEMBERSHIP_ADMIN',
  REPORT_ADMIN: 'REPORT_ADMIN',
  API_ACCESS_MANAGEMENT_ADMIN: 'API_ACCESS_MANAGEMENT_ADMIN',
} as const;
export type StandardRoleType = (typeof StandardRoleType)[keyof typeof StandardRoleType];

const role = z.enum(StandardRoleType, {
  error: `must be a standard role: ${Object.keys(StandardRoleType).join(', ')}`,
});

export const UserRoleInputSchema = z.object({ session, user: userRef, role });
export type UserRoleInput = z.input<typeof UserRoleInputSchema>;

export const GroupRoleInputSchema = z.object({ session, group: groupId, role });
export type GroupRoleInput = z.input<typeof GroupRoleInputSchema>;

export const UserRolesInputSchema = z.object({ session, user: userRef });
export type UserRolesInput = z.input<typeof UserRolesInputSchema>;

export const GroupRolesInputSchema = z.object({ session, group: groupId });
export type GroupRolesInput = z.input<typeof GroupRolesInputSchema>;

/** An admin role assignment as Okta returns it (`StandardRole`), without `_links`. */
export interface OktaRoleAssignment {
  /** The assignment's id (used to unassign it). */
  id: string;
  /** The role type, e.g. `USER_ADMIN`. */
  type: string;
  label: string;
  status: string;
  /** `USER` when assigned to the user itself, `GROUP` when through one of its groups. */
  assignmentType: string;
  created: string;
  lastUpdated: string;
}
