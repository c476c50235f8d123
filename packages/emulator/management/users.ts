import { randomBytes } from 'node:crypto';
import {
  LoginTakenError,
  type GroupRecord,
  type UserProfile,
  type UserRecord,
  type UserStatus,
} from '../store.js';
import { OktaApiError, notFound, validationFailed } from '../okta-errors.js';
import { ALL_OPERATORS, expressionMatcher, type ExpressionRules, type Operator } from './expressions.js';
import { linkHeaders, listPage } from './pagination.js';
import { groupJson, userJson, userSearchView } from './serialize.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/** Okta's page sizes for `GET /api/v1/users`: 200 by default and at most, 10 by default with `q`. */
export const USERS_DEFAULT_LIMIT = 200;
export const USERS_MAX_LIMIT = 200;
export const USERS_Q_DEFAULT_LIMIT = 10;
/** Okta's default password policy: at least 8 characters. */
export const MIN_PASSWORD_LENGTH = 8;
/** Okta takes at most 20 group ids when it creates a user (more can be added afterwards). */
export const MAX_CREATE_GROUP_IDS = 20;

const DATES: readonly Operator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'pr'];
const EQ: readonly Operator[] = ['eq'];

/** `filter` on users supports what Okta documents: `eq` on a few attributes, ranges on `lastUpdated`. */
export const userFilterRules: ExpressionRules = {
  attributes: {
    id: EQ,
    status: EQ,
    'profile.login': EQ,
    'profile.email': EQ,
    'profile.firstName': EQ,
    'profile.lastName': EQ,
    'type.id': EQ,
    lastUpdated: ['eq', 'gt', 'ge', 'lt', 'le'],
  },
};

/** `search` on users: any profile attribute and the top-level properties, with all operators. */
export const userSearchRules: ExpressionRules = {
  attributes: {
    id: ['eq', 'ne', 'sw', 'pr'],
    status: ['eq', 'ne'],
    'type.id': ['eq', 'ne'],
    created: DATES,
    activated: DATES,
    statusChanged: DATES,
    lastUpdated: DATES,
    lastLogin: DATES,
    passwordChanged: DATES,
    'profile.*': ALL_OPERATORS,
  },
};

const REQUIRED_PROFILE = ['login', 'email', 'firstName', 'lastName'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function findUser(ctx: RequestContext): UserRecord {
  const idOrLogin = ctx.params.id!;
  const user = ctx.store.getUser(idOrLogin);
  if (!user) throw notFound(idOrLogin, 'User');
  return user;
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationFailed(field, [`${field}: Must be a JSON object`]);
  }
  return value as Record<string, unknown>;
}

/** Checks a complete profile: the four required attributes, email-shaped login and email. */
function validateProfile(profile: Record<string, unknown>): UserProfile {
  const causes: string[] = [];
  let firstField: string | undefined;
  for (const field of REQUIRED_PROFILE) {
    const value = profile[field];
    if (typeof value !== 'string' || value.trim() === '') {
      causes.push(`${field}: The field cannot be left blank`);
      firstField ??= field;
    } else if (field === 'login' && !EMAIL.test(value)) {
      causes.push('login: Username must be in the form of an email address');
      firstField ??= field;
    } else if (field === 'email' && !EMAIL.test(value)) {
      causes.push('email: Does not match required pattern');
      firstField ??= field;
    }
  }
  if (firstField) throw validationFailed(firstField, causes);
  return profile as UserProfile;
}

function readPassword(credentials: Record<string, unknown>): string | undefined {
  const password = asObject(credentials.password, 'password');
  if (password.value === undefined) return undefined;
  if (typeof password.value !== 'string' || password.value.length < MIN_PASSWORD_LENGTH) {
    throw validationFailed('password', [
      `password: Password requirements were not met. Password requirements: at least ${MIN_PASSWORD_LENGTH} characters.`,
    ]);
  }
  return password.value;
}

function loginTaken(): OktaApiError {
  return validationFailed('login', [
    'login: An object with this field already exists in the current organization',
  ]);
}

function withLoginCheck<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof LoginTakenError) throw loginTaken();
    throw error;
  }
}

function booleanParam(url: URL, name: string, defaultValue: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return defaultValue;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw validationFailed(name, [`${name}: Must be true or false`]);
}

/**
 * The groups of `groupIds` on create: at most {@link MAX_CREATE_GROUP_IDS} (Okta's E0000093 otherwise), each
 * an existing `OKTA_GROUP` (400 E0000001 naming the id otherwise: see the emulator README). Checked before
 * the user is created, so a refused request creates nothing.
 */
function readGroupIds(ctx: RequestContext, value: unknown): GroupRecord[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    throw validationFailed('groupIds', ['groupIds: Must be a list of group ids']);
  }
  const ids = [...new Set(value as string[])];
  if (ids.length > MAX_CREATE_GROUP_IDS) {
    throw new OktaApiError(400, 'E0000093', 'Target count limit exceeded', [
      { errorSummary: 'The number of group targets is too large' },
    ]);
  }
  return ids.map((id) => {
    const group = ctx.store.getGroup(id);
    if (!group || group.type !== 'OKTA_GROUP') {
      throw validationFailed('groupIds', [
        `groupIds: ${id} is not the id of a group whose members can be managed (an OKTA_GROUP)`,
      ]);
    }
    return group;
  });
}

function createUser(ctx: RequestContext): HandlerResult {
  const body = asObject(ctx.body, 'body');
  const profile = validateProfile(asObject(body.profile, 'profile'));
  const password = readPassword(asObject(body.credentials, 'credentials'));
  const activate = booleanParam(ctx.url, 'activate', true);
  const groups = readGroupIds(ctx, body.groupIds);
  // Okta: not activated -> STAGED; activated with a password -> ACTIVE; without one -> PROVISIONED.
  const status: UserStatus = !activate ? 'STAGED' : password ? 'ACTIVE' : 'PROVISIONED';
  // The API runs each handler in one transaction: the user and its memberships appear together or not at all.
  const user = withLoginCheck(() =>
    ctx.store.createUser({ profile, status, hasPassword: password !== undefined }, ctx.now),
  );
  for (const group of groups) ctx.store.addMember(group.id, user.id, ctx.now);
  return { status: 200, body: userJson(ctx.origin, user, 'single') };
}

function getUser(ctx: RequestContext): HandlerResult {
  return { status: 200, body: userJson(ctx.origin, findUser(ctx), 'single') };
}

function updateUser(ctx: RequestContext, replace: boolean): HandlerResult {
  const user = findUser(ctx);
  const body = asObject(ctx.body, 'body');
  const patch = asObject(body.profile, 'profile');
  if (replace && body.profile === undefined)
    throw validationFailed('profile', ['profile: The field cannot be left blank']);
  // POST merges the given attributes (null removes one); PUT replaces the whole profile.
  const merged: Record<string, unknown> = replace ? { ...patch } : { ...user.profile, ...patch };
  for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
  const profile = validateProfile(merged);
  const password = readPassword(asObject(body.credentials, 'credentials'));
  const updated = withLoginCheck(() =>
    ctx.store.updateUser(
      user.id,
      password ? { profile, hasPassword: true, passwordChanged: ctx.now.toISOString() } : { profile },
      ctx.now,
    ),
  );
  return { status: 200, body: userJson(ctx.origin, updated, 'single') };
}

function listUsers(ctx: RequestContext): HandlerResult {
  const { searchParams } = ctx.url;
  const q = searchParams.get('q');
  let match = expressionMatcher(
    searchParams,
    { search: userSearchRules, filter: userFilterRules },
    userSearchView,
  );
  let defaultLimit = USERS_DEFAULT_LIMIT;
  if (!match && q !== null) {
    // q: a prefix of first name, last name, email or login; deactivated users are left out, as in Okta.
    const prefix = q.toLowerCase();
    defaultLimit = USERS_Q_DEFAULT_LIMIT;
    match = (user) =>
      user.status !== 'DEPROVISIONED' &&
      [user.profile.firstName, user.profile.lastName, user.profile.email, user.profile.login].some(
        (v) => typeof v === 'string' && v.toLowerCase().startsWith(prefix),
      );
  }
  // Without a query Okta lists every user that is not DEPROVISIONED.
  match ??= (user) => user.status !== 'DEPROVISIONED';
  return listPage(
    ctx,
    { default: defaultLimit, max: USERS_MAX_LIMIT },
    (after, limit) => ctx.store.scanUsers(after, limit, match),
    (u) => userJson(ctx.origin, u, 'collection'),
  );
}

function deleteUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  // First DELETE deactivates; only a DEPROVISIONED user is deleted for good.
  if (user.status === 'DEPROVISIONED') ctx.store.deleteUser(user.id);
  else deactivate(ctx, user);
  return { status: 204 };
}

function listUserGroups(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  return {
    status: 200,
    body: ctx.store.userGroups(user.id).map((g) => groupJson(ctx.origin, g)),
    links: linkHeaders(ctx.origin, ctx.url),
  };
}

// ---- lifecycle -------------------------------------------------------------------------------

const notAllowedInStatus = () =>
  new OktaApiError(403, 'E0000038', "This operation is not allowed in the user's current status.");

function token(): string {
  return randomBytes(15).toString('base64url');
}

function setStatus(
  ctx: RequestContext,
  user: UserRecord,
  status: UserStatus,
  extra: Partial<UserRecord> = {},
): UserRecord {
  return ctx.store.updateUser(user.id, { status, statusChanged: ctx.now.toISOString(), ...extra }, ctx.now);
}

function deactivate(ctx: RequestContext, user: UserRecord): void {
  setStatus(ctx, user, 'DEPROVISIONED');
}

function activationResult(ctx: RequestContext): HandlerResult {
  if (booleanParam(ctx.url, 'sendEmail', true)) return { status: 200, body: {} };
  const activationToken = token();
  return {
    status: 200,
    body: { activationUrl: `${ctx.origin}/tokens/${activationToken}/verify`, activationToken },
  };
}

/** Okta: only STAGED or DEPROVISIONED users can be activated; E0000016 otherwise. */
function activateUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status !== 'STAGED' && user.status !== 'DEPROVISIONED') {
    throw new OktaApiError(403, 'E0000016', 'Activation failed because the user is already active');
  }
  setStatus(ctx, user, user.hasPassword ? 'ACTIVE' : 'PROVISIONED', { activated: ctx.now.toISOString() });
  return activationResult(ctx);
}

/** Okta: only PROVISIONED or RECOVERY users can be reactivated (restarts the activation flow). */
function reactivateUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status !== 'PROVISIONED' && user.status !== 'RECOVERY') throw notAllowedInStatus();
  setStatus(ctx, user, 'PROVISIONED');
  return activationResult(ctx);
}

/** Any user but a DEPROVISIONED one can be deactivated. */
function deactivateUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status === 'DEPROVISIONED') throw notAllowedInStatus();
  deactivate(ctx, user);
  return { status: 200, body: {} };
}

/** Okta: suspend only an ACTIVE user (400 E0000001 otherwise). */
function suspendUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status !== 'ACTIVE')
    throw validationFailed('status', ['Cannot suspend a user that is not active']);
  setStatus(ctx, user, 'SUSPENDED');
  return { status: 200, body: {} };
}

/** Okta: unsuspend only a SUSPENDED user (400 E0000001 otherwise); it returns to ACTIVE. */
function unsuspendUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status !== 'SUSPENDED')
    throw validationFailed('status', ['Cannot unsuspend a user that is not suspended']);
  setStatus(ctx, user, 'ACTIVE');
  return { status: 200, body: {} };
}

/** Okta: unlock a LOCKED_OUT user (to ACTIVE), or an ACTIVE one blocked from unknown devices. */
function unlockUser(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status === 'LOCKED_OUT') setStatus(ctx, user, 'ACTIVE');
  else if (user.status !== 'ACTIVE') throw notAllowedInStatus();
  return { status: 200, body: {} };
}

/** Moves an activated user to RECOVERY; STAGED, SUSPENDED and DEPROVISIONED users are refused. */
function resetPassword(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status === 'STAGED' || user.status === 'SUSPENDED' || user.status === 'DEPROVISIONED')
    throw notAllowedInStatus();
  setStatus(ctx, user, 'RECOVERY');
  if (booleanParam(ctx.url, 'sendEmail', true)) return { status: 200, body: {} };
  return { status: 200, body: { resetPasswordUrl: `${ctx.origin}/signin/reset-password/${token()}` } };
}

/** Expires the password of a user who has one and can sign in (ACTIVE, or already PASSWORD_EXPIRED). */
function expirePassword(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if ((user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED') || !user.hasPassword)
    throw notAllowedInStatus();
  const updated = user.status === 'PASSWORD_EXPIRED' ? user : setStatus(ctx, user, 'PASSWORD_EXPIRED');
  return { status: 200, body: userJson(ctx.origin, updated, 'single') };
}

/** The users routes, in Okta's paths. */
export const userRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/users', operationId: 'listUsers', handle: listUsers },
  { method: 'POST', path: '/api/v1/users', operationId: 'createUser', handle: createUser },
  { method: 'GET', path: '/api/v1/users/:id', operationId: 'getUser', handle: getUser },
  {
    method: 'POST',
    path: '/api/v1/users/:id',
    operationId: 'updateUser',
    handle: (c) => updateUser(c, false),
  },
  {
    method: 'PUT',
    path: '/api/v1/users/:id',
    operationId: 'replaceUser',
    handle: (c) => updateUser(c, true),
  },
  { method: 'DELETE', path: '/api/v1/users/:id', operationId: 'deleteUser', handle: deleteUser },
  { method: 'GET', path: '/api/v1/users/:id/groups', operationId: 'listUserGroups', handle: listUserGroups },
  ...(
    [
      ['activate', 'activateUser', activateUser],
      ['reactivate', 'reactivateUser', reactivateUser],
      ['deactivate', 'deactivateUser', deactivateUser],
      ['suspend', 'suspendUser', suspendUser],
      ['unsuspend', 'unsuspendUser', unsuspendUser],
      ['unlock', 'unlockUser', unlockUser],
      ['reset_password', 'resetPassword', resetPassword],
      ['expire_password', 'expirePassword', expirePassword],
    ] as const
  ).map(([action, operationId, handle]): Route => ({
    method: 'POST',
    path: `/api/v1/users/:id/lifecycle/${action}`,
    operationId,
    handle,
  })),
];
