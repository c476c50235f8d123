import { join, resolve } from 'node:path';
import { packageRoot } from '../worker/build-id.js';

/** The demo's state directory unless `TEMPORAL_OKTA_STATE_DIR` says otherwise (git-ignored). */
export const DEFAULT_STATE_DIR = '.temporal-okta';

/** The demo's state directory as an absolute path: `TEMPORAL_OKTA_STATE_DIR`, else {@link DEFAULT_STATE_DIR}. */
export function demoStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TEMPORAL_OKTA_STATE_DIR ?? DEFAULT_STATE_DIR);
}

/** The demo's own task queue and deployment name, so it never takes over a deployment of yours. */
export const DEMO_TASK_QUEUE = 'temporal-okta-demo';

/** The file of the demo's codec key inside the state directory (created when no key is configured). */
export const DEMO_CODEC_KEY_FILE = 'codec-keys.json';

/** How many of the hires the demo offboards after onboarding them (the first ones of the file). */
export const DEMO_LEAVERS = 3;

/** The new hires shipped with the package (`samples/new-hires.json`). */
export function sampleNewHiresFile(): string {
  return join(packageRoot(), 'samples', 'new-hires.json');
}
