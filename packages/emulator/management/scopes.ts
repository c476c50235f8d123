/** The Management API operations the emulator serves, with the OAuth 2.0 scope each one needs. */
export const operationScopes = {
  listUsers: 'okta.users.read',
  createUser: 'okta.users.manage',
  getUser: 'okta.users.read',
  updateUser: 'okta.users.manage',
  replaceUser: 'okta.users.manage',
  deleteUser: 'okta.users.manage',
  listUserGroups: 'okta.users.read',
  activateUser: 'okta.users.manage',
  reactivateUser: 'okta.users.manage',
  deactivateUser: 'okta.users.manage',
  suspendUser: 'okta.users.manage',
  unsuspendUser: 'okta.users.manage',
  unlockUser: 'okta.users.manage',
  resetPassword: 'okta.users.manage',
  expirePassword: 'okta.users.manage',
  expirePasswordWithTempPassword: 'okta.users.manage',
  listFactors: 'okta.users.read',
  resetFactors: 'okta.users.manage',
  revokeUserSessions: 'okta.users.manage',
  getSession: 'okta.sessions.read',
  listGroups: 'okta.groups.read',
  addGroup: 'okta.groups.manage',
  getGroup: 'okta.groups.read',
  replaceGroup: 'okta.groups.manage',
  deleteGroup: 'okta.groups.manage',
  listGroupUsers: 'okta.groups.read',
  assignUserToGroup: 'okta.groups.manage',
  unassignUserFromGroup: 'okta.groups.manage',
  listLogEvents: 'okta.logs.read',
  listEventHooks: 'okta.eventHooks.read',
  createEventHook: 'okta.eventHooks.manage',
  getEventHook: 'okta.eventHooks.read',
  activateEventHook: 'okta.eventHooks.manage',
  deactivateEventHook: 'okta.eventHooks.manage',
  verifyEventHook: 'okta.eventHooks.manage',
  listApplications: 'okta.apps.read',
  getApplication: 'okta.apps.read',
  listApplicationUsers: 'okta.apps.read',
  assignUserToApplication: 'okta.apps.manage',
  getApplicationUser: 'okta.apps.read',
  unassignUserFromApplication: 'okta.apps.manage',
  listApplicationGroupAssignments: 'okta.apps.read',
  getApplicationGroupAssignment: 'okta.apps.read',
  assignGroupToApplication: 'okta.apps.manage',
  unassignApplicationFromGroup: 'okta.apps.manage',
  listAppLinks: 'okta.users.read',
  listGroupRules: 'okta.groups.read',
  createGroupRule: 'okta.groups.manage',
  getGroupRule: 'okta.groups.read',
  deleteGroupRule: 'okta.groups.manage',
  activateGroupRule: 'okta.groups.manage',
  deactivateGroupRule: 'okta.groups.manage',
  listAssignedRolesForUser: 'okta.roles.read',
  assignRoleToUser: 'okta.roles.manage',
  getUserAssignedRole: 'okta.roles.read',
  unassignRoleFromUser: 'okta.roles.manage',
  listGroupAssignedRoles: 'okta.roles.read',
  assignRoleToGroup: 'okta.roles.manage',
  getGroupAssignedRole: 'okta.roles.read',
  unassignRoleFromGroup: 'okta.roles.manage',
} as const;

/** An operation id from Okta's spec, such as `listUsers`. */
export type OperationId = keyof typeof operationScopes;

/**
 * Whether granted scopes allow an operation. As in Okta, a `.manage` scope also grants the matching
 * `.read` scope.
 */
export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  return required.endsWith('.read') && granted.includes(required.replace(/\.read$/, '.manage'));
}
