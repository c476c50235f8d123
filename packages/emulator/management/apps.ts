import { createHash } from 'node:crypto';
import type { AppGroupRecord, AppRecord, AppUserRecord, GroupRecord, UserRecord } from '../store.js';
import { notFound, validationFailed } from '../okta-errors.js';
import type { ExpressionRules } from './expressions.js';
import { expressionMatcher } from './expressions.js';
import { listPage } from './pagination.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/**
 * The Apps API over the org's app instances (seeded SAML apps and bookmarks): listing apps, their user
 * and group assignments, and a user's app links. Apps are not created or configured through the
 * emulator; the OAuth clients of `auth/clients.ts` are not listed here.
 */

/** Okta's page sizes: apps 20 by default and 200 at most (the spec's `limit`, default -1, caps at 200). */
export const APPS_DEFAULT_LIMIT = 20;
export const APPS_MAX_LIMIT = 200;
/** App users: the spec's `queryAppLimit`, 50 by default and 500 at most. */
export const APP_USERS_DEFAULT_LIMIT = 50;
export const APP_USERS_MAX_LIMIT = 500;
/** Group assignments: 20 by default, 200 at most (Okta's developer documentation). */
export const APP_GROUPS_DEFAULT_LIMIT = 20;
export const APP_GROUPS_MAX_LIMIT = 200;

/** `filter` on apps: the properties the spec lists that the emulator keeps. */
const appFilterRules: ExpressionRules = { attributes: { id: ['eq'], status: ['eq'], name: ['eq'] } };

function findApp(ctx: RequestContext): AppRecord {
  const id = ctx.params.appId!;
  const app = ctx.store.getApp(id);
  if (!app) throw notFound(id, 'AppInstance');
  return app;
}

function findUser(ctx: RequestContext, id: string): UserRecord {
  const user = ctx.store.getUser(id);
  if (!user || user.id !== id) throw notFound(id, 'User');
  return user;
}

function findGroup(ctx: RequestContext): GroupRecord {
  const id = ctx.params.groupId!;
  const group = ctx.store.getGroup(id);
  if (!group) throw notFound(id, 'UserGroup');
  return group;
}

/** An app as Okta returns it (`BookmarkApplication` or `SamlApplication`). */
export function appJson(origin: string, app: AppRecord): Record<string, unknown> {
  const self = `${origin}/api/v1/apps/${app.id}`;
  const settings =
    app.signOnMode === 'BOOKMARK'
      ? { app: { requestIntegration: false, url: app.url } }
      : { app: {}, signOn: { ssoAcsUrl: app.url, recipient: app.url, destination: app.url } };
  return {
    id: app.id,
    name: app.name,
    label: app.label,
    status: app.status,
    lastUpdated: app.lastUpdated,
    created: app.created,
    accessibility: { selfService: false },
    visibility: { autoSubmitToolbar: false, hide: { iOS: false, web: false } },
    features: [],
    signOnMode: app.signOnMode,
    settings,
    _links: {
      appLinks: [{ name: app.name, href: `${origin}/home/${app.name}/${app.id}/1`, type: 'text/html' }],
      groups: { href: `${self}/groups` },
      users: { href: `${self}/users` },
      self: { href: self },
      deactivate: { href: `${self}/lifecycle/deactivate` },
    },
  };
}

/** An app user as Okta returns it (`AppUser`) for an app without provisioning. */
export function appUserJson(origin: string, au: AppUserRecord): Record<string, unknown> {
  return {
    id: au.user.id,
    scope: au.scope,
    status: 'ACTIVE',
    created: au.created,
    lastUpdated: au.lastUpdated,
    statusChanged: au.created,
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: au.user.profile.login },
    profile: au.profile,
    _links: {
      app: { href: `${origin}/api/v1/apps/${au.appId}` },
      user: { href: `${origin}/api/v1/users/${au.user.id}` },
    },
  };
}

/** A group assignment as Okta returns it (`ApplicationGroupAssignment`). */
export function appGroupJson(origin: string, ag: AppGroupRecord): Record<string, unknown> {
  return {
    id: ag.groupId,
    lastUpdated: ag.lastUpdated,
    priority: ag.priority,
    profile: ag.profile,
    _links: {
      app: { href: `${origin}/api/v1/apps/${ag.appId}` },
      group: { href: `${origin}/api/v1/groups/${ag.groupId}` },
    },
  };
}

/** An object body (or none); 400 E0000001 naming `field` otherwise. */
function objectField(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationFailed(field, [`${field}: Must be a JSON object`]);
  }
  return value as Record<string, unknown>;
}

/**
 * `GET /api/v1/apps` (`listApplications`): `q` matches the start of `name` or `label`
 * (case-insensitively), `filter` takes `id`, `status` and `name` equality.
 */
function listApplications(ctx: RequestContext): HandlerResult {
  const q = ctx.url.searchParams.get('q')?.toLowerCase();
  const filter = expressionMatcher<AppRecord>(
    ctx.url.searchParams,
    { search: appFilterRules, filter: appFilterRules },
    (a) => ({ id: a.id, status: a.status, name: a.name }),
  );
  const match = (a: AppRecord) =>
    (q === undefined || a.label.toLowerCase().startsWith(q) || a.name.toLowerCase().startsWith(q)) &&
    (filter === undefined || filter(a));
  return listPage(
    ctx,
    { default: APPS_DEFAULT_LIMIT, max: APPS_MAX_LIMIT },
    (after, limit) => ctx.store.scanApps(after, limit, match),
    (a) => appJson(ctx.origin, a),
  );
}

function getApplication(ctx: RequestContext): HandlerResult {
  return { status: 200, body: appJson(ctx.origin, findApp(ctx)) };
}

/**
 * `GET /api/v1/apps/{appId}/users` (`listApplicationUsers`): users assigned directly (`scope: USER`)
 * and through a group (`GROUP`); `q` matches the start of the user name, first name, last name or email.
 */
function listApplicationUsers(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const q = ctx.url.searchParams.get('q')?.toLowerCase();
  const match =
    q === undefined
      ? undefined
      : (au: AppUserRecord) =>
          [au.user.profile.login, au.user.profile.firstName, au.user.profile.lastName, au.user.profile.email]
            .filter((v): v is string => typeof v === 'string')
            .some((v) => v.toLowerCase().startsWith(q));
  return listPage(
    ctx,
    { default: APP_USERS_DEFAULT_LIMIT, max: APP_USERS_MAX_LIMIT },
    (after, limit) => ctx.store.scanAppUsers(app.id, after, limit, match),
    (au) => appUserJson(ctx.origin, au),
  );
}

/**
 * `POST /api/v1/apps/{appId}/users` (`assignUserToApplication`): assigns the user in `id` directly,
 * with the app profile in `profile`. Assigning a user again replaces the app profile and answers 200
 * with the assignment, now direct (`scope: USER`) if it was through a group.
 */
function assignUserToApplication(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const body = objectField(ctx.body, 'appUser') ?? {};
  if (typeof body.id !== 'string' || body.id === '') {
    throw validationFailed('id', ['id: The field cannot be left blank']);
  }
  const profile = objectField(body.profile, 'profile') ?? {};
  const user = findUser(ctx, body.id);
  return {
    status: 200,
    body: appUserJson(ctx.origin, ctx.store.assignAppUser(app.id, user.id, profile, ctx.now)),
  };
}

function getApplicationUser(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const userId = ctx.params.userId!;
  const au = ctx.store.appUser(app.id, userId);
  if (!au) throw notFound(userId, 'AppUser');
  return { status: 200, body: appUserJson(ctx.origin, au) };
}

/**
 * `DELETE /api/v1/apps/{appId}/users/{userId}` (`unassignUserFromApplication`): removes the direct
 * assignment; 404 E0000007 when the user has none (a user who holds the app only through a group keeps
 * it: unassign the group or take the user out of it). `sendEmail` is read.
 */
function unassignUserFromApplication(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const userId = ctx.params.userId!;
  const sendEmail = ctx.url.searchParams.get('sendEmail');
  if (sendEmail !== null && sendEmail !== 'true' && sendEmail !== 'false') {
    throw validationFailed('sendEmail', ['sendEmail: Must be true or false']);
  }
  if (!ctx.store.unassignAppUser(app.id, userId)) throw notFound(userId, 'AppUser');
  return { status: 204 };
}

/** `GET /api/v1/apps/{appId}/groups` (`listApplicationGroupAssignments`); `q` matches the start of the group name. */
function listApplicationGroupAssignments(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const q = ctx.url.searchParams.get('q')?.toLowerCase();
  return listPage(
    ctx,
    { default: APP_GROUPS_DEFAULT_LIMIT, max: APP_GROUPS_MAX_LIMIT },
    (after, limit) =>
      ctx.store.scanAppGroups(
        app.id,
        after,
        limit,
        q === undefined ? undefined : (g) => g.groupName.toLowerCase().startsWith(q),
      ),
    (ag) => appGroupJson(ctx.origin, ag),
  );
}

/**
 * `PUT /api/v1/apps/{appId}/groups/{groupId}` (`assignGroupToApplication`): assigns the group, or updates
 * the assignment's `priority` and `profile`; 200 either way (a PUT). Without a priority a new assignment
 * gets the next one.
 */
function assignGroupToApplication(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const group = findGroup(ctx);
  const body = objectField(ctx.body, 'applicationGroupAssignment') ?? {};
  const profile = objectField(body.profile, 'profile');
  if (body.priority !== undefined && (!Number.isInteger(body.priority) || (body.priority as number) < 0)) {
    throw validationFailed('priority', ['priority: Must be a non-negative integer']);
  }
  const assigned = ctx.store.assignAppGroup(
    app.id,
    group.id,
    { priority: body.priority as number | undefined, profile },
    ctx.now,
  );
  return { status: 200, body: appGroupJson(ctx.origin, assigned) };
}

function getApplicationGroupAssignment(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const group = findGroup(ctx);
  const found = ctx.store.scanAppGroups(app.id, 0, 1, (g) => g.groupId === group.id).items[0];
  if (!found) throw notFound(`${app.id}/${group.id}`, 'resource');
  return { status: 200, body: appGroupJson(ctx.origin, found) };
}

/**
 * `DELETE /api/v1/apps/{appId}/groups/{groupId}` (`unassignApplicationFromGroup`): 204; 404 E0000007
 * when the group is not assigned.
 */
function unassignApplicationFromGroup(ctx: RequestContext): HandlerResult {
  const app = findApp(ctx);
  const group = findGroup(ctx);
  if (!ctx.store.unassignAppGroup(app.id, group.id)) throw notFound(`${app.id}/${group.id}`, 'resource');
  return { status: 204 };
}

/**
 * `GET /api/v1/users/{id}/appLinks` (`listAppLinks`): one link per ACTIVE app the user is assigned,
 * directly or through a group, in one unpaginated array.
 */
function listAppLinks(ctx: RequestContext): HandlerResult {
  const idOrLogin = ctx.params.id!;
  const user = ctx.store.getUser(idOrLogin);
  if (!user) throw notFound(idOrLogin, 'User');
  const apps = ctx.store.userApps(user.id).filter((a) => a.status === 'ACTIVE');
  return {
    status: 200,
    body: apps.map((app, sortOrder) => {
      const assignment = `0ua${createHash('sha256').update(`${app.id}/${user.id}`).digest('hex').slice(0, 17)}`;
      return {
        id: assignment,
        appAssignmentId: assignment,
        appInstanceId: app.id,
        appName: app.name,
        label: app.label,
        linkUrl: `${ctx.origin}/home/${app.name}/${app.id}/1`,
        logoUrl: `${ctx.origin}/assets/img/logos/default.png`,
        credentialsSetup: false,
        hidden: false,
        sortOrder,
      };
    }),
  };
}

/** The apps routes, in Okta's paths. */
export const appRoutes: Route[] = [
  { method: 'GET', path: '/api/v1/apps', operationId: 'listApplications', handle: listApplications },
  { method: 'GET', path: '/api/v1/apps/:appId', operationId: 'getApplication', handle: getApplication },
  {
    method: 'GET',
    path: '/api/v1/apps/:appId/users',
    operationId: 'listApplicationUsers',
    handle: listApplicationUsers,
  },
  {
    method: 'POST',
    path: '/api/v1/apps/:appId/users',
    operationId: 'assignUserToApplication',
    handle: assignUserToApplication,
  },
  {
    method: 'GET',
    path: '/api/v1/apps/:appId/users/:userId',
    operationId: 'getApplicationUser',
    handle: getApplicationUser,
  },
  {
    method: 'DELETE',
    path: '/api/v1/apps/:appId/users/:userId',
    operationId: 'unassignUserFromApplication',
    handle: unassignUserFromApplication,
  },
  {
    method: 'GET',
    path: '/api/v1/apps/:appId/groups',
    operationId: 'listApplicationGroupAssignments',
    handle: listApplicationGroupAssignments,
  },
  {
    method: 'GET',
    path: '/api/v1/apps/:appId/groups/:groupId',
    operationId: 'getApplicationGroupAssignment',
    handle: getApplicationGroupAssignment,
  },
  {
    method: 'PUT',
    path: '/api/v1/apps/:appId/groups/:groupId',
    operationId: 'assignGroupToApplication',
    handle: assignGroupToApplication,
  },
  {
    method: 'DELETE',
    path: '/api/v1/apps/:appId/groups/:groupId',
    operationId: 'unassignApplicationFromGroup',
    handle: unassignApplicationFromGroup,
  },
  { method: 'GET', path: '/api/v1/users/:id/appLinks', operationId: 'listAppLinks', handle: listAppLinks },
];
