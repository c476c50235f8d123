import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { findConnection, testConnection, type CheckResult } from '../activities/connect.js';
import {
  CONNECTIONS_ENV_VAR,
  loadConnections,
  type Connection,
  type Connections,
} from '../activities/connections.js';
import { finishAuthorization, startAuthorization, type PendingAuthorization } from '../activities/oauth.js';
import { positiveSeconds, writeOut } from './command-helpers.js';

/**
 * The `connections` commands of the temporal-okta CLI (docs/ARCHITECTURE.md §4):
 *
 * - `connections authorize NAME`: the one-time browser sign-in of an authorization-code connection. It
 *   prints the sign-in URL, listens on the connection's loopback redirect URI (127.0.0.1, ::1, or both
 *   for `localhost`), checks `state`, exchanges the code (PKCE) and stores the refresh token encrypted,
 *   where the workers read it.
 * - `connections test NAME [--domain d]`: the checks of Connect, one line each; exit code 1 on a failure.
 *
 * Output goes through the command's `configureOutput()` (`writeOut`, `writeErr`), so a caller or a test
 * can capture it; errors end the command through `command.error()` with exit code 1.
 */

/** How long `authorize` waits for the browser by default. */
export const DEFAULT_AUTHORIZE_TIMEOUT_SECONDS = 300;

/**
 * The addresses to listen on for a redirect URI's host. A browser may resolve `localhost` to either
 * loopback address, so it gets both, on the same port.
 */
const LOOPBACK_ADDRESSES: Readonly<Record<string, readonly string[]>> = {
  '127.0.0.1': ['127.0.0.1'],
  '[::1]': ['::1'],
  localhost: ['127.0.0.1', '::1'],
};

interface ConnectionsOption {
  connections?: string;
}

/** `--connections <file>`, else TEMPORAL_OKTA_CONNECTIONS: the same file every worker loads. */
async function load(command: Command, options: ConnectionsOption): Promise<Connections> {
  try {
    return await loadConnections(options.connections ? { file: options.connections } : {});
  } catch (err) {
    command.error(`${(err as Error).message}\n(Pass --connections <file> or set ${CONNECTIONS_ENV_VAR}.)`, {
      exitCode: 1,
      code: 'temporal-okta.connections',
    });
  }
}

function lookUp(command: Command, connections: Connections, name: string): Connection {
  try {
    return findConnection(connections, name);
  } catch (err) {
    command.error((err as Error).message, { exitCode: 1, code: 'temporal-okta.connections' });
  }
}

/** Where the CLI listens for the redirect URI: addresses, port (0: any free one) and the callback's path. */
interface ListenAddress {
  addresses: readonly string[];
  port: number;
  path: string;
}

/** The loopback address and port the CLI listens on for the redirect URI, or why it cannot. */
function listenAddress(redirectUri: string): ListenAddress | string {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return `its redirect URI ${JSON.stringify(redirectUri)} is not a URL`;
  }
  const addresses = Object.hasOwn(LOOPBACK_ADDRESSES, url.hostname)
    ? LOOPBACK_ADDRESSES[url.hostname]
    : undefined;
  if (url.protocol !== 'http:' || !addresses) {
    return (
      `its redirect URI ${url.origin}${url.pathname} is not a loopback http:// address, so this command cannot ` +
      'receive the callback (it listens on 127.0.0.1, [::1] or localhost only). Add a sign-in redirect URI ' +
      'such as http://127.0.0.1:8765/callback to the Okta app and set it as the connection\'s "grant.redirectUri"'
    );
  }
  return { addresses, port: url.port === '' ? 80 : Number(url.port), path: url.pathname };
}

/**
 * The redirect URI to send: as configured, or with the port the CLI got when it says port 0 (which the
 * connection loader allows only against the emulator, where any loopback port matches).
 */
function listeningRedirectUri(redirectUri: string, port: number): string {
  const url = new URL(redirectUri);
  if (url.port !== '0') return redirectUri;
  url.port = String(port);
  return url.href;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`;

function respond(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(PAGE(title, text));
}

/** Escapes text from the query string before it goes into the browser page. */
function html(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * Waits for the one callback that carries this flow's `state`, exchanges its code, and answers the
 * browser. Other requests (a favicon, a stale tab with another state) are answered and ignored.
 */
function awaitCallback(
  servers: readonly Server[],
  pending: PendingAuthorization,
  path: string,
  timeoutMs: number,
): Promise<{ scopes: readonly string[] }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `No sign-in callback arrived within ${timeoutMs / 1000} s on ${pending.redirectUri}. Run the ` +
                'command again and complete the sign-in in the browser (or raise --timeout).',
            ),
          ),
        ),
      timeoutMs,
    );
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', pending.redirectUri);
      if (req.method !== 'GET' || url.pathname !== path) {
        respond(res, 404, 'Not found', 'This address only receives the Okta sign-in callback.');
        return;
      }
      if (done) {
        respond(res, 410, 'Already handled', 'This sign-in was already handled; you can close this tab.');
        return;
      }
      const error = url.searchParams.get('error');
      const state = url.searchParams.get('state');
      if (state !== pending.state) {
        // A callback from another flow (or a forged one): refuse it and keep waiting for ours.
        respond(
          res,
          400,
          'Sign-in not accepted',
          'The callback does not belong to this sign-in (state mismatch). Use the URL the command printed.',
        );
        return;
      }
      if (error) {
        const description = url.searchParams.get('error_description') ?? '';
        respond(res, 400, 'Sign-in failed', html(`Okta answered ${error}. ${description}`));
        finish(() =>
          reject(
            new Error(
              `Okta refused the sign-in: ${error}${description ? ` (${description.slice(0, 300)})` : ''}. ` +
                'Check that the signing-in admin is assigned to the app and that the app allows the ' +
                'authorization code and refresh token grants.',
            ),
          ),
        );
        return;
      }
      done = true;
      finishAuthorization(pending, url).then(
        (token) => {
          clearTimeout(timer);
          respond(res, 200, 'Connection authorised', 'You can close this tab and return to the terminal.');
          resolve({ scopes: token.scopes });
        },
        (err: unknown) => {
          clearTimeout(timer);
          respond(res, 400, 'Sign-in failed', 'The code exchange failed: see the terminal for details.');
          reject(err as Error);
        },
      );
    };
    for (const server of servers) server.on('request', onRequest);
  });
}

function listen(server: Server, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** `127.0.0.1:8765`, `[::1]:8765` */
const hostPort = (address: string, port: number) =>
  `${address.includes(':') ? `[${address}]` : address}:${port}`;

/** A loopback address this machine does not have (no IPv6, say): `localhost` can live without it. */
const NOT_HERE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/** A listen failure, with the address it was for. */
class ListenError extends Error {
  constructor(
    readonly where: string,
    readonly code: string,
  ) {
    super(`cannot listen on ${where} (${code})`);
  }
}

/**
 * Listens on every address of `where` on one port: the given one, or with port 0 the first free port
 * the first address gets, which the others then take too (a few tries if one of them has it in use).
 */
async function listenOnLoopback(where: ListenAddress): Promise<{ servers: Server[]; port: number }> {
  const tries = where.port === 0 ? 5 : 1;
  for (let attempt = 1; ; attempt++) {
    const servers: Server[] = [];
    let port = where.port;
    try {
      for (const address of where.addresses) {
        const server = createServer();
        try {
          port = await listen(server, port, address);
          servers.push(server);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          if (where.addresses.length > 1 && NOT_HERE.has(code)) continue;
          throw new ListenError(hostPort(address, port), code);
        }
      }
      if (servers.length === 0) {
        throw new ListenError(where.addresses.map((a) => hostPort(a, port)).join(' and '), 'EADDRNOTAVAIL');
      }
      return { servers, port };
    } catch (err) {
      await Promise.all(servers.map(close));
      if (!(err instanceof ListenError && err.code === 'EADDRINUSE' && attempt < tries)) throw err;
    }
  }
}

async function authorize(
  name: string,
  options: ConnectionsOption & { timeout: number },
  command: Command,
): Promise<void> {
  const connections = await load(command, options);
  const connection = lookUp(command, connections, name);
  if (connection.type !== 'oauth2' || connection.grant.type !== 'authorization_code') {
    command.error(
      `Connection "${name}" uses ${connection.type === 'ssws' ? 'an SSWS API token' : 'the client credentials grant'}: ` +
        'only authorization_code connections are authorised in a browser. Its workers need no authorization step; ' +
        `check it with "temporal-okta connections test ${name}".`,
      { exitCode: 1, code: 'temporal-okta.authorize' },
    );
  }
  const { redirectUri } = connection.grant;
  const address = listenAddress(redirectUri);
  if (typeof address === 'string') {
    command.error(`Cannot authorise connection "${name}": ${address}.`, {
      exitCode: 1,
      code: 'temporal-okta.authorize',
    });
  }

  // Listen before printing the URL, so a fast browser never finds the port closed.
  let listening: { servers: Server[]; port: number };
  try {
    listening = await listenOnLoopback(address);
  } catch (err) {
    const { where, code } =
      err instanceof ListenError ? err : { where: `port ${address.port}`, code: (err as Error).message };
    command.error(
      `Cannot listen on ${where} for the redirect URI ${redirectUri} (${code}). Stop whatever uses that port, ` +
        'or register another loopback redirect URI on the Okta app and the connection.',
      { exitCode: 1, code: 'temporal-okta.authorize' },
    );
  }
  const redirectTo = listeningRedirectUri(redirectUri, listening.port);
  try {
    let flow: Awaited<ReturnType<typeof startAuthorization>>;
    try {
      flow = await startAuthorization(connection, redirectTo);
    } catch (err) {
      command.error(`Cannot start the sign-in for connection "${name}": ${(err as Error).message}`, {
        exitCode: 1,
        code: 'temporal-okta.authorize',
      });
    }
    writeOut(
      command,
      `Sign in to ${connection.domain} as an Okta admin to authorise connection "${name}". Open this URL in a browser:\n\n` +
        `  ${flow.url.href}\n\nWaiting for the redirect to ${redirectTo} (up to ${options.timeout} s)...\n`,
    );
    let result: { scopes: readonly string[] };
    try {
      result = await awaitCallback(listening.servers, flow.pending, address.path, options.timeout * 1000);
    } catch (err) {
      command.error(`Connection "${name}" was not authorised: ${(err as Error).message}`, {
        exitCode: 1,
        code: 'temporal-okta.authorize',
      });
    }
    writeOut(
      command,
      `Connection "${name}" is authorised. Its refresh token is stored encrypted in ` +
        `${connection.grant.refreshTokenStore.path}; workers use it from now on.\n` +
        `Granted scopes: ${result.scopes.join(' ') || '(none reported)'}\n`,
    );
  } finally {
    await Promise.all(listening.servers.map(close));
  }
}

const MARK: Record<'true' | 'false', string> = { true: 'PASS', false: 'FAIL' };

/** One line per check, e.g. `PASS token      Bearer token granted with scopes: ...`. */
export function formatCheck(result: CheckResult): string {
  return `${MARK[String(result.ok) as 'true' | 'false']} ${result.check.padEnd(9)} ${result.detail}`;
}

async function test(
  name: string,
  options: ConnectionsOption & { domain?: string },
  command: Command,
): Promise<void> {
  const connections = await load(command, options);
  lookUp(command, connections, name);
  const results = await testConnection(connections, name, options.domain);
  writeOut(command, `Testing connection "${name}":\n${results.map((r) => `  ${formatCheck(r)}\n`).join('')}`);
  const failed = results.find((r) => !r.ok);
  if (failed) {
    command.error(`Connection "${name}" failed the ${failed.check} check (see above).`, {
      exitCode: 1,
      code: 'temporal-okta.connection-test-failed',
    });
  }
  writeOut(command, `Connection "${name}" passed every check.\n`);
}

/**
 * Adds `connections authorize NAME` and `connections test NAME` to a commander program.
 *
 * @example
 * const program = new Command('temporal-okta');
 * registerConnectionsCommands(program);
 * await program.parseAsync();
 */
export function registerConnectionsCommands(program: Command): Command {
  const connections = program
    .command('connections')
    .description(
      'Authorise and test the OAuth 2.0 connections the workers load from TEMPORAL_OKTA_CONNECTIONS.',
    );
  const fileOption = [
    '--connections <file>',
    `the connections JSON file (default: the path in ${CONNECTIONS_ENV_VAR})`,
  ] as const;

  connections
    .command('authorize')
    .description(
      'Run the one-time browser sign-in of an authorization-code connection and store its refresh token ' +
        'encrypted for the workers.',
    )
    .argument('<name>', 'the connection to authorise, e.g. okta-web')
    .option(...fileOption)
    .option(
      '--timeout <seconds>',
      'how long to wait for the browser',
      positiveSeconds,
      DEFAULT_AUTHORIZE_TIMEOUT_SECONDS,
    )
    .addHelpText(
      'after',
      '\nPrints the Okta sign-in URL and listens on the connection\'s loopback redirect URI ("grant.redirectUri",\n' +
        'for example http://127.0.0.1:8765/callback; a [::1] URI listens on ::1, a localhost URI on both).\n' +
        'Sign in as an Okta admin who is assigned to the app; the command checks the state, exchanges the\n' +
        "code with PKCE, and stores the refresh token in the connection's refresh-token store. Run it again\n" +
        'whenever Connect fails with OktaAuthorizationRequired.',
    )
    .action(authorize);

  connections
    .command('test')
    .description('Run the checks of Connect against a connection and print each result.')
    .argument('<name>', 'the connection to test, e.g. okta-automation')
    .option(...fileOption)
    .option('--domain <domain>', "the Okta domain to check (default: the connection's domain)")
    .addHelpText(
      'after',
      '\nChecks, in order: the domain and the connection, discovery of the org authorization server (issuer\n' +
        'https://{domain}), a token with the required scopes, and GET /api/v1/users?limit=1. Stops at the\n' +
        'first failure and exits with code 1.',
    )
    .action(test);

  return connections;
}
