import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleNewHiresFile } from '../../cli/demo-config.js';
import { InputError, loadNewHires, renderOnboardingReport, workflowUrl } from '../../cli/onboarding.js';
import { createProgressDisplay } from '../../cli/progress.js';
import { provisionWorkflowId, type OnboardingProgress } from '../../common/new-hire.js';
import { generateSeed, SEED_EMAIL_DOMAIN } from 'temporal-okta-emulator/seed';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'temporal-okta-hires-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: unknown): Promise<string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const hire = {
  login: 'grace.hopper@example.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  department: 'Engineering',
  title: 'Staff Engineer',
  groups: ['Engineering'],
};

describe('the sample new hires', () => {
  it('are 25 valid hires across several departments, with logins on the emulator seed domain', async () => {
    const hires = await loadNewHires(sampleNewHiresFile());

    expect(hires).toHaveLength(25);
    expect(new Set(hires.map((h) => h.department)).size).toBeGreaterThanOrEqual(5);
    for (const h of hires) expect(h.login.endsWith(`@${SEED_EMAIL_DOMAIN}`)).toBe(true);
  });

  it('use no login the emulator seeds, so the first run creates every one of them', async () => {
    const seeded = new Set(generateSeed().users.map((u) => u.profile.login));
    const hires = JSON.parse(await readFile(sampleNewHiresFile(), 'utf8')) as { login: string }[];

    expect(hires.filter((h) => seeded.has(h.login))).toEqual([]);
  });
});

describe('loading a new hires file at the client edge', () => {
  it('names each field at fault without repeating the values', async () => {
    const file = await fileWith([{ ...hire, login: 'grace-at-example', firstName: ' ', groups: ['A', 'a'] }]);

    const error = await loadNewHires(file).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('hires.0.login: must be the Okta login');
    expect(message).toContain('hires.0.firstName: must be the first name');
    expect(message).toContain('hires.0.groups: must not list a group twice');
    expect(message).not.toContain('grace-at-example');
  });

  it('refuses a login that appears twice, naming the second occurrence', async () => {
    const file = await fileWith([hire, { ...hire, login: hire.login.toUpperCase() }]);

    await expect(loadNewHires(file)).rejects.toThrow('hires.1.login: duplicates the login of hire 0');
  });

  it('says what it expected when the file is not JSON', async () => {
    await expect(loadNewHires(await fileWith('not json'))).rejects.toThrow(
      'is not valid JSON; expected a list of new hires like samples/new-hires.json',
    );
  });

  it('says which file it could not read', async () => {
    await expect(loadNewHires(join(dir, 'missing.json'))).rejects.toThrow(
      /Cannot read the new hires file .*missing\.json \(ENOENT\)/,
    );
  });
});

const progress = (done: number, running: number, failed = 0): OnboardingProgress => ({
  total: 4,
  done,
  failed,
  finished: false,
  hires: [
    ...Array.from({ length: done }, (_, i) => ({ login: `d${i}@example.com`, status: 'created' as const })),
    ...Array.from({ length: failed }, (_, i) => ({
      login: `f${i}@example.com`,
      status: 'failed' as const,
      error: 'Okta said no',
    })),
    ...Array.from({ length: running }, (_, i) => ({
      login: `r${i}@example.com`,
      status: 'running' as const,
    })),
  ],
});

describe('the progress display', () => {
  it('prints a plain line only when the number of finished hires changes, outside a terminal', () => {
    let text = '';
    const display = createProgressDisplay({ write: (s) => void (text += s), isTTY: false });

    display.update(progress(0, 2));
    display.update(progress(0, 3));
    display.update(progress(1, 3));
    display.finish();

    expect(text.split('\n').filter(Boolean)).toEqual([
      'Progress: 0/4 hires (0 done, 0 failed, 2 running)',
      'Progress: 1/4 hires (1 done, 0 failed, 3 running)',
    ]);
  });

  it('redraws one line with a bar in a terminal', () => {
    let text = '';
    const display = createProgressDisplay({ write: (s) => void (text += s), isTTY: true });

    display.update(progress(2, 1));
    display.finish();

    expect(text).toBe(
      `\r\u001b[2K[${'█'.repeat(15)}${'░'.repeat(15)}] 2/4 hires (2 done, 0 failed, 1 running)\n`,
    );
  });
});

describe('the onboarding report', () => {
  it('shows one row per hire with its status and groups, or its error when it failed', () => {
    const report = renderOnboardingReport({
      ...progress(0, 0),
      total: 2,
      done: 1,
      failed: 1,
      finished: true,
      hires: [
        { login: 'ada@example.com', status: 'alreadyProvisioned', userId: '00u1', groups: ['IT', 'VPN'] },
        { login: 'bob@example.com', status: 'failed', error: 'Okta said no' },
      ],
    });

    expect(report.split('\n')).toEqual([
      'Login            Status               Okta user id  Groups',
      '---------------  -------------------  ------------  ------------',
      'ada@example.com  already provisioned  00u1          IT, VPN',
      'bob@example.com  FAILED                             Okta said no',
      '',
      '2 hires: 0 created, 1 already provisioned, 1 failed.',
    ]);
  });

  it('links to the workflow in the Web UI', () => {
    expect(workflowUrl('http://localhost:8233/', 'default', 'onboarding-1')).toBe(
      'http://localhost:8233/namespaces/default/workflows/onboarding-1',
    );
  });
});

describe("a hire's provisioning workflow id", () => {
  it('is provision- and the first 32 hex digits of the SHA-256 of the lower-cased login, the same on every run', () => {
    const sha256 = createHash('sha256').update('grace.hopper@example.com').digest('hex');
    expect(provisionWorkflowId('Grace.Hopper@example.com')).toBe(`provision-${sha256.slice(0, 32)}`);
    // Pinned: a rerun on a later build must map each hire to the child of the earlier run.
    expect(provisionWorkflowId('grace.hopper@example.com')).toBe(
      'provision-a460d7fa831915bb17b55b9151a5278e',
    );
  });
});
