/**
 * The replay workflows with one deliberately broken change, for the test that proves the replay check
 * bites: this `provisionNewHire` looks up (or creates) the hire's groups before it looks the user up,
 * where the sample looks the user up first. Its commands differ from a recorded history's wherever the
 * hire has groups, and replaying such a history must fail.
 */
import { NewHireSchema, toProfile, type NewHire, type ProvisionResult } from '../../common/new-hire.js';
import { okta } from '../../workflows/index.js';

export * from './workflows.js';

const SESSION = 'okta';

/** The sample's `provisionNewHire` with the group lookups moved before the user lookup. */
export async function provisionNewHire(input: NewHire): Promise<ProvisionResult> {
  const hire = NewHireSchema.parse(input);
  const groups = [];
  for (const name of hire.groups) {
    const { items } = await okta.groups.list({
      session: SESSION,
      search: `profile.name eq ${JSON.stringify(name)}`,
      limit: 10,
    });
    groups.push(items[0] ?? (await okta.groups.create({ session: SESSION, profile: { name } })));
  }
  const { items } = await okta.users.list({
    session: SESSION,
    filter: `profile.login eq ${JSON.stringify(hire.login)}`,
    limit: 1,
  });
  const user =
    items[0] ?? (await okta.users.create({ session: SESSION, profile: toProfile(hire), activate: true }));
  for (const group of groups) await okta.groups.addUser({ session: SESSION, group: group.id, user: user.id });
  return {
    login: hire.login,
    userId: user.id,
    status: items[0] ? 'alreadyProvisioned' : 'created',
    groups: hire.groups,
  };
}
