import { existsSync } from 'node:fs';
import { locateTemporalCli } from '../../scripts/temporal-cli.js';
import { testServerPath } from '../../scripts/temporal-paths.js';

const HINT = 'Run `npm run provision` first (CI does it in .ci/run).';

/** The `temporal` CLI provisioning chose (see `scripts/temporal-cli.ts`); throws with a hint when there is none. */
export function temporalCliPath(): string {
  const found = locateTemporalCli();
  if (!found)
    throw new Error(`No temporal CLI in TEMPORAL_CLI_PATH, on PATH (recent enough) or provisioned. ${HINT}`);
  return found.path;
}

/** The provisioned time-skipping test server launcher; throws with a hint when it is missing. */
export function timeSkippingServerPath(): string {
  const path = testServerPath();
  if (!existsSync(path)) throw new Error(`No time-skipping test server at ${path}. ${HINT}`);
  return path;
}
