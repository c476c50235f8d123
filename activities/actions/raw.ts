import { type RawResponse, RawRequestInputSchema } from '../../common/actions.js';
import type { ActionContext } from './context.js';

/**
 * Any Management API call with the session's authorisation, for what the package does not wrap yet.
 * Okta errors map to the same typed failures as every action.
 */
export async function request(ctx: ActionContext, rawInput: unknown): Promise<RawResponse> {
  const input = RawRequestInputSchema.parse(rawInput);
  const res = await ctx.client.request<unknown>({
    method: input.method,
    path: input.path,
    query: input.query,
    body: input.body,
  });
  return { status: res.status, body: res.body ?? null, cursor: res.next };
}
