/** Workflows of the fleet tests, beside the action-test workflows the harness also runs. */
import { okta, type OktaSession } from '../../workflows/index.js';

export * from '../actions/workflows.js';

const org = { domain: 'companyabc.okta.com', connection: 'okta-automation' } as const;

/** Connects a global session named `okta` and returns its value. */
export async function connectGlobal(): Promise<OktaSession> {
  await okta.connect({ ...org, session: { global: 'okta' } });
  return okta.session('okta');
}

/** Reads a user on the global session named `okta`, which only a parent or a previous run can hand over. */
export async function getUserOnInheritedSession(user: string): Promise<string> {
  return (await okta.users.get({ session: 'okta', user })).id;
}
