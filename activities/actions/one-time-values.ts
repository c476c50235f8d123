import {
  UserOneTimeOperation,
  UsersOneTimeValueInputSchema,
  type UserOneTimeValue,
} from '../../common/actions.js';
import type { ActionContext } from './context.js';
import { isConflict } from './retry-safe.js';
import { fetchUser } from './users.js';

/** The fields of Okta's answers that carry a one-time value; nothing else of the body is returned. */
const ONE_TIME_FIELDS = ['activationUrl', 'activationToken', 'resetPasswordUrl', 'tempPassword'] as const;

const lifecyclePath = (user: string, operation: string) =>
  `/api/v1/users/${encodeURIComponent(user)}/lifecycle/${operation}`;

/** The request Okta answers with the one-time value of `operation` instead of an email. */
function query(operation: UserOneTimeOperation, revokeSessions: boolean) {
  switch (operation) {
    case UserOneTimeOperation.activate:
    case UserOneTimeOperation.reactivate:
      return { sendEmail: false };
    case UserOneTimeOperation.resetPassword:
      return { sendEmail: false, revokeSessions };
    case UserOneTimeOperation.expirePasswordWithTempPassword:
      return { revokeSessions };
  }
}

async function post(
  ctx: ActionContext,
  user: string,
  operation: UserOneTimeOperation,
  revokeSessions: boolean,
): Promise<Record<string, unknown>> {
  const res = await ctx.client.request<Record<string, unknown> | undefined>({
    method: 'POST',
    path: lifecyclePath(user, operation),
    query: query(operation, revokeSessions),
  });
  return res.body ?? {};
}

/**
 * Runs a lifecycle operation that returns a one-time value, and returns that value with the user as it
 * is afterwards. The value is never logged, heartbeated or put in an error.
 *
 * Safe to retry, without changing anything twice: reactivate, reset_password and
 * expire_password_with_temp_password can run again on the state they leave (each run issues a fresh
 * value in place of the one a lost answer carried). Activate cannot (Okta refuses to activate a user
 * twice), so when a retried activate finds the user already activated and still PROVISIONED (an earlier
 * attempt activated them and its answer was lost), it reactivates instead, which issues a fresh
 * activation link without changing the user's status.
 */
export async function oneTimeValue(ctx: ActionContext, rawInput: unknown): Promise<UserOneTimeValue> {
  const input = UsersOneTimeValueInputSchema.parse(rawInput);
  let body: Record<string, unknown>;
  try {
    body = await post(ctx, input.user, input.operation, input.revokeSessions);
  } catch (err) {
    if (input.operation !== UserOneTimeOperation.activate || !isConflict(err)) throw err;
    const current = await fetchUser(ctx, input.user);
    if (current.status !== 'PROVISIONED') throw err;
    body = await post(ctx, current.id, UserOneTimeOperation.reactivate, false);
  }
  const result: UserOneTimeValue = { user: await fetchUser(ctx, input.user) };
  for (const field of ONE_TIME_FIELDS) {
    if (typeof body[field] === 'string') result[field] = body[field];
  }
  return result;
}
