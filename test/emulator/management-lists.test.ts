import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED_USERS, generateSeed } from 'temporal-okta-emulator/seed';
import { ORG_ORIGIN, newUser, nextLink, selfLink, startHarness, type Harness } from './management-harness.js';

type Item = { id: string; status: string; profile: Record<string, string> };
type ErrorBody = { errorCode: string };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ users: DEFAULT_SEED_USERS });
});
afterAll(async () => {
  await h.close();
});

async function collect(path: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let url: string | undefined = path;
  let pages = 0;
  while (url && pages < 50) {
    const res = await h.call('GET', url);
    expect(res.status).toBe(200);
    items.push(...(res.body as Item[]));
    pages++;
    url = nextLink(res.headers);
  }
  return { items, pages };
}

describe('the seed', () => {
  it('is deterministic: two generations are identical', () => {
    expect(generateSeed({ users: 50 })).toEqual(generateSeed({ users: 50 }));
  });

  it('holds over 1,000 users with unique logins across department groups', () => {
    const seed = generateSeed();
    expect(seed.users.length).toBeGreaterThan(1000);
    expect(new Set(seed.users.map((u) => u.profile.login)).size).toBe(seed.users.length);
    expect(seed.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['Everyone', 'Engineering', 'Sales']),
    );
  });
});

describe('paginating users', () => {
  it('follows rel="next" over every non-deactivated seeded user exactly once', async () => {
    const expected = generateSeed()
      .users.filter((u) => u.status !== 'DEPROVISIONED')
      .map((u) => u.id);
    const { items, pages } = await collect('/api/v1/users');
    expect(pages).toBe(Math.ceil(expected.length / 200));
    expect(items.map((u) => u.id)).toEqual(expected);
  });

  it('pages with a small limit without duplicates or gaps', async () => {
    const all = await collect('/api/v1/users?search=' + encodeURIComponent('id pr'));
    const small = await collect('/api/v1/users?limit=97&search=' + encodeURIComponent('id pr'));
    expect(all.items.length).toBe(DEFAULT_SEED_USERS);
    expect(small.items.map((u) => u.id)).toEqual(all.items.map((u) => u.id));
  });

  it('sends an absolute self link on the org domain and an opaque after cursor in next', async () => {
    const res = await h.call('GET', '/api/v1/users?limit=5');
    expect(selfLink(res.headers)).toBe(`${ORG_ORIGIN}/api/v1/users?limit=5`);
    const next = new URL(nextLink(res.headers)!);
    expect(next.origin).toBe(ORG_ORIGIN);
    expect(next.searchParams.get('limit')).toBe('5');
    expect(next.searchParams.get('after')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('has no next link on the last page', async () => {
    const first = await h.call('GET', '/api/v1/users?limit=200');
    let res = first;
    for (let url = nextLink(first.headers); url; url = nextLink(res.headers)) res = await h.call('GET', url);
    expect((res.body as Item[]).length).toBeGreaterThan(0);
    expect(nextLink(res.headers)).toBeUndefined();
    expect(selfLink(res.headers)).toBeDefined();
  });

  it('caps limit at 200', async () => {
    expect(((await h.call('GET', '/api/v1/users?limit=1000')).body as Item[]).length).toBe(200);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await h.call('GET', '/api/v1/users?after=not-a-cursor');
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000001');
  });
});

describe('finding users', () => {
  it('q matches a name prefix and defaults to 10 results', async () => {
    const items = (await h.call('GET', '/api/v1/users?q=ai')).body as Item[];
    expect(items.length).toBe(10);
    for (const u of items) {
      expect(
        [u.profile.firstName, u.profile.lastName, u.profile.email].some((v) =>
          v!.toLowerCase().startsWith('ai'),
        ),
      ).toBe(true);
    }
  });

  it('filter selects by status and login', async () => {
    const { items } = await collect(`/api/v1/users?filter=${encodeURIComponent('status eq "SUSPENDED"')}`);
    expect(items.length).toBe(generateSeed().users.filter((u) => u.status === 'SUSPENDED').length);
    const login = items[0]!.profile.login!;
    const byLogin = (
      await h.call('GET', `/api/v1/users?filter=${encodeURIComponent(`profile.login eq "${login}"`)}`)
    ).body as Item[];
    expect(byLogin.map((u) => u.profile.login)).toEqual([login]);
  });

  it('filter combines conditions with or', async () => {
    const expr = 'status eq "SUSPENDED" or status eq "LOCKED_OUT"';
    const { items } = await collect(`/api/v1/users?filter=${encodeURIComponent(expr)}`);
    expect(new Set(items.map((u) => u.status))).toEqual(new Set(['SUSPENDED', 'LOCKED_OUT']));
  });

  it('filter selects users updated after a timestamp', async () => {
    const created = await h.call('POST', '/api/v1/users?activate=false', {
      body: newUser(`fresh.${Date.now()}@example.org`),
    });
    const { items } = await collect(
      `/api/v1/users?filter=${encodeURIComponent('lastUpdated gt "2030-01-01T00:00:00.000Z"')}`,
    );
    expect(items).toEqual([]);
    const recent = await collect(
      `/api/v1/users?filter=${encodeURIComponent('lastUpdated gt "2025-06-01T00:00:00.000Z"')}`,
    );
    expect(recent.items.map((u) => u.id)).toContain((created.body as Item).id);
  });

  it('filter refuses operators Okta does not support there with E0000031', async () => {
    const res = await h.call('GET', `/api/v1/users?filter=${encodeURIComponent('profile.login sw "a"')}`);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000031');
  });

  it('search supports sw, co and parentheses on profile attributes', async () => {
    const expr =
      '(profile.department eq "Engineering") and (profile.title co "staff" or profile.lastName sw "Ng")';
    const { items } = await collect(`/api/v1/users?search=${encodeURIComponent(expr)}`);
    expect(items.length).toBeGreaterThan(0);
    for (const u of items) {
      expect(u.profile.department).toBe('Engineering');
      expect(u.profile.title!.toLowerCase().includes('staff') || u.profile.lastName!.startsWith('Ng')).toBe(
        true,
      );
    }
  });

  it('search includes deactivated users, unlike a plain list', async () => {
    const { items } = await collect(
      `/api/v1/users?search=${encodeURIComponent('status eq "DEPROVISIONED"')}`,
    );
    expect(items.length).toBe(generateSeed().users.filter((u) => u.status === 'DEPROVISIONED').length);
  });

  it('refuses a malformed search with 400 E0000031', async () => {
    const res = await h.call('GET', `/api/v1/users?search=${encodeURIComponent('profile.login eq')}`);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).errorCode).toBe('E0000031');
  });
});
