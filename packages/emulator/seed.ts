import { newOktaId } from './ids.js';
import type { GroupType, UserRecord, UserStatus } from './store.js';

/** How much to seed. The default, 1,200 users, needs several pages at Okta's maximum `limit` of 200. */
export type SeedOptions = { users?: number; randomSeed?: number };

/** A seeded user, ready to insert (the store assigns its insertion order). */
export type SeedUser = Omit<UserRecord, 'seq'>;
export type SeedGroup = {
  id: string;
  type: GroupType;
  name: string;
  description: string | null;
  created: string;
};
export type SeedData = {
  users: SeedUser[];
  groups: SeedGroup[];
  memberships: [groupId: string, userId: string][];
};

export const DEFAULT_SEED_USERS = 1200;
/** The domain of seeded logins and emails (reserved for documentation, never deliverable). */
export const SEED_EMAIL_DOMAIN = 'example.com';

const FIRST_NAMES = [
  'Aisha',
  'Alejandro',
  'Amelia',
  'Andrei',
  'Anika',
  'Ben',
  'Carmen',
  'Chen',
  'Chloe',
  'Daniel',
  'Diego',
  'Elena',
  'Emeka',
  'Fatima',
  'Felix',
  'Grace',
  'Hana',
  'Hiroshi',
  'Ines',
  'Isaac',
  'Jamal',
  'Julia',
  'Kai',
  'Kateryna',
  'Leila',
  'Liam',
  'Lucia',
  'Mateo',
  'Maya',
  'Mei',
  'Mohammed',
  'Nadia',
  'Noah',
  'Olga',
  'Omar',
  'Priya',
  'Rafael',
  'Rosa',
  'Sami',
  'Sofia',
  'Tariq',
  'Thomas',
  'Uma',
  'Victor',
  'Wei',
  'Yara',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Abebe',
  'Andersson',
  'Bauer',
  'Chen',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fernandes',
  'Garcia',
  'Gupta',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kim',
  'Kowalski',
  'Lopez',
  'Martin',
  'Mensah',
  'Murphy',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Patel',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Tanaka',
  'Torres',
  'Walsh',
  'Wang',
  'Williams',
  'Yilmaz',
  'Zhang',
];
const DEPARTMENTS: { name: string; titles: string[] }[] = [
  {
    name: 'Engineering',
    titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'Engineering Manager'],
  },
  { name: 'Sales', titles: ['Account Executive', 'Sales Development Representative', 'Sales Manager'] },
  { name: 'Marketing', titles: ['Marketing Specialist', 'Content Strategist', 'Marketing Manager'] },
  { name: 'Finance', titles: ['Accountant', 'Financial Analyst', 'Controller'] },
  { name: 'People', titles: ['HR Business Partner', 'Recruiter', 'People Operations Manager'] },
  { name: 'Support', titles: ['Support Engineer', 'Customer Success Manager', 'Support Lead'] },
  { name: 'IT', titles: ['IT Administrator', 'Identity Engineer', 'IT Manager'] },
  { name: 'Legal', titles: ['Counsel', 'Paralegal', 'General Counsel'] },
  { name: 'Operations', titles: ['Operations Analyst', 'Program Manager', 'Operations Manager'] },
  { name: 'Product', titles: ['Product Manager', 'Product Designer', 'Director of Product'] },
];
const CITIES = [
  'San Francisco',
  'New York',
  'London',
  'Berlin',
  'Toronto',
  'Sydney',
  'Bangalore',
  'Madrid',
  'Tokyo',
];
// Most users of a real org are active; a few sit in every other state the lifecycle allows.
const STATUS_WEIGHTS: [UserStatus, number][] = [
  ['ACTIVE', 80],
  ['STAGED', 4],
  ['PROVISIONED', 4],
  ['SUSPENDED', 3],
  ['LOCKED_OUT', 2],
  ['PASSWORD_EXPIRED', 2],
  ['RECOVERY', 2],
  ['DEPROVISIONED', 3],
];
const EPOCH = Date.parse('2022-01-03T09:00:00.000Z');
const DAY = 86_400_000;

/** mulberry32: small, fast and deterministic, so every run seeds the same org. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates a deterministic org: `users` people across ten departments, one group per department, a
 * "Managers" and a "Contractors" group, and the built-in "Everyone" group holding every user.
 *
 * @example const { users, groups } = generateSeed({ users: 50 });
 */
export function generateSeed(options: SeedOptions = {}): SeedData {
  const count = options.users ?? DEFAULT_SEED_USERS;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`Seed user count must be a non-negative integer, got ${count}`);
  const random = prng(options.randomSeed ?? 0x0c7a);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const id = (prefix: '00u' | '00g') => newOktaId(prefix, int);
  const iso = (ms: number) => new Date(ms).toISOString();
  const totalWeight = STATUS_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const pickStatus = (): UserStatus => {
    let r = int(totalWeight);
    for (const [status, weight] of STATUS_WEIGHTS) {
      if (r < weight) return status;
      r -= weight;
    }
    return 'ACTIVE';
  };

  const created = iso(EPOCH);
  const everyone: SeedGroup = {
    id: id('00g'),
    type: 'BUILT_IN',
    name: 'Everyone',
    description: 'All users in your organization',
    created,
  };
  const departmentGroups = DEPARTMENTS.map((d) => ({
    id: id('00g'),
    type: 'OKTA_GROUP' as const,
    name: d.name,
    description: `Everyone in the ${d.name} department`,
    created,
  }));
  const managers: SeedGroup = {
    id: id('00g'),
    type: 'OKTA_GROUP',
    name: 'Managers',
    description: 'People managers',
    created,
  };
  const contractors: SeedGroup = {
    id: id('00g'),
    type: 'OKTA_GROUP',
    name: 'Contractors',
    description: 'Contractors and temporary staff',
    created,
  };

  const users: SeedUser[] = [];
  const memberships: [string, string][] = [];
  const logins = new Set<string>();
  for (let i = 0; i < count; i++) {
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    const base = `${firstName}.${lastName}`.toLowerCase();
    let login = `${base}@${SEED_EMAIL_DOMAIN}`;
    for (let n = 2; logins.has(login); n++) login = `${base}${n}@${SEED_EMAIL_DOMAIN}`;
    logins.add(login);
    const deptIndex = int(DEPARTMENTS.length);
    const dept = DEPARTMENTS[deptIndex]!;
    const title = pick(dept.titles);
    const contractor = int(10) === 0;
    const status = pickStatus();
    // Users were created over three years, one after another, so creation order is stable.
    const createdMs = EPOCH + Math.floor((i * 3 * 365 * DAY) / Math.max(count, 1)) + int(DAY);
    const changedMs = createdMs + int(30) * DAY + int(DAY);
    const hasPassword = status !== 'STAGED' && status !== 'PROVISIONED';
    const everActive = status !== 'STAGED';
    const user: SeedUser = {
      id: id('00u'),
      status,
      created: iso(createdMs),
      activated: everActive ? iso(createdMs) : null,
      statusChanged: status === 'STAGED' ? null : iso(changedMs),
      lastLogin: hasPassword && status !== 'DEPROVISIONED' ? iso(changedMs + int(60) * DAY) : null,
      lastUpdated: iso(changedMs),
      passwordChanged: hasPassword ? iso(createdMs) : null,
      hasPassword,
      profile: {
        login,
        email: login,
        firstName,
        lastName,
        displayName: `${firstName} ${lastName}`,
        department: dept.name,
        title,
        city: pick(CITIES),
        employeeNumber: String(100000 + i),
        userType: contractor ? 'Contractor' : 'Employee',
      },
    };
    users.push(user);
    memberships.push([everyone.id, user.id], [departmentGroups[deptIndex]!.id, user.id]);
    if (/Manager|Director|Lead|Controller|General Counsel/.test(title))
      memberships.push([managers.id, user.id]);
    if (contractor) memberships.push([contractors.id, user.id]);
  }
  return { users, groups: [everyone, ...departmentGroups, managers, contractors], memberships };
}
