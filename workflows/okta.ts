import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import type { OktaActivities, OktaActivityName, OktaUser } from '../common/contract.js';
import type { Page } from '../common/actions.js';
import { NON_RETRYABLE_ERROR_TYPES, OktaErrorType } from '../common/errors.js';
import { DEFAULT_SESSION_NAME, OktaSessionSchema, type OktaSession } from '../common/session.js';
import * as A from '../common/actions.js';
import { endSessionInChildren, hasRunningChildren } from './interceptors.js';
import { sessions, type SessionRef } from './sessions.js';
import { parseInput } from './validation.js';

/**
 * The activity options every Okta call uses unless overridden: 60 s per attempt, exponential retries
 * capped at one minute, and no retry for the error types that retrying cannot fix.
 */
export const DEFAULT_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '60 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
} as const satisfies ActivityOptions;

/**
 * Bounded listings follow many pages in one activity and heartbeat their cursor after each page (and while
 * a page is in flight). A heartbeat timeout lets Temporal notice a lost worker long before the 60 s
 * start-to-close timeout, and the retry resumes from the last heartbeat.
 */
export const LISTING_HEARTBEAT_TIMEOUT = '20 seconds';
const LISTING_ACTIVITIES: ReadonlySet<OktaActivityName> = new Set([
  'oktaUsersList',
  'oktaUsersGroups',
  'oktaGroupsList',
  'oktaGroupsMembers',
  'oktaLogsQuery',
  'oktaAppsList',
  'oktaAppsUsers',
  'oktaGroupRulesList',
]);

/** Where a new session is visible (docs/ARCHITECTURE.md §3). */
export type SessionOption = { local: string } | { global: string } | { variable: true };

/** Options of {@link okta.connect}. */
export interface ConnectOptions {
  /** The Okta org domain, e.g. `companyabc.okta.com`. */
  domain: string;
  /** Name of an OAuth 2.0 connection configured on the workers. */
  connection: string;
  /** `{ local: name }`, `{ global: name }` or `{ variable: true }`; default `{ local: 'default' }`. */
  session?: SessionOption;
  /** Overrides of {@link DEFAULT_ACTIVITY_OPTIONS} for the Connect activity. */
  activityOptions?: ActivityOptions;
}

/** What every Okta action accepts besides its own fields. */
export interface ActionOptions {
  /** A session name (local first, then global) or an OktaSession value; default `default`. */
  session?: SessionRef;
  /** Overrides of {@link DEFAULT_ACTIVITY_OPTIONS} for this call. */
  activityOptions?: ActivityOptions;
}

/** Options of {@link okta.users.get}. */
export interface UsersGetOptions extends ActionOptions {
  /** The user's id (`00u...`) or login. */
  user: string;
}

const sessionName = z.string().trim().min(1, 'must be a non-empty session name');
const nonEmpty = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, `must be ${what}`);
const activityOptionsSchema = z.custom<ActivityOptions>((v) => typeof v === 'object' && v !== null, {
  error: 'must be an ActivityOptions object',
});

const ConnectOptionsSchema = z.strictObject({
  domain: nonEmpty('an Okta org domain such as companyabc.okta.com'),
  connection: nonEmpty('the name of an OAuth 2.0 connection configured on the workers'),
  session: z
    .union([
      z.strictObject({ local: sessionName }),
      z.strictObject({ global: sessionName }),
      z.strictObject({ variable: z.literal(true) }),
    ])
    .optional(),
  activityOptions: activityOptionsSchema.optional(),
});

const ActionOptionsShape = {
  session: z.unknown().optional(),
  activityOptions: activityOptionsSchema.optional(),
};

/** The activity proxy for one call: the defaults, the caller's overrides, and always our non-retryable types. */
function activities(overrides: ActivityOptions = {}, defaults: ActivityOptions = DEFAULT_ACTIVITY_OPTIONS) {
  const nonRetryable = new Set([
    ...NON_RETRYABLE_ERROR_TYPES,
    ...(overrides.retry?.nonRetryableErrorTypes ?? []),
  ]);
  return proxyActivities<OktaActivities>({
    ...defaults,
    ...overrides,
    retry: {
      ...DEFAULT_ACTIVITY_OPTIONS.retry,
      ...overrides.retry,
      nonRetryableErrorTypes: [...nonRetryable],
    },
  });
}

/** Runs one Okta action activity on the session the caller named or passed. */
async function runAction<N extends Exclude<OktaActivityName, 'oktaConnect' | 'oktaDisconnect'>>(
  what: string,
  name: N,
  options: ActionOptions,
  input: Omit<Parameters<OktaActivities[N]>[0], 'session'>,
): Promise<Awaited<ReturnType<OktaActivities[N]>>> {
  const session = sessions.resolve(options.session, what);
  const defaults = LISTING_ACTIVITIES.has(name)
    ? { ...DEFAULT_ACTIVITY_OPTIONS, heartbeatTimeout: LISTING_HEARTBEAT_TIMEOUT }
    : DEFAULT_ACTIVITY_OPTIONS;
  const activity = activities(options.activityOptions, defaults)[name] as (
    input: Parameters<OktaActivities[N]>[0],
  ) => Promise<Awaited<ReturnType<OktaActivities[N]>>>;
  return activity({ ...input, session } as Parameters<OktaActivities[N]>[0]);
}

function toKindAndName(option: SessionOption | undefined): { kind: OktaSession['kind']; name: string } {
  if (option === undefined) return { kind: 'local', name: DEFAULT_SESSION_NAME };
  if ('local' in option) return { kind: 'local', name: option.local };
  if ('global' in option) return { kind: 'global', name: option.global };
  return { kind: 'variable', name: DEFAULT_SESSION_NAME };
}

/**
 * Opens an Okta session (docs/ARCHITECTURE.md §2) and registers it by kind: a local session is visible in this
 * workflow, a global one also in every child workflow started afterwards (and across continue-as-new),
 * a variable one nowhere: keep the returned value and pass it on.
 *
 * @example
 * ```ts
 * await okta.connect({ domain: 'companyabc.okta.com', connection: 'okta-automation', session: { global: 'okta' } });
 * const user = await okta.users.get({ session: 'okta', user: 'ada@companyabc.com' });
 * ```
 * @throws ApplicationFailure `OktaInvalidInput` naming the field for a bad input; Connect's own failures.
 */
async function connect(options: ConnectOptions): Promise<OktaSession> {
  const input = parseInput(ConnectOptionsSchema, options, 'okta.connect');
  const { workflowId, runId } = workflowInfo();
  const requested = toKindAndName(input.session);
  const result = await activities(input.activityOptions).oktaConnect({
    domain: input.domain,
    connection: input.connection,
    session: requested,
    workflowId,
    runId,
  });
  // Keep exactly the OktaSession fields: whatever else an activity returned never reaches a header.
  const session = parseInput(OktaSessionSchema, result, 'okta.connect: the oktaConnect result', 'session');
  if (session.kind !== requested.kind || session.name !== requested.name) {
    throw ApplicationFailure.create({
      type: OktaErrorType.OktaInvalidInput,
      message:
        `okta.connect asked for a ${requested.kind} session named '${requested.name}' but the oktaConnect activity ` +
        `returned a ${session.kind} session named '${session.name}'. Workers and workflows must run the same ` +
        'temporal-okta build.',
      nonRetryable: true,
    });
  }
  sessions.register(session);
  return session;
}

/**
 * Ends a session: this workflow refuses it afterwards, by name and by value, and so does every child
 * workflow it started that is still running (and their children): they are told by a signal, whichever
 * worker runs them. A disconnected global session is no longer propagated to children started afterwards.
 * The worker that runs the Disconnect activity drops the connection's token from its cache and revokes it
 * where the grant allows. An action already scheduled on the session may still complete.
 *
 * @param session a name or an OktaSession value; default `default`
 */
async function disconnect(
  session: SessionRef = DEFAULT_SESSION_NAME,
  options: Omit<ActionOptions, 'session'> = {},
): Promise<void> {
  const resolved = sessions.resolve(session, 'okta.disconnect');
  await activities(options.activityOptions).oktaDisconnect({ session: resolved });
  sessions.disconnect(resolved.id);
  // Histories recorded before Disconnect reached running children replay without the signals.
  if (hasRunningChildren() && patched(DISCONNECT_REACHES_CHILDREN_PATCH))
    await endSessionInChildren(resolved.id);
}

/** The patch id under which Disconnect signals running children (see {@link disconnect}). */
const DISCONNECT_REACHES_CHILDREN_PATCH = 'temporal-okta-disconnect-reaches-children';

/**
 * The OktaSession a name (local first, then global) or value stands for here, e.g. to pass a global
 * session's value to a workflow that runs elsewhere.
 *
 * @throws ApplicationFailure `OktaSessionNotFound` listing the visible names, or `OktaSessionDisconnected`.
 */
function session(nameOrValue: SessionRef = DEFAULT_SESSION_NAME): OktaSession {
  return sessions.resolve(nameOrValue, 'okta.session');
}

/**
 * Defines a workflow-side action: validates the caller's fields with the activity's own schema (minus the
 * session, which is resolved here), then runs the activity on the resolved session.
 */
function defineAction<N extends Exclude<OktaActivityName, 'oktaConnect' | 'oktaDisconnect'>>(
  what: string,
  name: N,
  schema: z.ZodObject,
) {
  // Built on first use: module scope runs again for every workflow (the SDK gives each its own module
  // state), and building some sixty schemas there cost every workflow start milliseconds of CPU.
  let fields: z.ZodObject | undefined;
  type Fields = Omit<Parameters<OktaActivities[N]>[0], 'session'>;
  return (options: Fields & ActionOptions): Promise<Awaited<ReturnType<OktaActivities[N]>>> => {
    fields ??= schema.omit({ session: true }).extend(ActionOptionsShape).strict();
    const {
      session: _s,
      activityOptions: _o,
      ...input
    } = parseInput(fields, options, what) as Record<string, unknown>;
    return runAction(what, name, options, input as Fields);
  };
}

/**
 * Iterates over every page of a listing, one activity per page, so that no unbounded list passes through
 * a single activity result. For very large orgs, process each page and continue-as-new every few hundred
 * pages, passing the cursor on.
 */
async function* pages<T, O extends ActionOptions & { cursor?: string }>(
  fetchPage: (options: O) => Promise<Page<T>>,
  options: O,
): AsyncGenerator<T[], void, undefined> {
  let cursor = options.cursor;
  do {
    const page = await fetchPage({ ...options, cursor });
    yield page.items;
    cursor = page.cursor;
  } while (cursor);
}

const listUsersPage = defineAction('okta.users.listPage', 'oktaUsersListPage', A.UsersListPageInputSchema);
const listGroupsPage = defineAction(
  'okta.groups.listPage',
  'oktaGroupsListPage',
  A.GroupsListPageInputSchema,
);
const groupMembersPage = defineAction(
  'okta.groups.membersPage',
  'oktaGroupsMembersPage',
  A.GroupMembersPageInputSchema,
);
const usersLifecycle = defineAction(
  'okta.users.lifecycle',
  'oktaUsersLifecycle',
  A.UsersLifecycleInputSchema,
);
type LifecycleOptions = Omit<Parameters<typeof usersLifecycle>[0], 'operation'>;
const usersOneTimeValue = defineAction(
  'okta.users.oneTimeValue',
  'oktaUsersOneTimeValue',
  A.UsersOneTimeValueInputSchema,
);
type OneTimeOptions = Omit<Parameters<typeof usersOneTimeValue>[0], 'operation'>;

const users = {
  /**
   * Gets a user by id or login (`GET /api/v1/users/{user}`).
   *
   * @example
   * ```ts
   * const user = await okta.users.get({ session: 'okta', user: 'ada@companyabc.com' });
   * ```
   */
  get: defineAction('okta.users.get', 'oktaUsersGet', A.UsersGetInputSchema),
  /**
   * Creates a user (activated unless `activate: false`), in `groupIds` in the same call; safe to retry.
   * A user already holding the login with the same profile is put in `groupIds` and returned with
   * `alreadyExisted: true`.
   */
  create: defineAction('okta.users.create', 'oktaUsersCreate', A.UsersCreateInputSchema),
  /** Updates a profile: partial by default, the whole profile with `replace: true`. */
  update: defineAction('okta.users.update', 'oktaUsersUpdate', A.UsersUpdateInputSchema),
  /** Runs a lifecycle operation and returns the user with its new status. */
  lifecycle: usersLifecycle,
  /**
   * A lifecycle operation that returns its one-time value (a link, a temporary password) instead of
   * emailing it. The value is a credential: run with the payload codec on, and never log it.
   */
  oneTimeValue: usersOneTimeValue,
  /**
   * Activates a STAGED or DEPROVISIONED user without an email, and returns the activation link
   * (`activationUrl`, `activationToken`) with the user.
   *
   * @example
   * ```ts
   * const { activationUrl } = await okta.users.activateWithLink({ session: 'okta', user: id });
   * ```
   */
  activateWithLink: (options: Omit<OneTimeOptions, 'revokeSessions'>) =>
    usersOneTimeValue({ ...options, operation: A.UserOneTimeOperation.activate }),
  /** Restarts a PROVISIONED or RECOVERY user's activation without an email; returns the new link. */
  reactivateWithLink: (options: Omit<OneTimeOptions, 'revokeSessions'>) =>
    usersOneTimeValue({ ...options, operation: A.UserOneTimeOperation.reactivate }),
  /** Moves the user to RECOVERY without an email; returns the `resetPasswordUrl`. */
  resetPasswordWithLink: (options: OneTimeOptions) =>
    usersOneTimeValue({ ...options, operation: A.UserOneTimeOperation.resetPassword }),
  /** Expires the password and sets a temporary one (PASSWORD_EXPIRED); returns the `tempPassword`. */
  expirePasswordWithTempPassword: (options: OneTimeOptions) =>
    usersOneTimeValue({ ...options, operation: A.UserOneTimeOperation.expirePasswordWithTempPassword }),
  /** The user's enrolled MFA factors (`GET /api/v1/users/{id}/factors`). */
  factors: defineAction('okta.users.factors', 'oktaUsersFactors', A.UserFactorsInputSchema),
  /** Unenrolls every MFA factor of the user; safe to retry. */
  resetFactors: defineAction(
    'okta.users.resetFactors',
    'oktaUsersResetFactors',
    A.UsersResetFactorsInputSchema,
  ),
  /**
   * Ends every Okta session of the user; with `oauthTokens: true` also revokes the OpenID Connect and OAuth
   * tokens issued to them. Safe to retry.
   */
  clearSessions: defineAction(
    'okta.users.clearSessions',
    'oktaUsersClearSessions',
    A.UsersClearSessionsInputSchema,
  ),
  /** Deactivates, then deletes (Okta's two calls); a user already gone counts as deleted. */
  delete: defineAction('okta.users.delete', 'oktaUsersDelete', A.UsersDeleteInputSchema),
  /** Lists or searches users up to `limit` (default 200, at most 1,000). */
  list: defineAction('okta.users.list', 'oktaUsersList', A.UsersListInputSchema),
  /** One page of users; see {@link okta.users.pages} to iterate. */
  listPage: listUsersPage,
  /** The groups a user belongs to. */
  groups: defineAction('okta.users.groups', 'oktaUsersGroups', A.UserGroupsInputSchema),
  /** Every page of a user listing, one activity per page. */
  pages: (options: Parameters<typeof listUsersPage>[0]) => pages(listUsersPage, options),
  /** The apps on the user's dashboard: one link per app assigned directly or through a group. */
  appLinks: defineAction('okta.users.appLinks', 'oktaUsersAppLinks', A.UserAppLinksInputSchema),
};
for (const op of Object.keys(A.UserLifecycleOperation) as (keyof typeof A.UserLifecycleOperation)[]) {
  // okta.users.activate({ user }), okta.users.suspend({ user }), ...: shorthands for lifecycle.
  Object.assign(users, {
    [op]: (options: LifecycleOptions) =>
      usersLifecycle({ ...options, operation: A.UserLifecycleOperation[op] }),
  });
}

const groups = {
  create: defineAction('okta.groups.create', 'oktaGroupsCreate', A.GroupsCreateInputSchema),
  get: defineAction('okta.groups.get', 'oktaGroupsGet', A.GroupsGetInputSchema),
  update: defineAction('okta.groups.update', 'oktaGroupsUpdate', A.GroupsUpdateInputSchema),
  /**
   * The one group with this exact name, compared case-insensitively as Okta does, in one call.
   * Fails with `OktaNotFound` when none has it, and `OktaConflict` naming the ids when several do.
   *
   * @example
   * ```ts
   * const group = await okta.groups.findByName({ session: 'okta', name: 'Engineering' });
   * ```
   */
  findByName: defineAction('okta.groups.findByName', 'oktaGroupsFindByName', A.GroupsFindByNameInputSchema),
  /** Deletes a group; a group already gone counts as deleted. */
  delete: defineAction('okta.groups.delete', 'oktaGroupsDelete', A.GroupsDeleteInputSchema),
  list: defineAction('okta.groups.list', 'oktaGroupsList', A.GroupsListInputSchema),
  listPage: listGroupsPage,
  /** Adds a user (id or login) to a group; adding twice is a success. */
  addUser: defineAction('okta.groups.addUser', 'oktaGroupsAddUser', A.GroupMembershipInputSchema),
  /** Removes a user from a group; removing an absent member is a success. */
  removeUser: defineAction('okta.groups.removeUser', 'oktaGroupsRemoveUser', A.GroupMembershipInputSchema),
  members: defineAction('okta.groups.members', 'oktaGroupsMembers', A.GroupMembersInputSchema),
  membersPage: groupMembersPage,
  /** Every page of a group listing, one activity per page. */
  pages: (options: Parameters<typeof listGroupsPage>[0]) => pages(listGroupsPage, options),
  /** Every page of a group's members, one activity per page. */
  memberPages: (options: Parameters<typeof groupMembersPage>[0]) => pages(groupMembersPage, options),
};

const logsQueryPage = defineAction('okta.logs.queryPage', 'oktaLogsQueryPage', A.LogsQueryPageInputSchema);
const logsPoll = defineAction('okta.logs.poll', 'oktaLogsPoll', A.LogsPollInputSchema);

/** Options of {@link okta.logs.follow}: a poll's, plus how to wait and when to stop. */
export type FollowLogOptions = Parameters<typeof logsPoll>[0] & {
  /** How long to wait after a poll that found nothing new (default 30 s; Okta asks for no less than a few). */
  pollInterval?: Duration;
  /** Return after this many polls, with the cursor: continue-as-new then, to keep history short. */
  maxPages?: number;
  /** Checked before each poll: return the cursor as soon as it is true (a stop signal). */
  stop?: () => boolean;
};

/**
 * Follows the System Log from `since` (or from `cursor`), calling `onEvent` for each event in order, and
 * returns the cursor to continue from. The cursor moves past a page only after `onEvent` returned for
 * every event of it, and it lives in workflow state: after a worker restart the workflow replays to the
 * same place, so no event is lost or handled twice. Pass the cursor to `continueAsNew` every few hundred
 * pages (see the `followSystemLog` sample).
 */
async function follow(
  options: FollowLogOptions,
  onEvent: (event: A.OktaLogEvent) => Promise<void> | void,
): Promise<{ cursor?: string }> {
  const { pollInterval = '30 seconds', maxPages, stop, ...pollOptions } = options;
  let cursor = pollOptions.cursor;
  let pages = 0;
  while (!stop?.() && (maxPages === undefined || pages < maxPages)) {
    const page = await logsPoll({ ...pollOptions, cursor });
    for (const event of page.events) await onEvent(event);
    cursor = page.cursor;
    pages++;
    if (page.events.length === 0) await condition(() => stop?.() ?? false, pollInterval);
  }
  return { cursor };
}

const logs = {
  /**
   * System Log events in a window (`since`, `until`: ISO 8601; `until` defaults to now), filtered by
   * `filter` and `q`, up to `limit` (default 200, at most 1,000). Needs the `okta.logs.read` scope.
   *
   * @example
   * ```ts
   * const { items } = await okta.logs.query({ session: 'okta', since, filter: 'eventType eq "user.lifecycle.deactivate"' });
   * ```
   */
  query: defineAction('okta.logs.query', 'oktaLogsQuery', A.LogsQueryInputSchema),
  /** One page of a System Log query; see {@link okta.logs.pages} to iterate. */
  queryPage: logsQueryPage,
  /** Every page of a System Log query, one activity per page. */
  pages: (options: Parameters<typeof logsQueryPage>[0]) => pages(logsQueryPage, options),
  /** One poll: the events after `cursor` (or from `since`) and the next cursor, always set. */
  poll: logsPoll,
  follow,
};

const listAppsPage = defineAction('okta.apps.listPage', 'oktaAppsListPage', A.AppsListPageInputSchema);
const appUsersPage = defineAction('okta.apps.usersPage', 'oktaAppsUsersPage', A.AppsUsersPageInputSchema);

const apps = {
  /**
   * Lists apps, or searches them by label or name prefix (`q`) or a `filter`, up to `limit`.
   *
   * @example
   * ```ts
   * const { items } = await okta.apps.list({ session: 'okta', q: 'Salesforce' });
   * ```
   */
  list: defineAction('okta.apps.list', 'oktaAppsList', A.AppsListInputSchema),
  /** One page of apps; see {@link okta.apps.pages} to iterate. */
  listPage: listAppsPage,
  /** Every page of an app listing, one activity per page. */
  pages: (options: Parameters<typeof listAppsPage>[0]) => pages(listAppsPage, options),
  /** Assigns a user (id or login) to an app with an optional app profile; safe to retry. */
  assignUser: defineAction('okta.apps.assignUser', 'oktaAppsAssignUser', A.AppsAssignUserInputSchema),
  /** Removes a user's direct assignment; a user not assigned is a success. */
  removeUser: defineAction('okta.apps.removeUser', 'oktaAppsRemoveUser', A.AppsRemoveUserInputSchema),
  /** An app's users, assigned directly (`scope: USER`) or through a group (`GROUP`), up to `limit`. */
  users: defineAction('okta.apps.users', 'oktaAppsUsers', A.AppsUsersInputSchema),
  /** One page of an app's users. */
  usersPage: appUsersPage,
  /** Every page of an app's users, one activity per page. */
  userPages: (options: Parameters<typeof appUsersPage>[0]) => pages(appUsersPage, options),
  /** Assigns a group to an app (its members get the app); assigning again is a success. */
  assignGroup: defineAction('okta.apps.assignGroup', 'oktaAppsAssignGroup', A.AppsAssignGroupInputSchema),
  /** Removes a group's assignment; a group not assigned is a success. */
  removeGroup: defineAction('okta.apps.removeGroup', 'oktaAppsRemoveGroup', A.AppsRemoveGroupInputSchema),
};

const groupRules = {
  /**
   * Creates a group rule: users matching `expression` join `groupIds`. Okta creates rules INACTIVE;
   * `activate: true` activates it too. Safe to retry (a rule with the same name and definition is returned).
   *
   * @example
   * ```ts
   * const rule = await okta.groupRules.create({ session: 'okta', name: 'Engineers',
   *   expression: 'user.department=="Engineering"', groupIds: [engineering.id], activate: true });
   * ```
   */
  create: defineAction('okta.groupRules.create', 'oktaGroupRulesCreate', A.GroupRulesCreateInputSchema),
  /** Lists group rules (`search`: a keyword of their names) up to `limit`. */
  list: defineAction('okta.groupRules.list', 'oktaGroupRulesList', A.GroupRulesListInputSchema),
  get: defineAction('okta.groupRules.get', 'oktaGroupRulesGet', A.GroupRuleInputSchema),
  /** Activates a rule; an active rule stays active. */
  activate: defineAction('okta.groupRules.activate', 'oktaGroupRulesActivate', A.GroupRuleInputSchema),
  /** Deactivates a rule; an inactive rule stays inactive. */
  deactivate: defineAction('okta.groupRules.deactivate', 'oktaGroupRulesDeactivate', A.GroupRuleInputSchema),
  /** Deactivates the rule if it is active, then deletes it; a rule already gone counts as deleted. */
  delete: defineAction('okta.groupRules.delete', 'oktaGroupRulesDelete', A.GroupRulesDeleteInputSchema),
};

const roles = {
  /**
   * Assigns a standard admin role (`USER_ADMIN`, `GROUP_MEMBERSHIP_ADMIN`, `READ_ONLY_ADMIN`, ...) to a
   * user; a role the user already holds is a success.
   *
   * @example
   * ```ts
   * await okta.roles.assignToUser({ session: 'okta', user: 'ada@companyabc.com', role: 'HELP_DESK_ADMIN' });
   * ```
   */
  assignToUser: defineAction('okta.roles.assignToUser', 'oktaRolesAssignToUser', A.UserRoleInputSchema),
  /** Assigns a standard admin role to a group (its members get it); already assigned is a success. */
  assignToGroup: defineAction('okta.roles.assignToGroup', 'oktaRolesAssignToGroup', A.GroupRoleInputSchema),
  /** A user's admin roles: its own (`assignmentType: USER`) and its groups' (`GROUP`). */
  listForUser: defineAction('okta.roles.listForUser', 'oktaRolesListForUser', A.UserRolesInputSchema),
  /** A group's admin roles. */
  listForGroup: defineAction('okta.roles.listForGroup', 'oktaRolesListForGroup', A.GroupRolesInputSchema),
  /** Unassigns a role assigned to the user itself; a role not assigned is a success. */
  removeFromUser: defineAction('okta.roles.removeFromUser', 'oktaRolesRemoveFromUser', A.UserRoleInputSchema),
  /** Unassigns a role from a group; a role not assigned is a success. */
  removeFromGroup: defineAction(
    'okta.roles.removeFromGroup',
    'oktaRolesRemoveFromGroup',
    A.GroupRoleInputSchema,
  ),
};

/** Any Management API call with the session's authorisation, for what the package does not wrap yet. */
const request = defineAction('okta.request', 'oktaRequest', A.RawRequestInputSchema);

/** Lifecycle shorthands added to {@link users} above. */
type LifecycleShorthands = {
  [K in keyof typeof A.UserLifecycleOperation]: (options: LifecycleOptions) => Promise<OktaUser>;
};

/**
 * The workflow-side API of temporal-okta. Use it inside workflows only; the worker must install the
 * session interceptors (`workflows/interceptors.ts`) for global sessions to reach child workflows.
 */
export const okta = {
  connect,
  disconnect,
  session,
  users: users as typeof users & LifecycleShorthands,
  groups,
  logs,
  apps,
  groupRules,
  roles,
  request,
} as const;
