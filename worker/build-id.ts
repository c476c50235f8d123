import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The deployment name workers use unless configured otherwise. */
export const DEFAULT_DEPLOYMENT_NAME = 'temporal-okta';

/** The root of the temporal-okta package, from source (`worker/`) or from the build (`dist/worker/`). */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'temporal-okta')
      return dir;
    if (dirname(dir) === dir) throw new Error(`temporal-okta's package.json was not found above ${from}`);
  }
}

/** The package's version from its package.json. */
export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}

/**
 * The source revision when known: `TEMPORAL_OKTA_SOURCE_REVISION` (set it in CI or your image build), else
 * the git commit of a checkout the package runs from. Undefined for an installed package.
 */
export function sourceRevision(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.TEMPORAL_OKTA_SOURCE_REVISION?.trim();
  if (explicit) return explicit;
  const root = packageRoot();
  if (!existsSync(join(root, '.git'))) return undefined;
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The build id of this worker: the package version plus the source revision when known
 * (`0.1.0+3f2c9a1b7d4e`). Parent and child workflows pinned to one build id run the same package code.
 */
export function defaultBuildId(env: NodeJS.ProcessEnv = process.env): string {
  const revision = sourceRevision(env);
  return revision ? `${packageVersion()}+${revision}` : packageVersion();
}
