import { randomUUID } from 'node:crypto';
import type { ApiCaller } from './auth/authenticate.js';
import type { OperationId } from './management/scopes.js';
import type { GroupRecord, OrgStore, UserRecord } from './store.js';

/**
 * The System Log of the emulated org: Okta's `LogEvent` objects for user lifecycle and group membership
 * changes made through the Management API, kept in the store (so they survive a restart with SQLite
 * storage) and handed to listeners (event hooks) once the request that caused them has committed.
 */

/** An Okta `LogEvent` (`management-minimal.yaml`), the fields the emulator fills in. */
export type LogEvent = {
  uuid: string;
  published: string;
  eventType: string;
  version: string;
  severity: 'INFO';
  displayMessage: string;
  actor: LogEntity;
  client: { id?: string; ipAddress: string; device: string };
  outcome: { result: 'SUCCESS' };
  target: LogEntity[];
  transaction: { type: 'WEB'; id: string; detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
  legacyEventType?: string;
};

/** `LogActor` and `LogTarget`: who acted, and on what. */
export type LogEntity = { id: string; type: string; alternateId: string; displayName: string };

/** The user lifecycle and membership event types the emulator records, with Okta's display messages. */
export const LOG_EVENT_TYPES = {
  'user.lifecycle.create': 'Create Okta user',
  'user.lifecycle.activate': 'Activate Okta user',
  'user.lifecycle.reactivate': 'Reactivate Okta user',
  'user.lifecycle.deactivate': 'Deactivate Okta user',
  'user.lifecycle.suspend': 'Suspend Okta user',
  'user.lifecycle.unsuspend': 'Unsuspend Okta user',
  'user.lifecycle.delete.initiated': 'Delete Okta user',
  'user.account.unlock': 'Unlock user account',
  'group.user_membership.add': 'Add user to group membership',
  'group.user_membership.remove': 'Remove user from group membership',
} as const;
export type LogEventType = keyof typeof LOG_EVENT_TYPES;

/** A user as a log target (Okta's `User` target: login as `alternateId`). */
export function userTarget(user: Pick<UserRecord, 'id' | 'profile'>): LogEntity {
  const name = [user.profile.firstName, user.profile.lastName].filter(Boolean).join(' ');
  return { id: user.id, type: 'User', alternateId: user.profile.login, displayName: name };
}

/** A group as a log target (Okta's `UserGroup` target). */
export function groupTarget(group: Pick<GroupRecord, 'id' | 'name'>): LogEntity {
  return { id: group.id, type: 'UserGroup', alternateId: 'unknown', displayName: group.name };
}

/**
 * The actor of an API call: the OAuth 2.0 client for a token (Okta logs service apps as
 * `PublicClientApp`), or the API token's owner for SSWS, which the emulator does not model as a user.
 */
export function callerActor(caller: ApiCaller): LogEntity {
  if (caller.kind === 'oauth' && caller.clientId) {
    return {
      id: caller.clientId,
      type: 'PublicClientApp',
      alternateId: caller.clientId,
      displayName: caller.clientId,
    };
  }
  return { id: '00T0000000000000000', type: 'User', alternateId: 'api-token', displayName: 'API token' };
}

/** Builds one `LogEvent` for a change made by `actor` in the request `requestId` to `requestUri`. */
export function logEvent(input: {
  eventType: LogEventType;
  actor: LogEntity;
  target: LogEntity[];
  published: Date;
  requestId: string;
  requestUri: string;
  clientId?: string;
}): LogEvent {
  return {
    uuid: randomUUID(),
    published: input.published.toISOString(),
    eventType: input.eventType,
    version: '0',
    severity: 'INFO',
    displayMessage: LOG_EVENT_TYPES[input.eventType],
    actor: input.actor,
    client: {
      ...(input.clientId ? { id: input.clientId } : {}),
      ipAddress: '127.0.0.1',
      device: 'Unknown',
    },
    outcome: { result: 'SUCCESS' },
    target: input.target,
    transaction: { type: 'WEB', id: input.requestId, detail: {} },
    debugContext: { debugData: { requestId: input.requestId, requestUri: input.requestUri } },
  };
}

type Change = { eventType: LogEventType; target: LogEntity[] };

const STATUS_EVENTS: Partial<Record<OperationId, LogEventType>> = {
  activateUser: 'user.lifecycle.activate',
  reactivateUser: 'user.lifecycle.reactivate',
  deactivateUser: 'user.lifecycle.deactivate',
  suspendUser: 'user.lifecycle.suspend',
  unsuspendUser: 'user.lifecycle.unsuspend',
  unlockUser: 'user.account.unlock',
};

const isMember = (store: OrgStore, groupId: string, userId: string) =>
  store.userGroups(userId).some((g) => g.id === groupId);

/**
 * Looks at the state an operation is about to change, and returns what to call once it succeeded to
 * learn the changes it made (none when the operation changed nothing, such as adding a member twice).
 * Reading state before and after keeps the handlers free of logging.
 */
export function observeChanges(
  store: OrgStore,
  operationId: OperationId,
  params: Record<string, string>,
): (result: { status: number; body?: unknown }) => Change[] {
  const none = () => [];
  if (operationId === 'createUser') {
    return (result) => {
      const id = (result.body as { id?: string } | undefined)?.id;
      const user = id ? store.getUser(id) : undefined;
      if (!user) return [];
      const created: Change = { eventType: 'user.lifecycle.create', target: [userTarget(user)] };
      return user.status === 'STAGED'
        ? [created]
        : [created, { eventType: 'user.lifecycle.activate', target: [userTarget(user)] }];
    };
  }
  if (operationId === 'deleteUser' || STATUS_EVENTS[operationId]) {
    const before = params.id ? store.getUser(params.id) : undefined;
    if (!before) return none;
    return () => {
      const after = store.getUser(before.id);
      const target = [userTarget(before)];
      if (operationId === 'deleteUser') {
        if (!after) return [{ eventType: 'user.lifecycle.delete.initiated', target }];
        return after.status === 'DEPROVISIONED' && before.status !== 'DEPROVISIONED'
          ? [{ eventType: 'user.lifecycle.deactivate', target }]
          : [];
      }
      // Reactivation restarts activation without changing the status: Okta logs it all the same.
      const changed = after && (after.status !== before.status || operationId === 'reactivateUser');
      return changed ? [{ eventType: STATUS_EVENTS[operationId]!, target }] : [];
    };
  }
  if (operationId === 'assignUserToGroup' || operationId === 'unassignUserFromGroup') {
    const { groupId, userId } = params;
    const group = groupId ? store.getGroup(groupId) : undefined;
    const user = userId ? store.getUser(userId) : undefined;
    if (!group || !user) return none;
    const wasMember = isMember(store, group.id, user.id);
    return () => {
      const member = isMember(store, group.id, user.id);
      if (member === wasMember) return [];
      return [
        {
          eventType: member ? 'group.user_membership.add' : 'group.user_membership.remove',
          target: [userTarget(user), groupTarget(group)],
        },
      ];
    };
  }
  return none;
}

/** Receives the events of each committed request, in order (event hooks). */
export type LogListener = (events: readonly LogEvent[]) => void;

/**
 * The org's System Log: appends events to the store and tells listeners. Appending runs inside the
 * request's transaction; listeners hear of events only after it committed.
 */
export class SystemLog {
  private readonly listeners = new Set<LogListener>();

  constructor(private readonly store: OrgStore) {}

  /** Appends events to the log (call inside the request's transaction). */
  append(events: readonly LogEvent[]): void {
    for (const event of events) this.store.appendLogEvent(event);
  }

  /** Tells every listener about events that were appended and committed. */
  publish(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) listener(events);
  }

  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
