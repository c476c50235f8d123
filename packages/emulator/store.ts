import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newOktaId } from './ids.js';
import { generateSeed, type SeedOptions } from './seed.js';

/** Okta's user statuses (`UserStatus` in the Management API). */
export type UserStatus =
  | 'STAGED'
  | 'PROVISIONED'
  | 'ACTIVE'
  | 'RECOVERY'
  | 'PASSWORD_EXPIRED'
  | 'LOCKED_OUT'
  | 'SUSPENDED'
  | 'DEPROVISIONED';

/** Okta's group types; `BUILT_IN` is the "Everyone" group every user belongs to. */
export type GroupType = 'OKTA_GROUP' | 'BUILT_IN';

/** A user profile: Okta's four required attributes plus any others. */
export type UserProfile = { login: string; email: string; firstName: string; lastName: string } & Record<
  string,
  unknown
>;

/** A stored user. Timestamps are ISO 8601 strings; no password is ever stored, only whether one is set. */
export type UserRecord = {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  hasPassword: boolean;
  profile: UserProfile;
  /** Insertion order, the basis of pagination cursors. */
  seq: number;
};

/** A stored group. */
export type GroupRecord = {
  id: string;
  type: GroupType;
  name: string;
  description: string | null;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  seq: number;
};

/** An enrolled MFA factor of a user (Okta's `UserFactor`, the fields the emulator keeps). */
export type FactorRecord = {
  id: string;
  userId: string;
  factorType: string;
  provider: string;
  vendorName: string;
  status: string;
  created: string;
  lastUpdated: string;
  profile: Record<string, unknown>;
};

/** A user's Okta session (Okta's `Session`, the fields the emulator keeps). */
export type SessionRecord = {
  id: string;
  userId: string;
  login: string;
  createdAt: string;
  expiresAt: string;
  lastPasswordVerification: string;
};

/** An app instance of the org (Okta's `Application`, the fields the emulator keeps). */
export type AppRecord = {
  id: string;
  /** Okta's app key: `bookmark`, or the generated key of a custom SAML app. */
  name: string;
  label: string;
  signOnMode: 'BOOKMARK' | 'SAML_2_0';
  status: 'ACTIVE' | 'INACTIVE';
  /** The launch page of a bookmark app, or the ACS URL of a SAML app. */
  url: string;
  created: string;
  lastUpdated: string;
  seq: number;
};

/** A user's assignment to an app: direct (`USER`, with its app profile) or through a group (`GROUP`). */
export type AppUserRecord = {
  appId: string;
  user: UserRecord;
  scope: 'USER' | 'GROUP';
  profile: Record<string, unknown>;
  created: string;
  lastUpdated: string;
};

/** A group's assignment to an app. */
export type AppGroupRecord = {
  appId: string;
  groupId: string;
  priority: number;
  profile: Record<string, unknown>;
  lastUpdated: string;
};

/** A group rule (Okta's `GroupRule`, the fields the emulator keeps); its expression is never evaluated. */
export type GroupRuleRecord = {
  id: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  expression: { type: string; value: string };
  excludedUserIds: string[];
  groupIds: string[];
  created: string;
  lastUpdated: string;
};

/** A standard admin role assigned to a user or a group (Okta's `StandardRole`, the fields kept). */
export type RoleAssignmentRecord = {
  id: string;
  assigneeType: 'USER' | 'GROUP';
  assigneeId: string;
  /** A standard role type such as `USER_ADMIN`. */
  type: string;
  created: string;
};

/** One page of a scan in insertion order. `nextSeq` is set while more matching records remain. */
export type Page<T> = { items: T[]; nextSeq?: number };

/** The fields of a user that change together in one update. */
export type UserChange = Partial<
  Pick<
    UserRecord,
    'status' | 'activated' | 'statusChanged' | 'lastLogin' | 'passwordChanged' | 'hasPassword' | 'profile'
  >
>;

/** Thrown by the store when a login is already taken (logins are unique, case-insensitively). */
export class LoginTakenError extends Error {
  constructor(login: string) {
    super(`The login "${login}" is already taken`);
    this.name = 'LoginTakenError';
  }
}

/** The state of one emulated Okta org. */
export type OrgStore = {
  createUser(
    input: { profile: UserProfile; status: UserStatus; hasPassword: boolean },
    now?: Date,
  ): UserRecord;
  /** A user by id, or by login (case-insensitive). */
  getUser(idOrLogin: string): UserRecord | undefined;
  updateUser(id: string, change: UserChange, now?: Date): UserRecord;
  deleteUser(id: string): boolean;
  /** Users after `afterSeq` in insertion order that satisfy `match`, at most `limit`. */
  scanUsers(afterSeq: number, limit: number, match?: (user: UserRecord) => boolean): Page<UserRecord>;
  userGroups(userId: string): GroupRecord[];
  createGroup(input: { name: string; description: string | null; type?: GroupType }, now?: Date): GroupRecord;
  getGroup(id: string): GroupRecord | undefined;
  updateGroup(id: string, change: { name: string; description: string | null }, now?: Date): GroupRecord;
  deleteGroup(id: string): boolean;
  scanGroups(afterSeq: number, limit: number, match?: (group: GroupRecord) => boolean): Page<GroupRecord>;
  /** Members of a group in the order they were added. */
  scanGroupMembers(groupId: string, afterSeq: number, limit: number): Page<UserRecord>;
  /** Adds a membership; false when it already existed. */
  addMember(groupId: string, userId: string, now?: Date): boolean;
  /** Removes a membership; false when there was none. */
  removeMember(groupId: string, userId: string, now?: Date): boolean;
  counts(): { users: number; groups: number; memberships: number };
  /** A user's enrolled factors, in enrollment order. */
  userFactors(userId: string): FactorRecord[];
  /** Enrolls a factor (seeding and tests; the emulator serves no enrollment API). */
  addFactor(factor: FactorRecord): void;
  /** Unenrolls every factor of a user; returns how many there were. */
  resetFactors(userId: string): number;
  getSession(id: string): SessionRecord | undefined;
  /** Opens a session (seeding and tests; the emulator serves no sign-in that creates one). */
  addSession(session: SessionRecord): void;
  /** Ends every session of a user; returns how many there were. */
  revokeUserSessions(userId: string): number;
  /** Appends a System Log event (Okta's `LogEvent` object); returns its position in the log. */
  appendLogEvent(event: Record<string, unknown>): number;
  /**
   * System Log events after position `afterSeq` (ascending) or before it (descending; 0 means from the
   * newest) that satisfy `match`, at most `limit`.
   */
  scanLogEvents(
    afterSeq: number,
    limit: number,
    order: 'ASCENDING' | 'DESCENDING',
    match?: (event: Record<string, unknown>) => boolean,
  ): Page<Record<string, unknown>>;
  /** The position of the newest System Log event, 0 when there is none. */
  lastLogEventSeq(): number;
  /** Apps after `afterSeq` in creation order that satisfy `match`, at most `limit`. */
  scanApps(afterSeq: number, limit: number, match?: (app: AppRecord) => boolean): Page<AppRecord>;
  getApp(id: string): AppRecord | undefined;
  /**
   * The app's users in the order they joined Okta: those assigned directly and the members of its groups.
   * The `seq` of each page position is the user's.
   */
  scanAppUsers(
    appId: string,
    afterSeq: number,
    limit: number,
    match?: (u: AppUserRecord) => boolean,
  ): Page<AppUserRecord>;
  /** The user's assignment to the app (direct or through a group), if any. */
  appUser(appId: string, userId: string): AppUserRecord | undefined;
  /** Assigns a user directly (or replaces the app profile of a direct assignment). */
  assignAppUser(appId: string, userId: string, profile: Record<string, unknown>, now?: Date): AppUserRecord;
  /** Removes a direct assignment; false when there was none. */
  unassignAppUser(appId: string, userId: string): boolean;
  /** Group assignments of an app in the order they were made. */
  scanAppGroups(
    appId: string,
    afterSeq: number,
    limit: number,
    match?: (g: AppGroupRecord & { groupName: string }) => boolean,
  ): Page<AppGroupRecord>;
  /** Assigns a group (or updates the assignment's priority and profile). */
  assignAppGroup(
    appId: string,
    groupId: string,
    change: { priority?: number; profile?: Record<string, unknown> },
    now?: Date,
  ): AppGroupRecord;
  /** Removes a group assignment; false when there was none. */
  unassignAppGroup(appId: string, groupId: string): boolean;
  /** The apps a user is assigned, directly or through a group, in creation order. */
  userApps(userId: string): AppRecord[];
  /** Group rules after `afterSeq` in creation order that satisfy `match`, at most `limit`. */
  scanGroupRules(
    afterSeq: number,
    limit: number,
    match?: (rule: GroupRuleRecord) => boolean,
  ): Page<GroupRuleRecord>;
  getGroupRule(id: string): GroupRuleRecord | undefined;
  /** Stores a new rule or replaces the one with the same id. */
  putGroupRule(rule: GroupRuleRecord): GroupRuleRecord;
  deleteGroupRule(id: string): boolean;
  /**
   * The roles assigned to a user or a group, in assignment order; for a user, with `viaGroups` also those
   * assigned to the groups it belongs to.
   */
  roleAssignments(
    assigneeType: 'USER' | 'GROUP',
    assigneeId: string,
    viaGroups?: boolean,
  ): RoleAssignmentRecord[];
  addRoleAssignment(role: RoleAssignmentRecord): RoleAssignmentRecord;
  deleteRoleAssignment(assigneeType: 'USER' | 'GROUP', assigneeId: string, id: string): boolean;
  /** Runs `fn` in one SQLite transaction. */
  transaction<T>(fn: () => T): T;
  /** Empties the org, keeping only the built-in "Everyone" group. */
  reset(): void;
  /** Replaces the org's state with the deterministic seed (see `generateSeed`). */
  seed(options?: SeedOptions): void;
  close(): void;
};

/** Options of `openStore`. */
export type StoreOptions = {
  storage: 'sqlite' | 'memory';
  /** Directory of `org.sqlite` when `storage` is `sqlite`. */
  stateDir?: string;
  /** Seeds the org when it is empty on open (by default it starts with only "Everyone"). */
  seed?: SeedOptions;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  login TEXT NOT NULL UNIQUE COLLATE NOCASE,
  status TEXT NOT NULL,
  created TEXT NOT NULL,
  activated TEXT,
  status_changed TEXT,
  last_login TEXT,
  last_updated TEXT NOT NULL,
  password_changed TEXT,
  has_password INTEGER NOT NULL,
  profile TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS groups (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  created TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  last_membership_updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS memberships (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  UNIQUE (group_id, user_id)
);
CREATE INDEX IF NOT EXISTS memberships_by_user ON memberships(user_id);
CREATE TABLE IF NOT EXISTS factors (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  factor TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS factors_by_user ON factors(user_id);
CREATE TABLE IF NOT EXISTS user_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  session TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS user_sessions_by_user ON user_sessions(user_id);
CREATE TABLE IF NOT EXISTS log_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS apps (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  app TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_users (
  app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  profile TEXT NOT NULL,
  created TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  PRIMARY KEY (app_id, user_id)
);
CREATE TABLE IF NOT EXISTS role_assignments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  assignee_type TEXT NOT NULL,
  assignee_id TEXT NOT NULL,
  type TEXT NOT NULL,
  created TEXT NOT NULL,
  UNIQUE (assignee_type, assignee_id, type)
);
CREATE TABLE IF NOT EXISTS group_rules (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  rule TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_groups (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL,
  profile TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  UNIQUE (app_id, group_id)
);
`;

type UserRow = {
  seq: number;
  id: string;
  login: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  status_changed: string | null;
  last_login: string | null;
  last_updated: string;
  password_changed: string | null;
  has_password: number;
  profile: string;
};
type GroupRow = {
  seq: number;
  id: string;
  type: GroupType;
  name: string;
  description: string | null;
  created: string;
  last_updated: string;
  last_membership_updated: string;
};

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  status: r.status,
  created: r.created,
  activated: r.activated,
  statusChanged: r.status_changed,
  lastLogin: r.last_login,
  lastUpdated: r.last_updated,
  passwordChanged: r.password_changed,
  hasPassword: r.has_password === 1,
  profile: JSON.parse(r.profile) as UserProfile,
  seq: r.seq,
});
/** The inverse of {@link toUser}: the row that stores a user (its `seq` is SQLite's to assign). */
const userRow = (u: Omit<UserRecord, 'seq'>): Omit<UserRow, 'seq'> => ({
  id: u.id,
  login: u.profile.login,
  status: u.status,
  created: u.created,
  activated: u.activated,
  status_changed: u.statusChanged,
  last_login: u.lastLogin,
  last_updated: u.lastUpdated,
  password_changed: u.passwordChanged,
  has_password: u.hasPassword ? 1 : 0,
  profile: JSON.stringify(u.profile),
});
const toGroup = (r: GroupRow): GroupRecord => ({
  id: r.id,
  type: r.type,
  name: r.name,
  description: r.description,
  created: r.created,
  lastUpdated: r.last_updated,
  lastMembershipUpdated: r.last_membership_updated,
  seq: r.seq,
});

/**
 * Opens the org's state: a SQLite file in `stateDir` (WAL) or an in-memory SQLite database, so both
 * storages share one code path.
 *
 * @example const store = openStore({ storage: 'memory', seed: { users: 1200 } });
 */
export function openStore(options: StoreOptions): OrgStore {
  let db: Database.Database;
  if (options.storage === 'sqlite') {
    if (!options.stateDir) throw new Error('openStore: storage "sqlite" needs a stateDir');
    mkdirSync(options.stateDir, { recursive: true });
    db = new Database(join(options.stateDir, 'org.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } else {
    db = new Database(':memory:');
  }
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);

  const q = {
    insertUser: db.prepare(
      `INSERT INTO users (id, login, status, created, activated, status_changed, last_login, last_updated,
         password_changed, has_password, profile)
       VALUES (@id, @login, @status, @created, @activated, @status_changed, @last_login, @last_updated,
         @password_changed, @has_password, @profile)`,
    ),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    userByLogin: db.prepare<[string], UserRow>('SELECT * FROM users WHERE login = ?'),
    loginOwner: db.prepare<[string], { id: string }>('SELECT id FROM users WHERE login = ?'),
    updateUser: db.prepare(
      `UPDATE users SET login = @login, status = @status, activated = @activated, status_changed = @status_changed,
         last_login = @last_login, last_updated = @last_updated, password_changed = @password_changed,
         has_password = @has_password, profile = @profile WHERE id = @id`,
    ),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    usersAfter: db.prepare<[number], UserRow>('SELECT * FROM users WHERE seq > ? ORDER BY seq'),
    userGroups: db.prepare<[string], GroupRow>(
      'SELECT g.* FROM groups g JOIN memberships m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.seq',
    ),
    insertGroup: db.prepare(
      `INSERT INTO groups (id, type, name, description, created, last_updated, last_membership_updated)
       VALUES (@id, @type, @name, @description, @created, @last_updated, @last_membership_updated)`,
    ),
    groupById: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE id = ?'),
    builtInGroup: db.prepare<[], GroupRow>(
      "SELECT * FROM groups WHERE type = 'BUILT_IN' ORDER BY seq LIMIT 1",
    ),
    updateGroup: db.prepare(
      'UPDATE groups SET name = @name, description = @description, last_updated = @last_updated WHERE id = @id',
    ),
    touchMembership: db.prepare('UPDATE groups SET last_membership_updated = ? WHERE id = ?'),
    deleteGroup: db.prepare('DELETE FROM groups WHERE id = ?'),
    groupsAfter: db.prepare<[number], GroupRow>('SELECT * FROM groups WHERE seq > ? ORDER BY seq'),
    membersAfter: db.prepare<[string, number], UserRow & { mseq: number }>(
      `SELECT u.*, m.seq AS mseq FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.group_id = ? AND m.seq > ? ORDER BY m.seq`,
    ),
    addMember: db.prepare('INSERT OR IGNORE INTO memberships (group_id, user_id) VALUES (?, ?)'),
    removeMember: db.prepare('DELETE FROM memberships WHERE group_id = ? AND user_id = ?'),
    factorsOf: db.prepare<[string], { factor: string }>(
      'SELECT factor FROM factors WHERE user_id = ? ORDER BY seq',
    ),
    insertFactor: db.prepare('INSERT INTO factors (id, user_id, factor) VALUES (?, ?, ?)'),
    deleteFactors: db.prepare('DELETE FROM factors WHERE user_id = ?'),
    sessionById: db.prepare<[string], { session: string }>('SELECT session FROM user_sessions WHERE id = ?'),
    insertSession: db.prepare('INSERT INTO user_sessions (id, user_id, session) VALUES (?, ?, ?)'),
    deleteSessions: db.prepare('DELETE FROM user_sessions WHERE user_id = ?'),
    insertLogEvent: db.prepare('INSERT INTO log_events (event) VALUES (?)'),
    logEventsAfter: db.prepare<[number], { seq: number; event: string }>(
      'SELECT seq, event FROM log_events WHERE seq > ? ORDER BY seq',
    ),
    logEventsBefore: db.prepare<[number], { seq: number; event: string }>(
      'SELECT seq, event FROM log_events WHERE seq < ? ORDER BY seq DESC',
    ),
    lastLogEvent: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM log_events'),
    insertApp: db.prepare('INSERT INTO apps (id, app) VALUES (?, ?)'),
    appById: db.prepare<[string], { seq: number; app: string }>('SELECT seq, app FROM apps WHERE id = ?'),
    appsAfter: db.prepare<[number], { seq: number; app: string }>(
      'SELECT seq, app FROM apps WHERE seq > ? ORDER BY seq',
    ),
    // A user holds an app directly (a row in app_users) or as a member of an assigned group.
    appUsersAfter: db.prepare<
      [string, number, string],
      UserRow & {
        direct_profile: string | null;
        direct_created: string | null;
        direct_updated: string | null;
      }
    >(
      `SELECT u.*, d.profile AS direct_profile, d.created AS direct_created, d.last_updated AS direct_updated
       FROM users u LEFT JOIN app_users d ON d.app_id = ? AND d.user_id = u.id
       WHERE u.seq > ? AND (d.user_id IS NOT NULL OR EXISTS (
         SELECT 1 FROM app_groups ag JOIN memberships m ON m.group_id = ag.group_id
         WHERE ag.app_id = ? AND m.user_id = u.id))
       ORDER BY u.seq`,
    ),
    upsertAppUser: db.prepare(
      `INSERT INTO app_users (app_id, user_id, profile, created, last_updated) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (app_id, user_id) DO UPDATE SET profile = excluded.profile, last_updated = excluded.last_updated`,
    ),
    deleteAppUser: db.prepare('DELETE FROM app_users WHERE app_id = ? AND user_id = ?'),
    appGroupsAfter: db.prepare<
      [string, number],
      {
        seq: number;
        app_id: string;
        group_id: string;
        priority: number;
        profile: string;
        last_updated: string;
        name: string;
      }
    >(
      `SELECT ag.*, g.name FROM app_groups ag JOIN groups g ON g.id = ag.group_id
       WHERE ag.app_id = ? AND ag.seq > ? ORDER BY ag.seq`,
    ),
    appGroup: db.prepare<
      [string, string],
      {
        seq: number;
        app_id: string;
        group_id: string;
        priority: number;
        profile: string;
        last_updated: string;
      }
    >('SELECT * FROM app_groups WHERE app_id = ? AND group_id = ?'),
    nextPriority: db.prepare<[string], { next: number }>(
      'SELECT COALESCE(MAX(priority) + 1, 0) AS next FROM app_groups WHERE app_id = ?',
    ),
    insertAppGroup: db.prepare(
      'INSERT INTO app_groups (app_id, group_id, priority, profile, last_updated) VALUES (?, ?, ?, ?, ?)',
    ),
    updateAppGroup: db.prepare(
      'UPDATE app_groups SET priority = ?, profile = ?, last_updated = ? WHERE app_id = ? AND group_id = ?',
    ),
    deleteAppGroup: db.prepare('DELETE FROM app_groups WHERE app_id = ? AND group_id = ?'),
    userApps: db.prepare<[string, string], { seq: number; app: string }>(
      `SELECT a.seq, a.app FROM apps a WHERE EXISTS (SELECT 1 FROM app_users d WHERE d.app_id = a.id AND d.user_id = ?)
         OR EXISTS (SELECT 1 FROM app_groups ag JOIN memberships m ON m.group_id = ag.group_id
                    WHERE ag.app_id = a.id AND m.user_id = ?)
       ORDER BY a.seq`,
    ),
    rolesOf: db.prepare<[string, string, string], RoleRow>(
      `SELECT * FROM role_assignments WHERE (assignee_type = ? AND assignee_id = ?)
         OR (assignee_type = 'GROUP' AND assignee_id IN (SELECT group_id FROM memberships WHERE user_id = ?))
       ORDER BY seq`,
    ),
    insertRole: db.prepare(
      `INSERT INTO role_assignments (id, assignee_type, assignee_id, type, created)
       VALUES (@id, @assigneeType, @assigneeId, @type, @created)`,
    ),
    deleteRole: db.prepare(
      'DELETE FROM role_assignments WHERE assignee_type = ? AND assignee_id = ? AND id = ?',
    ),
    rulesAfter: db.prepare<[number], { seq: number; rule: string }>(
      'SELECT seq, rule FROM group_rules WHERE seq > ? ORDER BY seq',
    ),
    ruleById: db.prepare<[string], { rule: string }>('SELECT rule FROM group_rules WHERE id = ?'),
    upsertRule: db.prepare(
      'INSERT INTO group_rules (id, rule) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET rule = excluded.rule',
    ),
    deleteRule: db.prepare('DELETE FROM group_rules WHERE id = ?'),
    counts: db.prepare<[], { users: number; groups: number; memberships: number }>(
      `SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM groups) AS groups,
         (SELECT COUNT(*) FROM memberships) AS memberships`,
    ),
  };

  const requireUser = (id: string): UserRow => {
    const row = q.userById.get(id);
    if (!row) throw new Error(`No user with id ${id}`);
    return row;
  };

  /** Empties every table and restarts the insertion order (pagination cursors start over). */
  function clear(): void {
    db.exec(
      'DELETE FROM memberships; DELETE FROM factors; DELETE FROM user_sessions; DELETE FROM app_users; ' +
        'DELETE FROM app_groups; DELETE FROM apps; DELETE FROM group_rules; DELETE FROM role_assignments; ' +
        'DELETE FROM users; DELETE FROM groups; DELETE FROM log_events; ' +
        'DELETE FROM sqlite_sequence;',
    );
  }

  function scan<R, T>(
    rows: Iterable<R>,
    toItem: (r: R) => T,
    seqOf: (r: R) => number,
    limit: number,
    match?: (t: T) => boolean,
  ): Page<T> {
    const items: T[] = [];
    let lastSeq = 0;
    for (const row of rows) {
      const item = toItem(row);
      if (match && !match(item)) continue;
      if (items.length === limit) {
        // One more match exists beyond this page: stop the iterator and hand back the cursor.
        return { items, nextSeq: lastSeq };
      }
      items.push(item);
      lastSeq = seqOf(row);
    }
    return { items };
  }

  const store: OrgStore = {
    createUser({ profile, status, hasPassword }, now = new Date()) {
      const ts = now.toISOString();
      if (q.loginOwner.get(profile.login)) throw new LoginTakenError(profile.login);
      const id = newOktaId('00u');
      const active = status !== 'STAGED';
      return store.transaction(() => {
        q.insertUser.run(
          userRow({
            id,
            status,
            created: ts,
            activated: status === 'ACTIVE' || status === 'PROVISIONED' ? ts : null,
            statusChanged: active ? ts : null,
            lastLogin: null,
            lastUpdated: ts,
            passwordChanged: hasPassword ? ts : null,
            hasPassword,
            profile,
          }),
        );
        const everyone = q.builtInGroup.get();
        if (everyone) {
          q.addMember.run(everyone.id, id);
          q.touchMembership.run(ts, everyone.id);
        }
        return toUser(requireUser(id));
      });
    },
    getUser(idOrLogin) {
      const row = q.userById.get(idOrLogin) ?? q.userByLogin.get(idOrLogin);
      return row && toUser(row);
    },
    updateUser(id, change, now = new Date()) {
      const current = toUser(requireUser(id));
      const next = { ...current, ...change };
      const owner = q.loginOwner.get(next.profile.login);
      if (owner && owner.id !== id) throw new LoginTakenError(next.profile.login);
      q.updateUser.run(userRow({ ...next, lastUpdated: now.toISOString() }));
      // Okta ends a user's sessions when it deactivates them.
      if (next.status === 'DEPROVISIONED') q.deleteSessions.run(id);
      return toUser(requireUser(id));
    },
    deleteUser: (id) => q.deleteUser.run(id).changes > 0,
    scanUsers: (afterSeq, limit, match) =>
      scan(q.usersAfter.iterate(afterSeq), toUser, (r) => r.seq, limit, match),
    userGroups: (userId) => q.userGroups.all(userId).map(toGroup),
    createGroup({ name, description, type = 'OKTA_GROUP' }, now = new Date()) {
      const ts = now.toISOString();
      const id = newOktaId('00g');
      q.insertGroup.run({
        id,
        type,
        name,
        description,
        created: ts,
        last_updated: ts,
        last_membership_updated: ts,
      });
      return toGroup(q.groupById.get(id)!);
    },
    getGroup(id) {
      const row = q.groupById.get(id);
      return row && toGroup(row);
    },
    updateGroup(id, { name, description }, now = new Date()) {
      q.updateGroup.run({ id, name, description, last_updated: now.toISOString() });
      const row = q.groupById.get(id);
      if (!row) throw new Error(`No group with id ${id}`);
      return toGroup(row);
    },
    deleteGroup: (id) => q.deleteGroup.run(id).changes > 0,
    scanGroups: (afterSeq, limit, match) =>
      scan(q.groupsAfter.iterate(afterSeq), toGroup, (r) => r.seq, limit, match),
    scanGroupMembers: (groupId, afterSeq, limit) =>
      scan(q.membersAfter.iterate(groupId, afterSeq), toUser, (r) => r.mseq, limit),
    addMember(groupId, userId, now = new Date()) {
      return store.transaction(() => {
        const added = q.addMember.run(groupId, userId).changes > 0;
        if (added) q.touchMembership.run(now.toISOString(), groupId);
        return added;
      });
    },
    removeMember(groupId, userId, now = new Date()) {
      return store.transaction(() => {
        const removed = q.removeMember.run(groupId, userId).changes > 0;
        if (removed) q.touchMembership.run(now.toISOString(), groupId);
        return removed;
      });
    },
    counts: () => q.counts.get()!,
    userFactors: (userId) => q.factorsOf.all(userId).map((r) => JSON.parse(r.factor) as FactorRecord),
    addFactor: (factor) => void q.insertFactor.run(factor.id, factor.userId, JSON.stringify(factor)),
    resetFactors: (userId) => q.deleteFactors.run(userId).changes,
    getSession(id) {
      const row = q.sessionById.get(id);
      return row && (JSON.parse(row.session) as SessionRecord);
    },
    addSession: (session) => void q.insertSession.run(session.id, session.userId, JSON.stringify(session)),
    revokeUserSessions: (userId) => q.deleteSessions.run(userId).changes,
    appendLogEvent: (event) => Number(q.insertLogEvent.run(JSON.stringify(event)).lastInsertRowid),
    scanLogEvents: (afterSeq, limit, order, match) =>
      scan(
        order === 'ASCENDING'
          ? q.logEventsAfter.iterate(afterSeq)
          : q.logEventsBefore.iterate(afterSeq === 0 ? Number.MAX_SAFE_INTEGER : afterSeq),
        (r) => JSON.parse(r.event) as Record<string, unknown>,
        (r) => r.seq,
        limit,
        match,
      ),
    lastLogEventSeq: () => q.lastLogEvent.get()?.seq ?? 0,
    scanApps: (afterSeq, limit, match) =>
      scan(q.appsAfter.iterate(afterSeq), toApp, (r) => r.seq, limit, match),
    getApp(id) {
      const row = q.appById.get(id);
      return row && toApp(row);
    },
    scanAppUsers: (appId, afterSeq, limit, match) =>
      scan(
        q.appUsersAfter.iterate(appId, afterSeq, appId),
        (r) => toAppUser(appId, r),
        (r) => r.seq,
        limit,
        match,
      ),
    appUser(appId, userId) {
      const user = q.userById.get(userId);
      if (!user) return undefined;
      const page = scan(
        q.appUsersAfter.iterate(appId, user.seq - 1, appId),
        (r) => toAppUser(appId, r),
        (r) => r.seq,
        1,
      );
      const found = page.items[0];
      return found?.user.id === userId ? found : undefined;
    },
    assignAppUser(appId, userId, profile, now = new Date()) {
      const ts = now.toISOString();
      q.upsertAppUser.run(appId, userId, JSON.stringify(profile), ts, ts);
      return store.appUser(appId, userId)!;
    },
    unassignAppUser: (appId, userId) => q.deleteAppUser.run(appId, userId).changes > 0,
    scanAppGroups: (appId, afterSeq, limit, match) =>
      scan(
        q.appGroupsAfter.iterate(appId, afterSeq),
        (r) => ({ ...toAppGroup(r), groupName: r.name }),
        (r) => r.seq,
        limit,
        match,
      ),
    assignAppGroup(appId, groupId, change, now = new Date()) {
      const ts = now.toISOString();
      const current = q.appGroup.get(appId, groupId);
      if (current) {
        const priority = change.priority ?? current.priority;
        const profile = change.profile ? JSON.stringify(change.profile) : current.profile;
        q.updateAppGroup.run(priority, profile, ts, appId, groupId);
      } else {
        const priority = change.priority ?? q.nextPriority.get(appId)!.next;
        q.insertAppGroup.run(appId, groupId, priority, JSON.stringify(change.profile ?? {}), ts);
      }
      return toAppGroup(q.appGroup.get(appId, groupId)!);
    },
    unassignAppGroup: (appId, groupId) => q.deleteAppGroup.run(appId, groupId).changes > 0,
    userApps: (userId) => q.userApps.all(userId, userId).map(toApp),
    roleAssignments: (assigneeType, assigneeId, viaGroups = false) =>
      q.rolesOf.all(assigneeType, assigneeId, viaGroups ? assigneeId : '').map((r) => ({
        id: r.id,
        assigneeType: r.assignee_type,
        assigneeId: r.assignee_id,
        type: r.type,
        created: r.created,
      })),
    addRoleAssignment(role) {
      q.insertRole.run(role);
      return role;
    },
    deleteRoleAssignment: (assigneeType, assigneeId, id) =>
      q.deleteRole.run(assigneeType, assigneeId, id).changes > 0,
    scanGroupRules: (afterSeq, limit, match) =>
      scan(
        q.rulesAfter.iterate(afterSeq),
        (r) => JSON.parse(r.rule) as GroupRuleRecord,
        (r) => r.seq,
        limit,
        match,
      ),
    getGroupRule(id) {
      const row = q.ruleById.get(id);
      return row && (JSON.parse(row.rule) as GroupRuleRecord);
    },
    putGroupRule(rule) {
      q.upsertRule.run(rule.id, JSON.stringify(rule));
      return rule;
    },
    deleteGroupRule: (id) => q.deleteRule.run(id).changes > 0,
    transaction: (fn) => db.transaction(fn)(),
    reset() {
      db.transaction(() => {
        clear();
        store.createGroup({
          name: 'Everyone',
          description: 'All users in your organization',
          type: 'BUILT_IN',
        });
      })();
    },
    seed(options = {}) {
      const data = generateSeed(options);
      db.transaction(() => {
        clear();
        for (const g of data.groups) {
          q.insertGroup.run({
            id: g.id,
            type: g.type,
            name: g.name,
            description: g.description,
            created: g.created,
            last_updated: g.created,
            last_membership_updated: g.created,
          });
        }
        for (const u of data.users) q.insertUser.run(userRow(u));
        for (const [groupId, userId] of data.memberships) q.addMember.run(groupId, userId);
        for (const u of data.users) {
          for (const factor of seededFactors(u)) store.addFactor(factor);
          for (const session of seededSessions(u)) store.addSession(session);
        }
        for (const app of seededApps()) q.insertApp.run(app.id, JSON.stringify(app));
        // Every user sees the intranet: its bookmark is assigned to "Everyone".
        const everyone = data.groups.find((g) => g.type === 'BUILT_IN');
        if (everyone)
          store.assignAppGroup(seededAppId('Intranet'), everyone.id, { priority: 0 }, new Date(SEEDED_AT));
      })();
    },
    close: () => db.close(),
  };

  if (q.counts.get()!.groups === 0) {
    if (options.seed) store.seed(options.seed);
    else store.reset();
  }
  return store;
}

type RoleRow = {
  id: string;
  assignee_type: 'USER' | 'GROUP';
  assignee_id: string;
  type: string;
  created: string;
};

const toApp = (r: { seq: number; app: string }): AppRecord => ({
  ...(JSON.parse(r.app) as Omit<AppRecord, 'seq'>),
  seq: r.seq,
});
const toAppUser = (
  appId: string,
  r: UserRow & {
    direct_profile: string | null;
    direct_created: string | null;
    direct_updated: string | null;
  },
): AppUserRecord => ({
  appId,
  user: toUser(r),
  scope: r.direct_profile === null ? 'GROUP' : 'USER',
  profile: r.direct_profile === null ? {} : (JSON.parse(r.direct_profile) as Record<string, unknown>),
  created: r.direct_created ?? r.created,
  lastUpdated: r.direct_updated ?? r.last_updated,
});
const toAppGroup = (r: {
  app_id: string;
  group_id: string;
  priority: number;
  profile: string;
  last_updated: string;
}): AppGroupRecord => ({
  appId: r.app_id,
  groupId: r.group_id,
  priority: r.priority,
  profile: JSON.parse(r.profile) as Record<string, unknown>,
  lastUpdated: r.last_updated,
});

/** When the seeded apps were set up. */
const SEEDED_AT = '2022-01-03T09:00:00.000Z';

/** The apps every seeded org has: SAML apps and bookmarks, as an org's catalogue typically holds. */
const SEEDED_APPS: readonly Pick<AppRecord, 'label' | 'signOnMode' | 'url'>[] = [
  { label: 'Intranet', signOnMode: 'BOOKMARK', url: 'https://intranet.companyabc.example/' },
  { label: 'Expenses', signOnMode: 'BOOKMARK', url: 'https://expenses.companyabc.example/' },
  { label: 'Salesforce', signOnMode: 'SAML_2_0', url: 'https://companyabc.my.salesforce.example/sso/saml' },
  { label: 'Slack', signOnMode: 'SAML_2_0', url: 'https://companyabc.slack.example/sso/saml' },
  {
    label: 'Workday',
    signOnMode: 'SAML_2_0',
    url: 'https://wd5.workday.example/companyabc/login-saml.htmld',
  },
  { label: 'Zoom', signOnMode: 'SAML_2_0', url: 'https://companyabc.zoom.example/saml/SSO' },
];

/** The id of a seeded app, by label (deterministic, so every seed has the same ids). */
export function seededAppId(label: string): string {
  return derivedId('0oa', `app/${label}`);
}

/** The seeded apps, ACTIVE; a custom SAML app's `name` is the key Okta generates from the org and label. */
export function seededApps(): Omit<AppRecord, 'seq'>[] {
  return SEEDED_APPS.map((a) => ({
    ...a,
    id: seededAppId(a.label),
    name: a.signOnMode === 'BOOKMARK' ? 'bookmark' : `companyabc_${a.label.toLowerCase()}_1`,
    status: 'ACTIVE',
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
  }));
}

/** A deterministic Okta-style id (3-character prefix, 17 more) derived from `seed`, so seeds repeat. */
function derivedId(prefix: string, seed: string, length = 17): string {
  const digest = createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, '');
  return prefix + digest.slice(0, length);
}

/** Users who have signed in (a password, and a status that allows it) enrolled MFA. */
const ENROLLED: ReadonlySet<UserStatus> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED']);

/**
 * The factors a seeded user has enrolled, derived from the user alone (the seed's random sequence is left
 * untouched): an Okta Verify TOTP for every user who can sign in, and an email factor for half of them.
 */
export function seededFactors(user: Omit<UserRecord, 'seq'>): FactorRecord[] {
  if (!user.hasPassword || !ENROLLED.has(user.status)) return [];
  const at = user.activated ?? user.created;
  const totp: FactorRecord = {
    id: derivedId('ost', `${user.id}/totp`),
    userId: user.id,
    factorType: 'token:software:totp',
    provider: 'OKTA',
    vendorName: 'OKTA',
    status: 'ACTIVE',
    created: at,
    lastUpdated: at,
    profile: { credentialId: user.profile.login },
  };
  if (derivedId('', `${user.id}/email`).charCodeAt(0) % 2 === 1) return [totp];
  return [
    totp,
    {
      id: derivedId('emf', `${user.id}/email`),
      userId: user.id,
      factorType: 'email',
      provider: 'OKTA',
      vendorName: 'OKTA',
      status: 'ACTIVE',
      created: at,
      lastUpdated: at,
      profile: { email: user.profile.email },
    },
  ];
}

/** The id of the Okta session a seeded user holds (see {@link seededSessions}). */
export function seededSessionId(userId: string): string {
  return derivedId('102', `${userId}/session`, 22);
}

/** A seeded user who signed in (an ACTIVE user with a last login) holds one session since that sign-in. */
export function seededSessions(user: Omit<UserRecord, 'seq'>): SessionRecord[] {
  if (user.status !== 'ACTIVE' || !user.lastLogin) return [];
  return [
    {
      id: seededSessionId(user.id),
      userId: user.id,
      login: user.profile.login,
      createdAt: user.lastLogin,
      // Sessions of the seed outlive any test run.
      expiresAt: '2099-01-01T00:00:00.000Z',
      lastPasswordVerification: user.lastLogin,
    },
  ];
}
