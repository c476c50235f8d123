/**
 * `npm run record-histories [-- --release]`: runs every workflow of `workflows.ts` (the onboarding samples
 * and the session scenarios) on a fresh Temporal dev server, with the real Okta activities against the
 * emulator over TLS, and writes their histories to `histories/unreleased/` (or, with `--release`, to
 * `histories/<package version>/`, which must not exist yet). See histories/README.md.
 *
 * Payloads are encrypted with the committed test-only codec key. The secrets that exist during the run
 * (every token the emulator issued, client secrets, private keys, the API token, the session key) are
 * written as fingerprints beside the histories, so the audit test can prove none of them is in there.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { loadConnections } from '../../activities/connections.js';
import { createOktaActivities } from '../../activities/create-activities.js';
import { promoteBuild } from '../../client/deployments.js';
import { provisionWorkflowId } from '../../common/new-hire.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg } from 'temporal-okta-emulator/testing';
import { packageRoot, packageVersion } from '../../worker/build-id.js';
import { createOktaWorker } from '../../worker/create-worker.js';
import { createDataConverter } from '../../worker/data-converter.js';
import { parseCodecKeys } from '../../worker/keys.js';
import { temporalCliPath } from '../helpers/temporal-executables.js';
import {
  fingerprint,
  HISTORIES_DIR,
  loadTestOnlyCodecKeys,
  UNRELEASED,
  type Manifest,
  type ManifestEntry,
  type SecretFingerprint,
} from './histories.js';
import { historyToJson } from './history-json.js';
import * as W from './workflows.js';

const { values: options } = parseArgs({
  options: { release: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (options.help) {
  console.log(
    'Usage: npm run record-histories [-- --release]\n' +
      `Records the histories of test/replay/workflows.ts into test/replay/histories/${UNRELEASED}/, or with\n` +
      '--release into test/replay/histories/<package version>/ (refused when that folder exists).',
  );
  process.exit(0);
}
const version = packageVersion();
const folder = options.release ? version : UNRELEASED;
const outDir = join(HISTORIES_DIR, folder);
if (options.release && existsSync(outDir)) {
  console.error(`${outDir} exists: a release's histories are recorded once and never replaced.`);
  process.exit(1);
}

const TASK_QUEUE = 'temporal-okta-replay';
const DEPLOYMENT = 'temporal-okta-replay';
/** The build that is current, and another one (for the session made by another build). */
const BUILD = `${version}+recording`;
const OTHER_BUILD = `${version}+recording-other`;

/** Three hires, two at a time: one joins a group the run creates, the others join none. */
const HIRES = [
  {
    login: 'grace.hopper@example.com',
    firstName: 'Grace',
    lastName: 'Hopper',
    department: 'Engineering',
    title: 'Rear Admiral',
    groups: ['Replay Hires'],
  },
  {
    login: 'alan.turing@example.com',
    firstName: 'Alan',
    lastName: 'Turing',
    department: 'Research',
    title: 'Researcher',
  },
  {
    login: 'ada.lovelace@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    department: 'Research',
    title: 'Analyst',
  },
];

/** A run in batches: two hires in the input, the third by an addHires signal; each batch a child. */
const BATCH_HIRES = [
  {
    login: 'katherine.johnson@example.com',
    firstName: 'Katherine',
    lastName: 'Johnson',
    department: 'Research',
    title: 'Mathematician',
    groups: ['Replay Hires'],
  },
  {
    login: 'edsger.dijkstra@example.com',
    firstName: 'Edsger',
    lastName: 'Dijkstra',
    department: 'Engineering',
    title: 'Engineer',
  },
  {
    login: 'barbara.liskov@example.com',
    firstName: 'Barbara',
    lastName: 'Liskov',
    department: 'Engineering',
    title: 'Engineer',
    groups: ['Replay Hires', 'Replay Batches'],
  },
];

interface Recorded extends Omit<ManifestEntry, 'workflowType'> {
  runId?: string;
}

/** How an execution ended: `completed: <result>` or `failed: <Okta error type>`. */
async function outcomeOf(handle: WorkflowHandle): Promise<string> {
  try {
    return `completed: ${JSON.stringify(await handle.result())}`;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    let cause: Error | undefined = err.cause;
    while (cause && !(cause instanceof ApplicationFailure)) {
      cause = cause instanceof TemporalFailure ? cause.cause : undefined;
    }
    return `failed: ${(cause as ApplicationFailure | undefined)?.type ?? err.cause?.message}`;
  }
}

function gitRevision(): { commit: string; modified: string[] } {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: packageRoot(), encoding: 'utf8', stdio: 'pipe' }).trim();
  const modified = git('status', '--porcelain', '--', '.', ':(exclude)test/replay')
    .split('\n')
    .filter(Boolean);
  return { commit: git('rev-parse', 'HEAD'), modified };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const revision = gitRevision();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
    },
  });
  const t = await startTestOrg({ seedUsers: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'okta-record-'));
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  try {
    const connections = await loadConnections({ file: await writeEmulatorConnections(t.org, dir) });
    const dataConverter = createDataConverter(await loadTestOnlyCodecKeys());
    const sessionKey = randomBytes(32).toString('base64');
    const sessionKeys = parseCodecKeys(`recording:${sessionKey}`);
    const client = new Client({ connection: env.connection, namespace: 'default', dataConverter });

    for (const buildId of [BUILD, OTHER_BUILD]) {
      const worker = await createOktaWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        config: { taskQueue: TASK_QUEUE, deploymentName: DEPLOYMENT, buildId },
        workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
        // sessionKeys: builds before 0.2 ignore it (their sessions are not signed).
        activities: createOktaActivities({ connections, buildId, sessionKeys }),
        dataConverter,
      });
      workers.push({ worker, running: worker.run() });
    }
    await promoteBuild(client, { deploymentName: DEPLOYMENT, buildId: BUILD, timeoutMs: 60_000 });

    const res = await t.fetch(`https://${t.org.domain}/api/v1/users?limit=1`, {
      headers: { authorization: `SSWS ${t.org.apiToken}`, accept: 'application/json' },
    });
    const user = ((await res.json()) as { profile: { login: string } }[])[0]!.profile.login;

    const recorded: Recorded[] = [];
    const pinnedTo = (buildId: string) => ({ pinnedTo: { deploymentName: DEPLOYMENT, buildId } });

    /** Runs a workflow to its end and records it and the descendants named in `family`. */
    async function run<A extends unknown[]>(
      name: string,
      scenario: string,
      workflow: (...args: A) => Promise<unknown>,
      args: A,
      family: { role: string; workflowId: string; scenario: string }[] = [],
      override?: ReturnType<typeof pinnedTo>,
      afterStart?: (handle: WorkflowHandle) => Promise<void>,
    ): Promise<string> {
      const workflowId = `replay-${name}`;
      const handle = await client.workflow.start(workflow, {
        args,
        taskQueue: TASK_QUEUE,
        workflowId,
        workflowExecutionTimeout: '2 minutes',
        ...(override ? { versioningOverride: override } : {}),
      });
      await afterStart?.(handle);
      const outcome = await outcomeOf(handle);
      const { runId } = await handle.describe();
      if (runId !== handle.firstExecutionRunId) {
        recorded.push({
          file: `${name}.run1.json`,
          workflowId,
          runId: handle.firstExecutionRunId,
          scenario: `${scenario} (first run) => continued as new`,
        });
        recorded.push({
          file: `${name}.run2.json`,
          workflowId,
          runId,
          scenario: `${scenario} (second run) => ${outcome}`,
        });
      } else {
        recorded.push({ file: `${name}.json`, workflowId, runId, scenario: `${scenario} => ${outcome}` });
      }
      for (const member of family) {
        const child = client.workflow.getHandle(member.workflowId);
        recorded.push({
          file: `${name}.${member.role}.json`,
          workflowId: member.workflowId,
          runId: (await child.describe()).runId,
          scenario: `${member.scenario} => ${await outcomeOf(child)}`,
        });
      }
      console.log(`${name}: ${outcome}`);
      return outcome;
    }
    const childOf = (name: string, depth = 1) => `replay-${name}${'-child'.repeat(depth)}`;

    await run(
      'global-session-tree',
      'A global session used by a parent, its child and its grandchild, by name',
      W.globalSessionTree,
      [user],
      [
        {
          role: 'child',
          workflowId: childOf('global-session-tree'),
          scenario:
            'The child: gets a user on the inherited global session, by name, and starts the grandchild',
        },
        {
          role: 'grandchild',
          workflowId: childOf('global-session-tree', 2),
          scenario: 'The grandchild: gets a user on the global session inherited through its parent',
        },
      ],
    );
    await run(
      'local-session',
      'A local (SSWS) session used by name; a child asks for it',
      W.localSession,
      [user],
      [
        {
          role: 'child',
          workflowId: childOf('local-session'),
          scenario: "The child: the parent's local session is not visible here",
        },
      ],
    );
    await run(
      'variable-session',
      'A variable (DPoP) session used by value here and in a child, then disconnected and refused',
      W.variableSession,
      [user],
      [
        {
          role: 'child',
          workflowId: childOf('variable-session'),
          scenario: 'The child: uses the session value it was given',
        },
      ],
    );
    await run(
      'continue-as-new',
      'A global session kept across continue-as-new and handed to a child by the second run',
      W.globalAcrossContinueAsNew,
      [user],
      [
        {
          role: 'child',
          workflowId: childOf('continue-as-new'),
          scenario: "The second run's child: uses the inherited global session by name",
        },
      ],
    );
    await run(
      'disconnect-with-running-child',
      'Disconnect of a global session while a child that inherited it is running',
      W.disconnectWithRunningChild,
      [user],
      [
        {
          role: 'child',
          workflowId: childOf('disconnect-with-running-child'),
          scenario: "The child: tries the session after the parent's Disconnect",
        },
      ],
    );
    await run(
      'onboarding',
      'The onboarding sample: three hires, two at a time',
      W.onboardNewHires,
      [{ hires: HIRES, domain: t.org.domain, connection: EMULATOR_CONNECTIONS.service, concurrency: 2 }],
      HIRES.map((hire, i) => ({
        role: `provision-${i + 1}`,
        workflowId: provisionWorkflowId(hire.login),
        scenario: `provisionNewHire for hire ${i + 1} (${hire.groups?.length ?? 0} groups)`,
      })),
    );
    await run(
      'onboarding-batches',
      'The onboarding sample in batches: two hires in the input (total 3), the third by an addHires signal',
      W.onboardNewHires,
      [
        {
          hires: BATCH_HIRES.slice(0, 2),
          total: BATCH_HIRES.length,
          domain: t.org.domain,
          connection: EMULATOR_CONNECTIONS.service,
          concurrency: 2,
        },
      ],
      [
        ...[0, 1].map((batch) => ({
          role: `batch-${batch}`,
          workflowId: `replay-onboarding-batches-batch-${batch}`,
          scenario: `onboardNewHiresBatch ${batch}`,
        })),
        ...BATCH_HIRES.map((hire, i) => ({
          role: `provision-${i + 1}`,
          workflowId: provisionWorkflowId(hire.login),
          scenario: `provisionNewHire for batch hire ${i + 1} (${hire.groups?.length ?? 0} groups)`,
        })),
      ],
      undefined,
      (handle) => handle.signal(W.addHiresSignal, { batch: 1, hires: BATCH_HIRES.slice(2) }),
    );

    // A session made by another build: connect on OTHER_BUILD, then hand the value to a child on BUILD.
    const sessionName = 'session-version-mismatch';
    const connected = await client.workflow.start(W.connectVariable, {
      args: [],
      taskQueue: TASK_QUEUE,
      workflowId: `replay-${sessionName}-connect`,
      versioningOverride: pinnedTo(OTHER_BUILD),
    });
    const otherBuildSession = await connected.result();
    recorded.push({
      file: `${sessionName}.connect.json`,
      workflowId: connected.workflowId,
      runId: connected.firstExecutionRunId,
      scenario: 'Connect on another build: a variable session made by that build => completed',
    });
    const mismatch = await run(
      sessionName,
      'A parent hands a session made by another build to its child',
      W.handSessionToChild,
      [otherBuildSession, user],
      [
        {
          role: 'child',
          workflowId: childOf(sessionName),
          scenario: 'The child: acts on a session made by another build',
        },
      ],
    );
    if (!mismatch.includes('OktaSessionVersionMismatch')) throw new Error(`${sessionName}: ${mismatch}`);

    const unknown = await run(
      'unknown-session-name',
      'An action on a session name nothing registered',
      W.useSessionByName,
      ['nope', user],
    );
    if (!unknown.includes('OktaSessionNotFound')) throw new Error(`unknown-session-name: ${unknown}`);

    // The histories, and the secrets that existed while they were made.
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const histories: ManifestEntry[] = [];
    for (const { runId, ...entry } of recorded) {
      const history = await client.workflow.getHandle(entry.workflowId, runId).fetchHistory();
      const json = JSON.parse(historyToJson(history)) as {
        events: { workflowExecutionStartedEventAttributes?: { workflowType: { name: string } } }[];
      };
      const workflowType = json.events[0]!.workflowExecutionStartedEventAttributes!.workflowType.name;
      await writeFile(join(outDir, entry.file), `${JSON.stringify(json)}\n`);
      histories.push({
        file: entry.file,
        workflowId: entry.workflowId,
        workflowType,
        scenario: entry.scenario,
      });
    }
    const sdk = createRequire(import.meta.url)('@temporalio/workflow/package.json') as { version: string };
    const manifest: Manifest = {
      recordedFrom: { packageVersion: version, commit: revision.commit, temporalSdk: sdk.version },
      histories,
    };
    if (revision.modified.length)
      console.warn(`Recorded from a modified checkout: ${revision.modified.join(', ')}`);
    await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    const secrets: SecretFingerprint[] = [];
    for (const token of await t.controls.tokens()) {
      secrets.push(fingerprint(`${token.kind} issued to ${token.clientId ?? 'a client'}`, token.value));
    }
    for (const c of t.org.clients) {
      if (c.clientSecret) secrets.push(fingerprint(`client secret of ${c.name}`, c.clientSecret));
      const jwk = (c.privateKeyJwk ?? {}) as Record<string, unknown>;
      for (const field of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
        const value = jwk[field];
        if (typeof value === 'string')
          secrets.push(fingerprint(`private key (${field}) of ${c.name}`, value));
      }
    }
    secrets.push(fingerprint('SSWS API token', t.org.apiToken));
    secrets.push(fingerprint('admin password', t.org.admin.password));
    secrets.push(fingerprint('emulator controls secret', t.org.adminSecret));
    secrets.push(fingerprint('session signing key', sessionKey));
    secrets.push(
      fingerprint(
        'refresh-token store key',
        (await readFile(join(dir, 'refresh-token-store.key'), 'utf8')).trim(),
      ),
    );
    await writeFile(join(outDir, 'secret-fingerprints.json'), `${JSON.stringify(secrets, null, 1)}\n`);
    console.log(`Wrote ${histories.length} histories and ${secrets.length} secret fingerprints to ${outDir}`);
  } finally {
    for (const w of workers) if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
    await Promise.allSettled(workers.map((w) => w.running));
    await t.close();
    await env.teardown();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
