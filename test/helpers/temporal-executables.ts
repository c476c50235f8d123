import { existsSync } from 'node:fs';
import { temporalCliCandidates, testServerPath } from '../../scripts/temporal-paths.js';

const HINT = 'Run `npm run provision` first (CI does it in .ci/run).';

/** The provisioned `temporal` CLI; throws with a hint when it is missing. */
export function temporalCliPath(): string {
  const found = temporalCliCandidates().find((p) => existsSync(p));
  if (!found) throw new Error(`No temporal CLI at ${temporalCliCandidates().join(' or ')}. ${HINT}`);
  return found;
}

/** The provisioned time-skipping test server launcher; throws with a hint when it is missing. */
export function timeSkippingServerPath(): string {
  const path = testServerPath();
  if (!existsSync(path)) throw new Error(`No time-skipping test server at ${path}. ${HINT}`);
  return path;
}
