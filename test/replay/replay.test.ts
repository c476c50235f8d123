import { fileURLToPath } from 'node:url';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_INTERCEPTORS_MODULE } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import type { CodecKeyring } from '../../worker/keys.js';
import {
  historyFolders,
  loadTestOnlyCodecKeys,
  readHistory,
  readManifest,
  UNRELEASED,
  type History,
  type ManifestEntry,
} from './histories.js';

/**
 * Upgrade safety (docs/ARCHITECTURE.md §15): the histories every release recorded (`histories/<version>/`) and
 * those of the unreleased code replay on the current workflow code, with the session interceptors and the
 * data converter a worker uses. A change that running workflows would trip over fails here, naming the
 * workflow and the event; guard it with `patched()` or ship it as a new build (README, "Versioning and
 * upgrades").
 */

const workflowsPath = (module: string) => fileURLToPath(new URL(module, import.meta.url));

interface Recorded extends ManifestEntry {
  folder: string;
  history: History;
}

const recorded: Recorded[] = historyFolders().flatMap((folder) =>
  readManifest(folder).histories.map((entry) => ({
    ...entry,
    folder,
    history: readHistory(folder, entry.file),
  })),
);

/** Replays histories on a workflows module as a worker would run it; one result per history, in order. */
async function replay(keys: CodecKeyring, module: string, histories: readonly Recorded[]) {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(
    {
      workflowsPath: workflowsPath(module),
      interceptors: { workflowModules: [SESSION_INTERCEPTORS_MODULE] },
      dataConverter: createDataConverter(keys),
      replayName: 'temporal-okta-replay',
    },
    histories.map(({ history, workflowId }) => ({ history, workflowId })),
  )) {
    results.push(result);
  }
  expect(results).toHaveLength(histories.length);
  return histories.map((h, i) => ({ ...h, error: results[i]!.error }));
}

/** One line per history that did not replay: where it was recorded, which workflow, and the SDK's reason. */
function failures(replayed: Awaited<ReturnType<typeof replay>>): string[] {
  return replayed
    .filter((r) => r.error)
    .map(
      (r) =>
        `${r.folder}/${r.file}: workflow ${r.workflowType} (id ${r.workflowId}) does not replay on the current ` +
        `code: ${r.error!.name}: ${r.error!.message}`,
    );
}

let keys: CodecKeyring;
beforeAll(async () => {
  keys = await loadTestOnlyCodecKeys();
});

describe('recorded histories on the current workflow code', () => {
  let replayed: Awaited<ReturnType<typeof replay>>;
  beforeAll(async () => {
    replayed = await replay(keys, './workflows.ts', recorded);
  });

  it('are there for release 0.1.0 and for the unreleased code', () => {
    expect(historyFolders()).toEqual(expect.arrayContaining(['0.1.0', UNRELEASED]));
    for (const folder of historyFolders()) {
      expect(recorded.filter((r) => r.folder === folder).length).toBeGreaterThanOrEqual(15);
    }
  });

  it.each(historyFolders())('replay every history recorded by %s without a non-determinism', (folder) => {
    expect(failures(replayed.filter((r) => r.folder === folder))).toEqual([]);
  });
});

describe('the replay check', () => {
  it('fails the provisionNewHire histories whose commands a copy of the workflow that looks the groups up first changes, naming the workflow and the event', async () => {
    const replayed = await replay(keys, './reordered-workflows.ts', recorded);

    const failed = replayed.filter((r) => r.error);
    // 0.1.0's child read the user first, then its groups: the copy differs where the hire has groups. The
    // unreleased child creates the user first (no read): the copy differs for every hire.
    const changed = (r: Recorded) =>
      r.workflowType === 'provisionNewHire' &&
      (r.folder === UNRELEASED || /\([1-9]\d* groups?\)/.test(r.scenario));
    expect(failed.map((r) => `${r.folder}/${r.file}`)).toEqual(
      recorded.filter(changed).map((r) => `${r.folder}/${r.file}`),
    );
    expect(failed.length).toBeGreaterThanOrEqual(historyFolders().length);
    for (const r of failed) expect(r.error).toBeInstanceOf(DeterminismViolationError);
    const [message] = failures(failed);
    expect(message).toContain(`workflow provisionNewHire (id ${failed[0]!.workflowId})`);
    expect(message).toMatch(/ActivityTaskScheduled|event/i);
  });
});
