import { z } from 'zod';
import { OktaSessionSchema } from './session.js';

/**
 * Inputs and results of the Okta user and group actions (DESIGN section 5). Every input carries the
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
