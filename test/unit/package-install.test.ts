import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The package as users install it (docs/ARCHITECTURE.md §14): nothing to compile, and nothing of the
 * emulator, the tests or the demo in the tree an app gets. Checked on package.json, package-lock.json,
 * the sources that are compiled into the package and `npm pack --dry-run`, without a real install.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
};
interface LockEntry {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
}
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** What only development, the tests and the demo need. */
const DEV_STACK = [
  'temporal-okta-emulator',
  '@temporalio/testing',
  'better-sqlite3',
  'oidc-provider',
  '@peculiar/x509',
  'vitest',
  'tsx',
];

/** Every package npm installs for these names (with their dependencies and required peers), by the lockfile. */
function installedTree(names: string[]): Map<string, LockEntry> {
  const tree = new Map<string, LockEntry>();
  const visit = (name: string, from: string) => {
    // npm's resolution: the nearest node_modules/<name> from the requiring package's folder up.
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      const entry = lock.packages[key];
      if (entry) {
        if (tree.has(key)) return;
        tree.set(key, entry);
        const optionalPeers = entry.peerDependenciesMeta ?? {};
        for (const dep of [
          ...Object.keys(entry.dependencies ?? {}),
          ...Object.keys(entry.optionalDependencies ?? {}),
          ...Object.keys(entry.peerDependencies ?? {}).filter((p) => !optionalPeers[p]?.optional),
        ])
          visit(dep, key);
        return;
      }
      if (!dir) throw new Error(`${name} (required by ${from || 'the package'}) is not in package-lock.json`);
    }
  };
  for (const name of names) visit(name, '');
  return tree;
}

const packageName = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** The sources compiled into the package (tsconfig.build.json), without tests. */
function shippedSources(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  return [
    'index.ts',
    ...['common', 'workflows', 'activities', 'worker', 'client', 'cli'].flatMap(walk),
    ...['ports.ts', 'temporal-cli.ts', 'temporal-paths.ts', 'provision.ts'].map((f) => join('scripts', f)),
  ].filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
}

/** The packages a source file imports at run time: static (not `import type`) and dynamic imports. */
function importsOf(file: string): { name: string; dynamic: boolean }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: { name: string; dynamic: boolean }[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm))
    found.push({ name: m[1]!, dynamic: false });
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push({ name: m[1]!, dynamic: true });
  return found
    .filter(
      ({ name }) => !name.startsWith('.') && !name.startsWith('node:') && !builtinModules.includes(name),
    )
    .map(({ name, dynamic }) => ({
      name: name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!,
      dynamic,
    }));
}

describe('the installed package', () => {
  it('depends on nothing of the emulator, test or demo stack, with its required peers', () => {
    const tree = [
      ...installedTree([
        ...Object.keys(manifest.dependencies),
        ...Object.keys(manifest.peerDependencies),
      ]).keys(),
    ].map(packageName);
    expect(tree.filter((name) => DEV_STACK.includes(name))).toEqual([]);
  });

  it('compiles nothing: no package in its own dependency tree has an install script', () => {
    const scripted = [...installedTree(Object.keys(manifest.dependencies))]
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([key]) => packageName(key));
    expect(scripted).toEqual([]);
  });

  it('takes the Temporal SDK as peer dependencies from 1.24 on, so an app has one copy of it', () => {
    expect(Object.keys(manifest.dependencies).filter((d) => d.startsWith('@temporalio/'))).toEqual([]);
    for (const [name, range] of Object.entries(manifest.peerDependencies)) {
      expect(name).toMatch(/^@temporalio\//);
      expect(range).toBe('^1.24.0');
      expect(manifest.devDependencies[name], `${name} is developed against`).toBeDefined();
    }
  });

  it('imports at run time only its dependencies and peers; the demo and emulator commands load the rest on demand', () => {
    const allowed = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ]);
    const wrong: string[] = [];
    for (const file of shippedSources()) {
      for (const { name, dynamic } of importsOf(file)) {
        if (allowed.has(name)) continue;
        // The demo's module is loaded only by the demo command (through importDevPackage), and the
        // emulator command imports the emulator when it runs: `temporal-okta` itself loads without them.
        const onDemand = file === join('cli', 'demo.ts') || (dynamic && file.startsWith(join('cli', '')));
        if (!(onDemand && DEV_STACK.includes(name)))
          wrong.push(`${file}: ${name}${dynamic ? ' (dynamic)' : ''}`);
      }
    }
    expect(wrong).toEqual([]);
    const cli = readFileSync(join(ROOT, 'cli', 'cli.ts'), 'utf8');
    expect(cli).toMatch(/importDevPackage\('demo', \(\) => import\('\.\/demo\.js'\)\)/);
  });

  it('packs no tests, benchmarks, workspace packages or TypeScript sources (an app has no tsx to run them)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain('package.json');
    expect(
      paths.filter(
        (p) =>
          /^(test|bench|packages|emulator|node_modules)\//.test(p) ||
          p.includes('.test.') ||
          (p.endsWith('.ts') && !p.endsWith('.d.ts')),
      ),
    ).toEqual([]);
  });
});
