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
/** An Okta user profile: login, email, first and last name, plus any custom attribute. */
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

/** The input of `okta.users.create`, with the session resolved; checked in the workflow and again in the activity. */
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
/** What `okta.users.create` takes, with the session resolved (see {@link UsersCreateInputSchema}). */
export type UsersCreateInput = z.input<typeof UsersCreateInputSchema>;

/** The input of `okta.users.get`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersGetInputSchema = z.object({ session, user: userRef });
/** What `okta.users.get` takes, with the session resolved (see {@link UsersGetInputSchema}). */
export type UsersGetInput = z.input<typeof UsersGetInputSchema>;

/** The input of `okta.users.update`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersUpdateInputSchema = z.object({
  session,
  user: userRef,
  /** Profile attributes to change (partial update); with `replace`, the whole new profile. */
  profile: z.looseObject({}),
  /** Replace the whole profile (Okta's PUT) instead of a partial update (POST). */
  replace: z.boolean().default(false),
});
/** What `okta.users.update` takes, with the session resolved (see {@link UsersUpdateInputSchema}). */
export type UsersUpdateInput = z.input<typeof UsersUpdateInputSchema>;

/** The lifecycle operations of `okta.users.lifecycle` and its shorthands (`activate`, `suspend`, ...), as Okta names them. */
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
/** One of {@link UserLifecycleOperation}'s values. */
export type UserLifecycleOperation = (typeof UserLifecycleOperation)[keyof typeof UserLifecycleOperation];

/** The input of `okta.users.lifecycle`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersLifecycleInputSchema = z.object({
  session,
  user: userRef,
  operation: z.enum(UserLifecycleOperation),
  /** For activate, reactivate and reset_password: let Okta email the user (default false). */
  sendEmail: z.boolean().default(false),
});
/** What `okta.users.lifecycle` takes, with the session resolved (see {@link UsersLifecycleInputSchema}). */
export type UsersLifecycleInput = z.input<typeof UsersLifecycleInputSchema>;

/** The input of `okta.users.delete`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersDeleteInputSchema = z.object({ session, user: userRef });
/** What `okta.users.delete` takes, with the session resolved (see {@link UsersDeleteInputSchema}). */
export type UsersDeleteInput = z.input<typeof UsersDeleteInputSchema>;

/** The input of `okta.users.list`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersListInputSchema = z.object({ session, ...listQuery, ...bounded });
/** What `okta.users.list` takes, with the session resolved (see {@link UsersListInputSchema}). */
export type UsersListInput = z.input<typeof UsersListInputSchema>;

/** The input of `okta.users.listPage`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersListPageInputSchema = z.object({ session, ...listQuery, ...paged });
/** What `okta.users.listPage` takes, with the session resolved (see {@link UsersListPageInputSchema}). */
export type UsersListPageInput = z.input<typeof UsersListPageInputSchema>;

/** The input of `okta.users.groups`, with the session resolved; checked in the workflow and again in the activity. */
export const UserGroupsInputSchema = z.object({ session, user: userRef, ...bounded });
/** What `okta.users.groups` takes, with the session resolved (see {@link UserGroupsInputSchema}). */
export type UserGroupsInput = z.input<typeof UserGroupsInputSchema>;

/** An Okta group profile: its name and description, plus any custom attribute. */
export const GroupProfileSchema = z.looseObject({
  name: z.string().trim().min(1, 'must be the group name'),
  description: z.string().nullable().optional(),
});
/** An Okta group profile (see {@link GroupProfileSchema}). */
export type GroupProfile = z.infer<typeof GroupProfileSchema>;

/** The input of `okta.groups.create`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsCreateInputSchema = z.object({ session, profile: GroupProfileSchema });
/** What `okta.groups.create` takes, with the session resolved (see {@link GroupsCreateInputSchema}). */
export type GroupsCreateInput = z.input<typeof GroupsCreateInputSchema>;

/** The input of `okta.groups.get`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsGetInputSchema = z.object({ session, group: groupId });
/** What `okta.groups.get` takes, with the session resolved (see {@link GroupsGetInputSchema}). */
export type GroupsGetInput = z.input<typeof GroupsGetInputSchema>;

/** The input of `okta.groups.update`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsUpdateInputSchema = z.object({ session, group: groupId, profile: GroupProfileSchema });
/** What `okta.groups.update` takes, with the session resolved (see {@link GroupsUpdateInputSchema}). */
export type GroupsUpdateInput = z.input<typeof GroupsUpdateInputSchema>;

/** The input of `okta.groups.delete`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsDeleteInputSchema = z.object({ session, group: groupId });
/** What `okta.groups.delete` takes, with the session resolved (see {@link GroupsDeleteInputSchema}). */
export type GroupsDeleteInput = z.input<typeof GroupsDeleteInputSchema>;

/** The input of `okta.groups.list`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsListInputSchema = z.object({ session, ...listQuery, ...bounded });
/** What `okta.groups.list` takes, with the session resolved (see {@link GroupsListInputSchema}). */
export type GroupsListInput = z.input<typeof GroupsListInputSchema>;

/** The input of `okta.groups.listPage`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsListPageInputSchema = z.object({ session, ...listQuery, ...paged });
/** What `okta.groups.listPage` takes, with the session resolved (see {@link GroupsListPageInputSchema}). */
export type GroupsListPageInput = z.input<typeof GroupsListPageInputSchema>;

/** The input of `okta.groups.addUser` and `okta.groups.removeUser`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupMembershipInputSchema = z.object({ session, group: groupId, user: userRef });
/** What `okta.groups.addUser` and `okta.groups.removeUser` takes, with the session resolved (see {@link GroupMembershipInputSchema}). */
export type GroupMembershipInput = z.input<typeof GroupMembershipInputSchema>;

/** The input of `okta.groups.members`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupMembersInputSchema = z.object({ session, group: groupId, ...bounded });
/** What `okta.groups.members` takes, with the session resolved (see {@link GroupMembersInputSchema}). */
export type GroupMembersInput = z.input<typeof GroupMembersInputSchema>;

/** The input of `okta.groups.membersPage`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupMembersPageInputSchema = z.object({ session, group: groupId, ...paged });
/** What `okta.groups.membersPage` takes, with the session resolved (see {@link GroupMembersPageInputSchema}). */
export type GroupMembersPageInput = z.input<typeof GroupMembersPageInputSchema>;

/** The input of `okta.request`, with the session resolved; checked in the workflow and again in the activity. */
export const RawRequestInputSchema = z.object({
  session,
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  /** A Management API path, e.g. `/api/v1/users/00u1/factors`. */
  path: z.string().regex(/^\/api\/v1\//, 'must be a Management API path starting with /api/v1/'),
  query: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});
/** What `okta.request` takes, with the session resolved (see {@link RawRequestInputSchema}). */
export type RawRequestInput = z.input<typeof RawRequestInputSchema>;

/** An Okta group as the Management API returns it, without `_links`. */
export interface OktaGroup {
  /** The group's id (`00g...`). */
  id: string;
  /** When the group was created (ISO 8601). */
  created: string;
  /** When the group's profile last changed (ISO 8601). */
  lastUpdated: string;
  /** When the group's membership last changed (ISO 8601). */
  lastMembershipUpdated: string;
  /** Okta's object classes, e.g. `okta:user_group`. */
  objectClass: string[];
  /** `OKTA_GROUP`, `APP_GROUP` or `BUILT_IN`. */
  type: string;
  /** The group's name, description and custom attributes. */
  profile: GroupProfile;
}

/** A bounded listing's result. `truncated` says more matched than `limit`. */
export interface ListResult<T> {
  /** The items, at most `limit`. */
  items: T[];
  /** Whether more matched than `limit`. */
  truncated: boolean;
}

/** One page of a page-by-page listing; pass `cursor` back for the next page, absent after the last. */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** The cursor of the next page; absent after the last page. */
  cursor?: string;
}

/** The result of a raw request: status, JSON body and the next-page cursor when Okta gave one. */
export interface RawResponse {
  /** The HTTP status. */
  status: number;
  /** The parsed JSON body (`null` for an empty one). */
  body: unknown;
  /** The cursor of the next page, from Okta's `Link: rel="next"`. */
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
/** One of {@link UserOneTimeOperation}'s values. */
export type UserOneTimeOperation = (typeof UserOneTimeOperation)[keyof typeof UserOneTimeOperation];

/** The input of `okta.users.oneTimeValue`, with the session resolved; checked in the workflow and again in the activity. */
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
/** What `okta.users.oneTimeValue` takes, with the session resolved (see {@link UsersOneTimeValueInputSchema}). */
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
  /** The user as it is after the operation. */
  user: OktaUser;
  /** The activation link (activate, reactivate): a credential. */
  activationUrl?: string;
  /** The activation token in that link (activate, reactivate): a credential. */
  activationToken?: string;
  /** The reset-password link (reset_password): a credential. */
  resetPasswordUrl?: string;
  /** The temporary password (expire_password_with_temp_password): a credential. */
  tempPassword?: string;
}

/** The input of `okta.users.factors`, with the session resolved; checked in the workflow and again in the activity. */
export const UserFactorsInputSchema = z.object({ session, user: userRef });
/** What `okta.users.factors` takes, with the session resolved (see {@link UserFactorsInputSchema}). */
export type UserFactorsInput = z.input<typeof UserFactorsInputSchema>;

/** The input of `okta.users.resetFactors`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersResetFactorsInputSchema = z.object({ session, user: userRef });
/** What `okta.users.resetFactors` takes, with the session resolved (see {@link UsersResetFactorsInputSchema}). */
export type UsersResetFactorsInput = z.input<typeof UsersResetFactorsInputSchema>;

/** The input of `okta.users.clearSessions`, with the session resolved; checked in the workflow and again in the activity. */
export const UsersClearSessionsInputSchema = z.object({
  session,
  user: userRef,
  /** Okta's `oauthTokens`: also revoke the OpenID Connect and OAuth tokens issued to the user (default false). */
  oauthTokens: z.boolean().default(false),
  /** Okta's `forgetDevices`: also forget the user's remembered factors (Okta's default: true). */
  forgetDevices: z.boolean().optional(),
});
/** What `okta.users.clearSessions` takes, with the session resolved (see {@link UsersClearSessionsInputSchema}). */
export type UsersClearSessionsInput = z.input<typeof UsersClearSessionsInputSchema>;

/** An enrolled MFA factor as Okta returns it (`UserFactor`), without `_links` and `_embedded`. */
export interface OktaFactor {
  /** The factor's id. */
  id: string;
  /** e.g. `token:software:totp`, `sms`, `email`, `push`, `webauthn`. */
  factorType: string;
  /** The factor's provider, e.g. `OKTA`, `GOOGLE`. */
  provider: string;
  /** The provider's vendor name, when Okta gives one. */
  vendorName?: string;
  /** e.g. `ACTIVE`, `PENDING_ACTIVATION`. */
  status: string;
  /** When the factor was enrolled (ISO 8601). */
  created: string;
  /** When the factor last changed (ISO 8601). */
  lastUpdated: string;
  /** Factor-specific attributes (a phone number, an email address, a credential id): personal data. */
  profile?: Record<string, unknown>;
}

/** The input of `okta.groups.findByName`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupsFindByNameInputSchema = z.object({
  session,
  /** The group's exact name; Okta compares names case-insensitively. */
  name: z.string().trim().min(1, 'must be the group name'),
});
/** What `okta.groups.findByName` takes, with the session resolved (see {@link GroupsFindByNameInputSchema}). */
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

/** The input of `okta.logs.query`, with the session resolved; checked in the workflow and again in the activity. */
export const LogsQueryInputSchema = z.object({ session, ...logWindow, ...bounded });
/** What `okta.logs.query` takes, with the session resolved (see {@link LogsQueryInputSchema}). */
export type LogsQueryInput = z.input<typeof LogsQueryInputSchema>;

/** The input of `okta.logs.queryPage`, with the session resolved; checked in the workflow and again in the activity. */
export const LogsQueryPageInputSchema = z.object({ session, ...logWindow, ...paged });
/** What `okta.logs.queryPage` takes, with the session resolved (see {@link LogsQueryPageInputSchema}). */
export type LogsQueryPageInput = z.input<typeof LogsQueryPageInputSchema>;

/** The input of `okta.logs.poll`, with the session resolved; checked in the workflow and again in the activity. */
export const LogsPollInputSchema = z.object({
  session,
  ...logQuery,
  /** The cursor the previous poll returned; absent for the first poll, which starts at `since`. */
  cursor: z.string().min(1).optional(),
  /** Events per poll (Okta's default 100, at most 1,000). */
  pageSize: z.number().int().positive().max(1000).optional(),
});
/** What `okta.logs.poll` takes, with the session resolved (see {@link LogsPollInputSchema}). */
export type LogsPollInput = z.input<typeof LogsPollInputSchema>;

/**
 * A System Log event as Okta returns it (`LogEvent`). `uuid` identifies it; `actor` and `target` name
 * people (logins, display names): personal data, encrypted in history only with the payload codec on.
 */
export interface OktaLogEvent {
  /** The event's unique id. */
  uuid: string;
  /** When Okta recorded the event (ISO 8601). */
  published: string;
  /** The event type, e.g. `user.lifecycle.deactivate`. */
  eventType: string;
  /** A human-readable summary. */
  displayMessage?: string;
  /** `DEBUG`, `INFO`, `WARN` or `ERROR`. */
  severity?: string;
  /** Who did it (a user, an app, Okta itself). */
  actor?: { id: string; type: string; alternateId?: string; displayName?: string };
  /** What it was done to. */
  target?: { id: string; type: string; alternateId?: string; displayName?: string }[];
  /** Whether it succeeded (`SUCCESS`, `FAILURE`, ...) and why. */
  outcome?: { result: string; reason?: string | null };
  /** Okta's other fields (`client`, `authenticationContext`, ...), as returned. */
  [field: string]: unknown;
}

/** One poll of the System Log: the events recorded since the last poll, and where the next one starts. */
export interface LogPoll {
  /** The events recorded since the previous poll, oldest first. */
  events: OktaLogEvent[];
  /** Always set: pass it to the next poll, even after an empty one. */
  cursor: string;
}

const appId = id("an app's id (0oa...)");

/** The input of `okta.apps.list`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsListInputSchema = z.object({
  session,
  /** Okta's `q`: apps whose label or name starts with it. */
  q: z.string().min(1).optional(),
  /** Okta's `filter`, e.g. `status eq "ACTIVE"` (`id`, `status`, `name`, ...). */
  filter: z.string().min(1).optional(),
  ...bounded,
});
/** What `okta.apps.list` takes, with the session resolved (see {@link AppsListInputSchema}). */
export type AppsListInput = z.input<typeof AppsListInputSchema>;

/** The input of `okta.apps.listPage`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsListPageInputSchema = z.object({
  session,
  q: z.string().min(1).optional(),
  filter: z.string().min(1).optional(),
  cursor: paged.cursor,
  /** Page size (Okta's maximum for apps is 200). */
  pageSize: z.number().int().positive().max(200).optional(),
});
/** What `okta.apps.listPage` takes, with the session resolved (see {@link AppsListPageInputSchema}). */
export type AppsListPageInput = z.input<typeof AppsListPageInputSchema>;

/** The input of `okta.apps.assignUser`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsAssignUserInputSchema = z.object({
  session,
  app: appId,
  user: userRef,
  /** The user's app profile (app-specific attributes such as a role or a cost centre); default none. */
  profile: z.looseObject({}).optional(),
});
/** What `okta.apps.assignUser` takes, with the session resolved (see {@link AppsAssignUserInputSchema}). */
export type AppsAssignUserInput = z.input<typeof AppsAssignUserInputSchema>;

/** The input of `okta.apps.removeUser`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsRemoveUserInputSchema = z.object({ session, app: appId, user: userRef });
/** What `okta.apps.removeUser` takes, with the session resolved (see {@link AppsRemoveUserInputSchema}). */
export type AppsRemoveUserInput = z.input<typeof AppsRemoveUserInputSchema>;

/** The input of `okta.apps.users`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsUsersInputSchema = z.object({ session, app: appId, ...bounded });
/** What `okta.apps.users` takes, with the session resolved (see {@link AppsUsersInputSchema}). */
export type AppsUsersInput = z.input<typeof AppsUsersInputSchema>;

/** The input of `okta.apps.usersPage`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsUsersPageInputSchema = z.object({
  session,
  app: appId,
  cursor: paged.cursor,
  /** Page size (Okta's maximum for app users is 500). */
  pageSize: z.number().int().positive().max(500).optional(),
});
/** What `okta.apps.usersPage` takes, with the session resolved (see {@link AppsUsersPageInputSchema}). */
export type AppsUsersPageInput = z.input<typeof AppsUsersPageInputSchema>;

/** The input of `okta.apps.assignGroup`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsAssignGroupInputSchema = z.object({
  session,
  app: appId,
  group: groupId,
  /** Which group's profile wins for a user in several assigned groups (lower first); default the next. */
  priority: z.number().int().min(0).optional(),
  /** The app profile given to the group's members. */
  profile: z.looseObject({}).optional(),
});
/** What `okta.apps.assignGroup` takes, with the session resolved (see {@link AppsAssignGroupInputSchema}). */
export type AppsAssignGroupInput = z.input<typeof AppsAssignGroupInputSchema>;

/** The input of `okta.apps.removeGroup`, with the session resolved; checked in the workflow and again in the activity. */
export const AppsRemoveGroupInputSchema = z.object({ session, app: appId, group: groupId });
/** What `okta.apps.removeGroup` takes, with the session resolved (see {@link AppsRemoveGroupInputSchema}). */
export type AppsRemoveGroupInput = z.input<typeof AppsRemoveGroupInputSchema>;

/** The input of `okta.users.appLinks`, with the session resolved; checked in the workflow and again in the activity. */
export const UserAppLinksInputSchema = z.object({ session, user: userRef });
/** What `okta.users.appLinks` takes, with the session resolved (see {@link UserAppLinksInputSchema}). */
export type UserAppLinksInput = z.input<typeof UserAppLinksInputSchema>;

/** An app instance as Okta returns it (`Application`), without `_links` and `_embedded`. */
export interface OktaApp {
  /** The app's id (`0oa...`). */
  id: string;
  /** Okta's app key: `bookmark`, `salesforce`, or the generated key of a custom app. */
  name: string;
  /** The app's label, as users see it. */
  label: string;
  /** `ACTIVE` or `INACTIVE`. */
  status: string;
  /** e.g. `SAML_2_0`, `OPENID_CONNECT`, `BOOKMARK`. */
  signOnMode: string;
  /** When the app was created (ISO 8601). */
  created: string;
  /** When the app last changed (ISO 8601). */
  lastUpdated: string;
  /** The app's settings, as Okta returns them. */
  settings?: Record<string, unknown>;
  /** Okta's other fields, as returned. */
  [attribute: string]: unknown;
}

/** A user's assignment to an app (`AppUser`), without `_links`, `_embedded` and any password. */
export interface OktaAppUser {
  /** The Okta user's id. */
  id: string;
  /** `USER` for a direct assignment, `GROUP` for one through a group. */
  scope: 'USER' | 'GROUP';
  /** The assignment's status, e.g. `ACTIVE`, `PROVISIONED`. */
  status: string;
  /** When the assignment was made (ISO 8601). */
  created: string;
  /** When the assignment last changed (ISO 8601). */
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
  /** Which group's app profile wins for a user in several assigned groups (lower first). */
  priority?: number;
  /** The app profile given to the group's members. */
  profile?: Record<string, unknown>;
  /** When the assignment last changed (ISO 8601). */
  lastUpdated: string;
}

/** One app on a user's dashboard (`AssignedAppLink`). */
export interface OktaAppLink {
  /** The app's id (`0oa...`). */
  appInstanceId: string;
  /** Okta's app key, e.g. `salesforce`. */
  appName: string;
  /** The label on the dashboard. */
  label: string;
  /** The link that signs the user in to the app. */
  linkUrl: string;
  /** Whether the app is hidden from the dashboard. */
  hidden?: boolean;
  /** The id of the assignment that gives the user the app. */
  appAssignmentId?: string;
  /** Okta's other fields, as returned. */
  [attribute: string]: unknown;
}

const ruleId = id("a group rule's id (0pr...)");

/** The input of `okta.groupRules.create`, with the session resolved; checked in the workflow and again in the activity. */
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
/** What `okta.groupRules.create` takes, with the session resolved (see {@link GroupRulesCreateInputSchema}). */
export type GroupRulesCreateInput = z.input<typeof GroupRulesCreateInputSchema>;

/** The input of `okta.groupRules.list`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupRulesListInputSchema = z.object({
  session,
  /** Okta's `search`: a keyword of the rule names. */
  search: z.string().min(1).optional(),
  ...bounded,
});
/** What `okta.groupRules.list` takes, with the session resolved (see {@link GroupRulesListInputSchema}). */
export type GroupRulesListInput = z.input<typeof GroupRulesListInputSchema>;

/** The input of `okta.groupRules.get`, `okta.groupRules.activate` and `okta.groupRules.deactivate`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupRuleInputSchema = z.object({ session, rule: ruleId });
/** What `okta.groupRules.get`, `okta.groupRules.activate` and `okta.groupRules.deactivate` takes, with the session resolved (see {@link GroupRuleInputSchema}). */
export type GroupRuleInput = z.input<typeof GroupRuleInputSchema>;

/** The input of `okta.groupRules.delete`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupRulesDeleteInputSchema = z.object({
  session,
  rule: ruleId,
  /** Okta's `removeUsers`: also take out of the groups the users the rule put there (default false). */
  removeUsers: z.boolean().default(false),
});
/** What `okta.groupRules.delete` takes, with the session resolved (see {@link GroupRulesDeleteInputSchema}). */
export type GroupRulesDeleteInput = z.input<typeof GroupRulesDeleteInputSchema>;

/** A group rule as Okta returns it (`GroupRule`), in the shape actions return it. */
export interface OktaGroupRule {
  /** The rule's id (`0pr...`). */
  id: string;
  /** The rule's name, unique in the org. */
  name: string;
  /** `ACTIVE`, `INACTIVE`, or `INVALID` (a group it assigns was deleted). */
  status: string;
  /** The Okta expression users are matched with. */
  expression: string;
  /** The groups the rule puts matching users in. */
  groupIds: string[];
  /** Users the rule never applies to. */
  excludeUserIds: string[];
  /** When the rule was created (ISO 8601). */
  created: string;
  /** When the rule last changed (ISO 8601). */
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
/** One of {@link StandardRoleType}'s values. */
export type StandardRoleType = (typeof StandardRoleType)[keyof typeof StandardRoleType];

const role = z.enum(StandardRoleType, {
  error: `must be a standard role: ${Object.keys(StandardRoleType).join(', ')}`,
});

/** The input of `okta.roles.assignToUser` and `okta.roles.removeFromUser`, with the session resolved; checked in the workflow and again in the activity. */
export const UserRoleInputSchema = z.object({ session, user: userRef, role });
/** What `okta.roles.assignToUser` and `okta.roles.removeFromUser` takes, with the session resolved (see {@link UserRoleInputSchema}). */
export type UserRoleInput = z.input<typeof UserRoleInputSchema>;

/** The input of `okta.roles.assignToGroup` and `okta.roles.removeFromGroup`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupRoleInputSchema = z.object({ session, group: groupId, role });
/** What `okta.roles.assignToGroup` and `okta.roles.removeFromGroup` takes, with the session resolved (see {@link GroupRoleInputSchema}). */
export type GroupRoleInput = z.input<typeof GroupRoleInputSchema>;

/** The input of `okta.roles.listForUser`, with the session resolved; checked in the workflow and again in the activity. */
export const UserRolesInputSchema = z.object({ session, user: userRef });
/** What `okta.roles.listForUser` takes, with the session resolved (see {@link UserRolesInputSchema}). */
export type UserRolesInput = z.input<typeof UserRolesInputSchema>;

/** The input of `okta.roles.listForGroup`, with the session resolved; checked in the workflow and again in the activity. */
export const GroupRolesInputSchema = z.object({ session, group: groupId });
/** What `okta.roles.listForGroup` takes, with the session resolved (see {@link GroupRolesInputSchema}). */
export type GroupRolesInput = z.input<typeof GroupRolesInputSchema>;

/** An admin role assignment as Okta returns it (`StandardRole`), without `_links`. */
export interface OktaRoleAssignment {
  /** The assignment's id (used to unassign it). */
  id: string;
  /** The role type, e.g. `USER_ADMIN`. */
  type: string;
  /** The role's display name, e.g. `User Administrator`. */
  label: string;
  /** The assignment's status, e.g. `ACTIVE`. */
  status: string;
  /** `USER` when assigned to the user itself, `GROUP` when through one of its groups. */
  assignmentType: string;
  /** When the role was assigned (ISO 8601). */
  created: string;
  /** When the assignment last changed (ISO 8601). */
  lastUpdated: string;
}
