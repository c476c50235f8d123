import type { GroupRecord, UserRecord, UserStatus } from '../store.js';

/** The id of the org's default user type (Okta's `type.id`, `oty` + 17 characters). */
export const DEFAULT_USER_TYPE_ID = 'otyDefaultUserType0';

type Link = { href: string; method?: string };

// The lifecycle links Okta offers for each status (a subset of Okta's full set).
const LIFECYCLE_LINKS: Record<UserStatus, [rel: string, path: string][]> = {
  STAGED: [
    ['activate', 'lifecycle/activate'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  PROVISIONED: [
    ['reactivate', 'lifecycle/reactivate'],
    ['resetPassword', 'lifecycle/reset_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  ACTIVE: [
    ['suspend', 'lifecycle/suspend'],
    ['resetPassword', 'lifecycle/reset_password'],
    ['expirePassword', 'lifecycle/expire_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  RECOVERY: [
    ['resetPassword', 'lifecycle/reset_password'],
    ['reactivate', 'lifecycle/reactivate'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  PASSWORD_EXPIRED: [
    ['resetPassword', 'lifecycle/reset_password'],
    ['expirePassword', 'lifecycle/expire_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  LOCKED_OUT: [
    ['unlock', 'lifecycle/unlock'],
    ['resetPassword', 'lifecycle/reset_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  SUSPENDED: [
    ['unsuspend', 'lifecycle/unsuspend'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  DEPROVISIONED: [['activate', 'lifecycle/activate']],
};

/**
 * A user as Okta returns it. Collections carry only the `self` link, as in Okta; a single user also
 * gets the lifecycle links valid for its status. Never includes a password value.
 */
export function userJson(
  origin: string,
  user: UserRecord,
  detail: 'single' | 'collection',
): Record<string, unknown> {
  const self = `${origin}/api/v1/users/${user.id}`;
  const links: Record<string, Link> = { self: { href: self } };
  if (detail === 'single') {
    for (const [rel, path] of LIFECYCLE_LINKS[user.status])
      links[rel] = { href: `${self}/${path}`, method: 'POST' };
    links.type = { href: `${origin}/api/v1/meta/types/user/${DEFAULT_USER_TYPE_ID}` };
    links.schema = { href: `${origin}/api/v1/meta/schemas/user/osc${DEFAULT_USER_TYPE_ID.slice(3)}` };
  }
  return {
    ...userSearchView(user),
    credentials: {
      ...(user.hasPassword ? { password: {} } : {}),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: links,
  };
}

/** A group as Okta returns it. */
export function groupJson(origin: string, group: GroupRecord): Record<string, unknown> {
  const self = `${origin}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: group.type,
    // Okta's GroupProfile declares description a string: an absent one is left out rather than null.
    profile:
      group.description === null
        ? { name: group.name }
        : { name: group.name, description: group.description },
    _links: {
      logo: [
        { name: 'medium', href: `${origin}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' },
        { name: 'large', href: `${origin}/assets/img/logos/groups/okta-large.png`, type: 'image/png' },
      ],
      users: { href: `${self}/users` },
      apps: { href: `${self}/apps` },
    },
  };
}

/** The attributes `filter` and `search` read on a user: those of {@link userJson} but credentials and links. */
export function userSearchView(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    status: user.status,
    created: user.created,
    activated: user.activated,
    statusChanged: user.statusChanged,
    lastLogin: user.lastLogin,
    lastUpdated: user.lastUpdated,
    passwordChanged: user.passwordChanged,
    type: { id: DEFAULT_USER_TYPE_ID },
    profile: user.profile,
  };
}

/** The attributes `filter` and `search` read on a group. */
export function groupSearchView(group: GroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    type: group.type,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    profile: { name: group.name, description: group.description },
  };
}
