import { randomInt } from 'node:crypto';
import { OktaApiError, notFound, validationFailed } from '../okta-errors.js';
import type { UserRecord } from '../store.js';
import type { HandlerResult, RequestContext, Route } from './context.js';

/** Okta's temporary passwords are short, mixed-case alphanumerics (e.g. `HR076gb6`). */
const TEMP_PASSWORD_LENGTH = 8;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function findUser(ctx: RequestContext): UserRecord {
  const user = ctx.store.getUser(ctx.params.id!);
  if (!user) throw notFound(ctx.params.id!, 'User');
  return user;
}

/** Reads an optional boolean query parameter; 400 E0000001 for anything but `true` or `false`. */
export function booleanQuery(url: URL, name: string, defaultValue: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return defaultValue;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw validationFailed(name, [`${name}: Must be true or false`]);
}

function tempPassword(): string {
  let value = '';
  for (let i = 0; i < TEMP_PASSWORD_LENGTH; i++) value += ALPHABET[randomInt(ALPHABET.length)];
  return value;
}

/**
 * `POST /api/v1/users/{id}/lifecycle/expire_password_with_temp_password` (operationId
 * `expirePasswordWithTempPassword`): the user's password becomes a temporary one, returned once, and
 * expires (PASSWORD_EXPIRED). Allowed where expire_password is: ACTIVE users, and PASSWORD_EXPIRED ones
 * again (a new temporary password replaces the previous one); 403 E0000038 otherwise.
 * `revokeSessions=true` also ends the user's sessions.
 */
function expirePasswordWithTempPassword(ctx: RequestContext): HandlerResult {
  const user = findUser(ctx);
  if (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED') {
    throw new OktaApiError(403, 'E0000038', "This operation is not allowed in the user's current status.");
  }
  const revokeSessions = booleanQuery(ctx.url, 'revokeSessions', false);
  const now = ctx.now.toISOString();
  ctx.store.updateUser(
    user.id,
    {
      status: 'PASSWORD_EXPIRED',
      statusChanged: user.status === 'PASSWORD_EXPIRED' ? user.statusChanged : now,
      hasPassword: true,
      passwordChanged: now,
    },
    ctx.now,
  );
  if (revokeSessions) ctx.store.revokeUserSessions(user.id);
  return { status: 200, body: { tempPassword: tempPassword() } };
}

/** The credential routes that return a one-time value, in Okta's paths. */
export const credentialRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/users/:id/lifecycle/expire_password_with_temp_password',
    operationId: 'expirePasswordWithTempPassword',
    handle: expirePasswordWithTempPassword,
  },
];
