import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { CONNECTIONS_ENV_VAR } from '../activities/connections.js';
import { describeIssues } from '../common/new-hire.js';
import { DEFAULT_TASK_QUEUE } from '../worker/config.js';
import { CODEC_KEYS_ENV, CODEC_KEYS_FILE_ENV, type CodecKeyring } from '../worker/keys.js';
import {
  CODEC_SERVER_TOKEN_ENV,
  DEFAULT_ALLOWED_ORIGINS,
  type CodecServerAuth,
} from '../client/codec-server.js';
import { importDevPackage, writeOut } from './command-helpers.js';
import { registerConnectionsCommands } from './connections-cli.js';
import { registerDeploymentsCommands } from './deployments-cli.js';
import { DEFAULT_STATE_DIR, DEMO_CODEC_KEY_FILE, demoStateDir } from './demo-config.js';
import { writeLine, type Output } from './progress.js';
import type { TemporalTarget } from './temporal-server.js';

/**
 * The `temporal-okta` command line: the demo, starting onboarding or offboarding, a worker, the emulator, the codec server,
 * and the `connections` and `deployments` commands. Every option is validated with zod before anything runs;
 * errors say what to fix and end with exit code 1.
 */

const port = z.coerce
  .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a port number' : undefined) })
  .int('must be a whole number')
  .min(0, 'must be from 0 to 65535')
  .max(65535, 'must be from 0 to 65535');
const wholeNumber = z.coerce
  .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) })
  .int('must be a whole number');
const concurrency = wholeNumber.positive('must be at least 1').max(50, 'must be at most 50');
const count = wholeNumber.min(0, 'must be 0 or more');
const address = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://localhost:8233' });
const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** Parses a command's options with zod, or ends the command with a message per option at fault. */
function parseOptions<S extends z.ZodType>(command: Command, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const lines = describeIssues(parsed.error).map((line) => {
    const [field, ...rest] = line.split(': ');
    const option = field!.split('.')[0]!; // `origin.0` is the first --origin
    const flag = `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return `  ${flag}: ${rest.join(': ')}`;
  });
  return command.error(`Invalid options for "${commandPath(command)}":\n${lines.join('\n')}\n(see --help)`, {
    exitCode: 1,
    code: 'temporal-okta.invalid-options',
  });
}

/** `temporal-okta start onboarding`: the command as the user typed it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * An error's message followed by its causes' (a Temporal `WorkflowFailedError` says only "Workflow execution
 * failed"; the reason is in its cause).
 */
export function explain(err: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 5; e = e.cause) {
    if (e.message && !messages.includes(e.message)) messages.push(e.message);
  }
  return messages.join(': ') || String(err);
}

/** Ends the command with the error's message (never a stack: the messages say what to fix). */
function fail(command: Command, err: unknown): never {
  const message = explain(err);
  return command.error(`${commandPath(command)}: ${message}`, {
    exitCode: 1,
    code: 'temporal-okta.failed',
  });
}

function stdoutOf(command: Command): Output {
  return {
    write: (text) => writeOut(command, text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
  };
}

/**
 * Keeps the worker's own logs to errors, so they do not break the progress bar: the demo reports every
 * failure in its table (an expected OktaNotFound, when a hire is not in Okta yet, would log a warning each).
 */
async function quietRuntime(): Promise<void> {
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed (a test, or an embedding program): keep theirs.
  }
}

/**
 * Aborts on the first Ctrl-C (SIGINT) or SIGTERM; a second one exits at once. `interrupted` settles on the
 * first one; `dispose` removes the handlers.
 */
function interruptSignal(out: Output): {
  signal: AbortSignal;
  interrupted: Promise<void>;
  dispose: () => void;
} {
  const controller = new AbortController();
  const interrupted = new Promise<void>((done) =>
    controller.signal.addEventListener('abort', () => done(), { once: true }),
  );
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    writeLine(out, `\n${name}: stopping everything this command started (press Ctrl-C again to force)...`);
    controller.abort(new Error(`Interrupted (${name}).`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    interrupted,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Codec keys from the environment, else from `file`, else (with `orDemoKey`) the key the demo generated in its
 * state directory, when there is one.
 */
async function codecKeys(file: string | undefined, orDemoKey: boolean): Promise<CodecKeyring> {
  const { loadCodecKeysFromEnv, readCodecKeyFile } = await import('../worker/keys.js');
  const fromEnv = await loadCodecKeysFromEnv();
  if (fromEnv) return fromEnv;
  if (file) return readCodecKeyFile(resolve(file));
  const demoKey = join(demoStateDir(), DEMO_CODEC_KEY_FILE);
  if (orDemoKey && existsSync(demoKey)) return readCodecKeyFile(demoKey);
  throw new Error(
    `No codec keys: set ${CODEC_KEYS_ENV} (id:base64key) or ${CODEC_KEYS_FILE_ENV} (a key file) to the keys the ` +
      'workers use, or pass --key-file.',
  );
}

const DemoOptionsSchema = z.object({
  file: nonEmpty.optional(),
  stateDir: nonEmpty.optional(),
  temporalAddress: address.optional(),
  webUi: httpUrl.optional(),
  connections: nonEmpty.optional(),
  connection: nonEmpty.optional(),
  concurrency: concurrency.optional(),
  seedUsers: count.optional(),
  exit: z.boolean().default(false),
});

function demoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Onboard the sample new hires end to end: starts a Temporal dev server (unless TEMPORAL_ADDRESS answers), ' +
        'the Okta emulator (unless TEMPORAL_OKTA_CONNECTIONS is set), a worker with payload encryption, and the ' +
        'onboarding workflow; shows its progress, a report and the Web UI link; then offboards the first three ' +
        'hires and reports what was taken away. This is what `npm start` runs.',
    )
    .option('--file <file>', 'the new hires JSON file (default: samples/new-hires.json of the package)')
    .option(
      '--state-dir <dir>',
      `codec key, emulator org (SQLite) and connections (default: TEMPORAL_OKTA_STATE_DIR or ${DEFAULT_STATE_DIR})`,
    )
    .option('--temporal-address <host:port>', 'use this running Temporal server instead of starting one')
    .option(
      '--web-ui <url>',
      'Web UI base URL of that server (default http://localhost:8233 for a local one)',
    )
    .option('--connections <file>', `a real org's connections file (default: ${CONNECTIONS_ENV_VAR})`)
    .option('--connection <name>', 'the connection to use', 'okta-automation')
    .option('--concurrency <n>', 'child workflows at once (1-50)', '5')
    .option('--seed-users <n>', 'users the emulator seeds into a new org')
    .option('--exit', 'exit after the report instead of keeping the dev server and Web UI up until Ctrl-C')
    .addHelpText(
      'after',
      '\nState lives in the state directory (git-ignored), so a second run finds the users of the first and\n' +
        'reports them as already provisioned. Ctrl-C stops everything the demo started, and nothing else.',
    )
    .action(async (raw: unknown, command: Command) => {
      const opts = parseOptions(command, DemoOptionsSchema, raw);
      await quietRuntime();
      const { runDemo } = await importDevPackage('demo', () => import('./demo.js'));
      const out = stdoutOf(command);
      const interrupt = interruptSignal(out);
      const interactive = out.isTTY && process.stdin.isTTY === true && !opts.exit;
      try {
        await runDemo({
          file: opts.file,
          stateDir: opts.stateDir,
          temporalAddress: opts.temporalAddress,
          webUi: opts.webUi,
          connectionsFile: opts.connections,
          connection: opts.connection,
          concurrency: opts.concurrency,
          seedUsers: opts.seedUsers,
          output: out,
          signal: interrupt.signal,
          beforeStop: async (result) => {
            if (!interactive || !result.webUiLink) return;
            writeLine(out, '\nThe dev server and the Web UI stay up: press Ctrl-C to stop everything.');
            await interrupt.interrupted;
          },
        });
        writeLine(out, 'Stopped.');
      } catch (err) {
        if (interrupt.signal.aborted) {
          writeLine(out, 'Stopped.');
          // Everything the demo started is stopped; do not wait for an abandoned workflow bundling.
          process.exit(130);
        }
        fail(command, err);
      } finally {
        interrupt.dispose();
      }
    });
}

const StartOnboardingSchema = z.object({
  file: nonEmpty,
  domain: nonEmpty.optional(),
  connection: nonEmpty,
  connections: nonEmpty.optional(),
  taskQueue: nonEmpty,
  workflowId: nonEmpty.optional(),
  concurrency,
  wait: z.boolean(),
  webUi: httpUrl.optional(),
  keyFile: nonEmpty.optional(),
});

/** The options `start onboarding` and `start offboarding` share: where the run goes and how it is followed. */
function sampleRunOptions(command: Command, workflowIdPrefix: string): Command {
  return command
    .option(
      '--domain <domain>',
      "the Okta org domain (default: the connection's domain in the connections file)",
    )
    .option('--connection <name>', 'the connection the workers use', 'okta-automation')
    .option(
      '--connections <file>',
      `the connections file, to read the domain from (default: ${CONNECTIONS_ENV_VAR})`,
    )
    .option(
      '--task-queue <name>',
      "the workers' task queue",
      process.env.TEMPORAL_OKTA_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    )
    .option('--workflow-id <id>', `the workflow id (default ${workflowIdPrefix}-<timestamp>)`)
    .option('--concurrency <n>', 'child workflows at once (1-50)', '5')
    .option('--no-wait', 'print the workflow id and return without following it')
    .option('--web-ui <url>', 'the Web UI base URL, for the link')
    .option(
      '--key-file <file>',
      `a codec key file, when ${CODEC_KEYS_ENV} / ${CODEC_KEYS_FILE_ENV} are not set`,
    );
}

/** The org domain of a sample run: `--domain`, else the connection's domain in the connections file. */
async function sampleRunDomain(opts: {
  domain?: string;
  connections?: string;
  connection: string;
}): Promise<string> {
  if (opts.domain) return opts.domain;
  const file = opts.connections ?? process.env[CONNECTIONS_ENV_VAR];
  if (!file)
    throw new Error(`Pass --domain, or --connections <file> / ${CONNECTIONS_ENV_VAR} to read it from.`);
  const { loadConnections } = await import('../activities/connections.js');
  const { findConnection } = await import('../activities/connect.js');
  return findConnection(await loadConnections({ file }), opts.connection).domain;
}

/** A client of the Temporal target that encrypts with the workers' codec keys. */
async function sampleRunClient(
  target: Pick<TemporalTarget, 'connection' | 'namespace'>,
  keyFile: string | undefined,
) {
  const { Client } = await import('@temporalio/client');
  const { createDataConverter } = await import('../worker/data-converter.js');
  const keys = await codecKeys(keyFile, false);
  return new Client({
    connection: target.connection,
    namespace: target.namespace,
    dataConverter: createDataConverter(keys),
  });
}

function startCommand(program: Command): void {
  const start = program
    .command('start')
    .description('Start the package sample workflows on a Temporal server.');
  sampleRunOptions(start.command('onboarding'), 'onboarding')
    .description(
      'Start the onboarding workflow for a file of new hires on the server of TEMPORAL_ADDRESS (envconfig), ' +
        'and follow its progress until it completes.',
    )
    .requiredOption('--file <file>', 'the new hires JSON file (see samples/new-hires.json)')
    .action(async (raw: unknown, command: Command) => {
      const opts = parseOptions(command, StartOnboardingSchema, raw);
      const out = stdoutOf(command);
      const { connectToTemporal } = await import('./temporal-server.js');
      const onboarding = await import('./onboarding.js');
      const { followOnboarding, loadNewHires, printOnboardingReport, startOnboarding, workflowUrl } =
        onboarding;
      let target;
      try {
        const hires = await loadNewHires(opts.file);
        const domain = await sampleRunDomain(opts);
        target = await connectToTemporal({ webUi: opts.webUi });
        const client = await sampleRunClient(target, opts.keyFile);
        const handle = await startOnboarding(client, {
          taskQueue: opts.taskQueue,
          workflowId: opts.workflowId,
          input: { hires, domain, connection: opts.connection, concurrency: opts.concurrency },
        });
        const link = target.webUi
          ? workflowUrl(target.webUi, target.namespace, handle.workflowId)
          : undefined;
        writeLine(out, `Started workflow ${handle.workflowId} for ${hires.length} new hires.`);
        if (link) writeLine(out, `Web UI: ${link}`);
        if (!opts.wait) return;
        const progress = await followOnboarding(handle, out);
        printOnboardingReport(out, progress);
      } catch (err) {
        fail(command, err);
      } finally {
        await target?.close().catch(() => undefined);
      }
    });
  startOffboardingCommand(start);
}

const StartOffboardingSchema = StartOnboardingSchema.extend({
  mode: z.enum(['suspend', 'deactivate'], { error: 'must be suspend or deactivate' }),
});

function startOffboardingCommand(start: Command): void {
  sampleRunOptions(start.command('offboarding'), 'offboarding')
    .description(
      'Start the offboarding workflow for a file of logins (or user ids) on the server of TEMPORAL_ADDRESS ' +
        '(envconfig): each person is suspended or deactivated, loses sessions, OAuth tokens, factors, groups and ' +
        'direct app assignments; follows its progress and prints what was done, with the System Log evidence count.',
    )
    .requiredOption('--file <file>', 'a JSON list of logins or user ids (see samples/leavers.json)')
    .option('--mode <mode>', 'suspend (reversible) or deactivate', 'suspend')
    .action(async (raw: unknown, command: Command) => {
      const opts = parseOptions(command, StartOffboardingSchema, raw);
      const out = stdoutOf(command);
      const { connectToTemporal } = await import('./temporal-server.js');
      const { workflowUrl } = await import('./onboarding.js');
      const { followOffboarding, loadOffboardingUsers, printOffboardingReport, startOffboarding } =
        await import('./offboarding.js');
      let target;
      try {
        const users = await loadOffboardingUsers(opts.file);
        const domain = await sampleRunDomain(opts);
        target = await connectToTemporal({ webUi: opts.webUi });
        const client = await sampleRunClient(target, opts.keyFile);
        const handle = await startOffboarding(client, {
          taskQueue: opts.taskQueue,
          workflowId: opts.workflowId,
          input: {
            users,
            domain,
            connection: opts.connection,
            mode: opts.mode,
            concurrency: opts.concurrency,
          },
        });
        const link = target.webUi
          ? workflowUrl(target.webUi, target.namespace, handle.workflowId)
          : undefined;
        writeLine(
          out,
          `Started workflow ${handle.workflowId} to offboard ${users.length} people (${opts.mode}).`,
        );
        if (link) writeLine(out, `Web UI: ${link}`);
        if (!opts.wait) return;
        const progress = await followOffboarding(handle, out);
        printOffboardingReport(out, progress);
      } catch (err) {
        fail(command, err);
      } finally {
        await target?.close().catch(() => undefined);
      }
    });
}

function workerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run a temporal-okta worker configured from the environment until Ctrl-C: Temporal connection ' +
        `(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key), ${CONNECTIONS_ENV_VAR}, ${CODEC_KEYS_ENV} or ` +
        `${CODEC_KEYS_FILE_ENV}, TEMPORAL_OKTA_SESSION_KEYS (default: derived from the codec keys), TEMPORAL_OKTA_TASK_QUEUE, TEMPORAL_OKTA_DEPLOYMENT_NAME, TEMPORAL_OKTA_BUILD_ID.`,
    )
    .action(async (_raw: unknown, command: Command) => {
      const out = stdoutOf(command);
      const { loadConnections } = await import('../activities/connections.js');
      const { createOktaActivities } = await import('../activities/create-activities.js');
      const { loadWorkerConfig } = await import('../worker/config.js');
      const { createOktaWorker } = await import('../worker/create-worker.js');
      const { createDataConverter } = await import('../worker/data-converter.js');
      const { loadCodecKeysFromEnv } = await import('../worker/keys.js');
      const { loadSessionKeysFromEnv } = await import('../activities/session-signing.js');
      const { connectToTemporal } = await import('./temporal-server.js');
      let target;
      try {
        const config = loadWorkerConfig();
        const connections = await loadConnections();
        const keys = await loadCodecKeysFromEnv();
        if (!keys) {
          throw new Error(
            `Payload encryption needs a key: set ${CODEC_KEYS_ENV} (id:base64key, e.g. from \`openssl rand -base64 32\`) ` +
              `or ${CODEC_KEYS_FILE_ENV} to a key file; every worker and client must share it.`,
          );
        }
        target = await connectToTemporal({});
        const worker = await createOktaWorker({
          connection: target.nativeConnection,
          namespace: target.namespace,
          config,
          activities: createOktaActivities({
            connections,
            buildId: config.buildId,
            sessionKeys: loadSessionKeysFromEnv() ?? keys,
          }),
          dataConverter: createDataConverter(keys),
        });
        writeLine(
          out,
          `Worker on ${target.address} (namespace ${target.namespace}), task queue ${config.taskQueue}, ` +
            `deployment ${config.deploymentName}, build ${config.buildId}. Connections: ${[...connections.keys()].join(', ')}. Ctrl-C stops it.`,
        );
        // The Temporal runtime shuts the worker down on SIGINT/SIGTERM.
        await worker.run();
      } catch (err) {
        fail(command, err);
      } finally {
        await target?.close().catch(() => undefined);
      }
    });
}

/** `value` as one shell word: quoted only when it holds characters the shell would read. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

const EmulatorOptionsSchema = z.object({
  state: nonEmpty,
  port,
  host: nonEmpty,
  storage: z.enum(['sqlite', 'memory']),
  domain: nonEmpty,
  seedUsers: count.optional(),
});

function emulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run the local Okta org emulator over HTTPS in the foreground (development and tests).')
    .option(
      '--state <dir>',
      'state directory: CA, credentials, org.sqlite, org.json, and connections.json with its secret files',
      '.emulator',
    )
    .option('--port <n>', 'port to listen on; 0 picks a free one', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--storage <kind>', 'where users and groups live')
        .choices(['sqlite', 'memory'])
        .default('sqlite'),
    )
    .option('--domain <domain>', 'the org domain the emulator impersonates', 'companyabc.okta.com')
    .option('--seed-users <n>', 'users to seed into an empty org')
    .action(async (raw: unknown, command: Command) => {
      const opts = parseOptions(command, EmulatorOptionsSchema, raw);
      const out = stdoutOf(command);
      const { startEmulator } = await importDevPackage(
        'emulator',
        () => import('temporal-okta-emulator/server'),
      );
      const { EMULATOR_CONNECTIONS, writeEmulatorConnections } =
        await import('temporal-okta-emulator/connections');
      const interrupt = interruptSignal(out);
      try {
        const stateDir = resolve(opts.state);
        const emulator = await startEmulator({
          stateDir,
          port: opts.port,
          host: opts.host,
          storage: opts.storage,
          domain: opts.domain,
          ...(opts.seedUsers === undefined ? {} : { seedUsers: opts.seedUsers }),
        });
        const connections = await writeEmulatorConnections(emulator, stateDir);
        // The org.json path alone on standard output is the contract scripts read (URL, CA, credentials).
        writeLine(out, emulator.orgFile);
        process.stderr.write(
          `Okta org emulator for https://${emulator.domain} on ${emulator.url}. Ctrl-C stops it.\n` +
            `Its connections (${Object.values(EMULATOR_CONNECTIONS).join(', ')}), for workers and the CLI:\n` +
            `${CONNECTIONS_ENV_VAR}=${shellWord(connections)}\n`,
        );
        await interrupt.interrupted;
        await emulator.close();
      } catch (err) {
        fail(command, err);
      } finally {
        interrupt.dispose();
      }
    });
}

const CodecServerOptionsSchema = z
  .object({
    port,
    host: nonEmpty,
    origin: z.array(httpUrl.transform((u) => new URL(u).origin)).min(1),
    keyFile: nonEmpty.optional(),
    oidcIssuer: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
    audience: z.array(nonEmpty).optional(),
    allowUser: z.array(nonEmpty).optional(),
    allowGroup: z.array(nonEmpty).optional(),
    usersClaim: nonEmpty.optional(),
    groupsClaim: nonEmpty.optional(),
    tlsCert: nonEmpty.optional(),
    tlsKey: nonEmpty.optional(),
    auth: z.boolean().default(true),
  })
  .refine((o) => o.auth || !o.oidcIssuer, { path: ['auth'], error: 'cannot go with --oidc-issuer' })
  .refine((o) => !o.oidcIssuer || (o.audience?.length ?? 0) > 0, {
    path: ['audience'],
    error: 'is required with --oidc-issuer',
  })
  .refine((o) => !o.oidcIssuer || (o.allowUser?.length ?? 0) + (o.allowGroup?.length ?? 0) > 0, {
    path: ['allowGroup'],
    error: 'give --allow-group and/or --allow-user with --oidc-issuer',
  })
  .refine((o) => !o.tlsCert === !o.tlsKey, {
    path: ['tlsKey'],
    error: 'give --tls-cert and --tls-key together',
  });

function codecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description(
      'Run the codec server that lets the Temporal Web UI show decrypted payloads: to the signed-in users ' +
        `or groups you allow (--oidc-issuer), or to holders of the static token in ${CODEC_SERVER_TOKEN_ENV}.`,
    )
    .option('--port <n>', 'port to listen on', '8888')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--origin <url...>', "the Web UI's origin(s) allowed to call it", [...DEFAULT_ALLOWED_ORIGINS])
    .option(
      '--key-file <file>',
      `a codec key file, when ${CODEC_KEYS_ENV} / ${CODEC_KEYS_FILE_ENV} are not set (default: the demo's key in TEMPORAL_OKTA_STATE_DIR or ${DEFAULT_STATE_DIR})`,
    )
    .option(
      '--oidc-issuer <url>',
      "verify the Web UI user's access token from this issuer (e.g. https://companyabc.okta.com/oauth2/default)",
    )
    .option('--audience <aud...>', "the access token's audience (required with --oidc-issuer)")
    .option('--allow-user <user...>', 'users who may decode (matched against --users-claim)')
    .option('--allow-group <group...>', 'groups whose members may decode (matched against --groups-claim)')
    .option('--users-claim <claim>', 'the claim naming the user', 'sub')
    .option('--groups-claim <claim>', "the claim listing the user's groups", 'groups')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', "the certificate's private key (PEM)")
    .option(
      '--no-auth',
      "no token at all, on a loopback --host only: for a local dev server's Web UI, which has no sign-in",
    )
    .addHelpText(
      'after',
      "\nSet the printed URL as the Web UI's codec endpoint. With --oidc-issuer, turn on the UI's \"pass access\n" +
        'token" (TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true): the UI sends the signed-in user\'s access token, which is\n' +
        "checked against the issuer's keys, the audience and the allowed users or groups. Without it, every\n" +
        `request must carry "Authorization: Bearer <${CODEC_SERVER_TOKEN_ENV}>" (temporal --codec-auth, or a proxy).`,
    )
    .action(async (raw: unknown, command: Command) => {
      const opts = parseOptions(command, CodecServerOptionsSchema, raw);
      const out = stdoutOf(command);
      const { startCodecServer } = await import('../client/codec-server.js');
      const { readFile } = await import('node:fs/promises');
      const interrupt = interruptSignal(out);
      try {
        let auth: CodecServerAuth;
        if (opts.oidcIssuer) {
          auth = {
            kind: 'oidc',
            issuer: opts.oidcIssuer,
            audience: opts.audience ?? [],
            allowedUsers: opts.allowUser,
            allowedGroups: opts.allowGroup,
            usersClaim: opts.usersClaim,
            groupsClaim: opts.groupsClaim,
          };
        } else if (!opts.auth) {
          auth = { kind: 'none' };
        } else {
          const token = process.env[CODEC_SERVER_TOKEN_ENV];
          if (!token) {
            throw new Error(
              `Give --oidc-issuer (with --audience and --allow-group / --allow-user) to check the Web UI user's access token, ` +
                `or set ${CODEC_SERVER_TOKEN_ENV} to a static bearer token (at least 16 characters, e.g. \`openssl rand -base64 32\`).`,
            );
          }
          auth = { kind: 'token', token };
        }
        const tls =
          opts.tlsCert && opts.tlsKey
            ? { cert: await readFile(resolve(opts.tlsCert)), key: await readFile(resolve(opts.tlsKey)) }
            : undefined;
        const keys = await codecKeys(opts.keyFile, true);
        const server = await startCodecServer({
          port: opts.port,
          host: opts.host,
          keys,
          auth,
          tls,
          allowedOrigins: opts.origin,
        });
        const who = {
          oidc: `access tokens of ${opts.oidcIssuer}`,
          token: `the token in ${CODEC_SERVER_TOKEN_ENV}`,
          none: 'no authentication, loopback only',
        }[auth.kind];
        writeLine(
          out,
          `Codec server on ${server.url} for ${opts.origin.join(', ')} (${who}). Ctrl-C stops it.`,
        );
        await interrupt.interrupted;
        await server.close();
      } catch (err) {
        fail(command, err);
      } finally {
        interrupt.dispose();
      }
    });
}

const HooksServeOptionsSchema = z.object({
  config: nonEmpty,
  port,
  host: nonEmpty,
  keyFile: nonEmpty.optional(),
});

function hooksCommand(program: Command): void {
  program
    .command('hooks')
    .description('Okta event hooks into Temporal.')
    .command('serve')
    .description(
      'Receive Okta event hooks and start or signal workflows per event type, as the configuration file says ' +
        "(answers Okta's verification, checks the hook secret, one workflow per event id). Temporal settings " +
        `from the environment (TEMPORAL_ADDRESS, ...); payloads encrypted with ${CODEC_KEYS_ENV}.`,
    )
    .requiredOption(
      '--config <file>',
      'the routes and the secret reference (JSON; see the README, "Event hooks")',
    )
    .option('--port <n>', 'port to listen on; 0 picks a free one', '8780')
    .option('--host <address>', 'address to listen on (put TLS termination in front for Okta)', '127.0.0.1')
    .option(
      '--key-file <file>',
      `a codec key file, when ${CODEC_KEYS_ENV} / ${CODEC_KEYS_FILE_ENV} are not set`,
    )
    .action(async (raw: unknown, command: Command) => {
      const opts = parseOptions(command, HooksServeOptionsSchema, raw);
      const out = stdoutOf(command);
      const { Client } = await import('@temporalio/client');
      const { createDataConverter } = await import('../worker/data-converter.js');
      const { connectToTemporal } = await import('./temporal-server.js');
      const { loadEventHookConfig } = await import('./event-hook-config.js');
      const { createEventHookReceiver } = await import('../client/event-hooks.js');
      const interrupt = interruptSignal(out);
      let target;
      try {
        const config = await loadEventHookConfig(resolve(opts.config));
        const keys = await codecKeys(opts.keyFile, false);
        target = await connectToTemporal({});
        const client = new Client({
          connection: target.connection,
          namespace: target.namespace,
          dataConverter: createDataConverter(keys),
        });
        const server = await createEventHookReceiver({ client, ...config }).listen({
          host: opts.host,
          port: opts.port,
        });
        writeLine(
          out,
          `Event hook receiver on http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${server.port}/ ` +
            `for ${config.routes.map((r) => r.eventType).join(', ')} (Temporal ${target.address}). Ctrl-C stops it.`,
        );
        await interrupt.interrupted;
        await server.close();
      } catch (err) {
        fail(command, err);
      } finally {
        interrupt.dispose();
        await target?.close().catch(() => undefined);
      }
    });
}

/** The `temporal-okta` program with every command. */
export async function createProgram(): Promise<Command> {
  const program = new Command('temporal-okta').description(
    'The Okta package for Temporal: demo, onboarding, workers, connections, deployments, codec server.',
  );
  demoCommand(program);
  startCommand(program);
  workerCommand(program);
  registerConnectionsCommands(program);
  registerDeploymentsCommands(program);
  emulatorCommand(program);
  codecServerCommand(program);
  hooksCommand(program);
  return program;
}

/** Runs the CLI with `argv` (as in `process.argv`). */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = await createProgram();
  await program.parseAsync(argv);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((err: unknown) => {
    process.stderr.write(`temporal-okta: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
