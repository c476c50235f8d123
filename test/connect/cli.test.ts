import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConnectionsCommands } from '../../cli/connections-cli.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { authorizeWithScriptedAdmin } from 'temporal-okta-emulator/testing';
import { rejectionOf, startConnectTestOrg, type ConnectTestOrg } from './org.js';

/**
 * `temporal-okta connections authorize|test`, registered on a fresh commander program per test, against
 * the emulated org over TLS. The browser is `authorizeWithScriptedAdmin`, following the URL the command
 * printed; the redirect goes to the command's own listener. The connections' redirect URI says port 0,
 * so each run of the command listens on a free port it picks itself and prints.
 */

let t: ConnectTestOrg;

beforeAll(async () => {
  t = await startConnectTestOrg({ redirectPort: 0 });
});
afterAll(async () => {
  await t?.close();
});

/** A program with only the connections commands, its output captured, exiting by exception. */
function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('temporal-okta')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
  registerConnectionsCommands(program);
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    run: (...args: string[]) => program.parseAsync(args, { from: 'user' }),
  };
}

/** The redirect URI a sign-in URL carries: where the command listens. */
function redirectOf(url: URL): URL {
  return new URL(url.searchParams.get('redirect_uri')!);
}

async function exitError(promise: Promise<unknown>): Promise<CommanderError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(CommanderError);
  return error as CommanderError;
}

/** The sign-in URL `authorize` printed, once it has. */
async function printedUrl(out: () => string): Promise<URL> {
  for (let i = 0; i < 200; i++) {
    const match = /https:\/\/\S+\/oauth2\/v1\/authorize\S*/.exec(out());
    if (match) return new URL(match[0]);
    await sleep(25);
  }
  throw new Error(`authorize printed no sign-in URL: ${out()}`);
}

describe('connections test', () => {
  it('prints a passing line for each of the four checks of a working connection', async () => {
    const c = cli();
    await c.run('connections', 'test', EMULATOR_CONNECTIONS.service, '--connections', t.connectionsFile);
    const lines = c.out().split('\n');
    for (const check of ['domain', 'discovery', 'token', 'api']) {
      expect(lines.some((l) => l.trim().startsWith(`PASS ${check}`))).toBe(true);
    }
    expect(c.out()).toContain('passed every check');
  });

  it('exits with code 1 and prints the failing check with its type and what to do', async () => {
    const c = cli();
    const error = await exitError(
      c.run('connections', 'test', EMULATOR_CONNECTIONS.readonly, '--connections', t.connectionsFile),
    );
    expect(error.exitCode).toBe(1);
    expect(c.out()).toMatch(/FAIL token\s+OktaMissingScopes: .*"Okta API Scopes"/);
    expect(c.err()).toContain('failed the token check');
  });

  it('reports a domain that does not match the connection as a failed domain check', async () => {
    const c = cli();
    const run = c.run(
      'connections',
      'test',
      EMULATOR_CONNECTIONS.service,
      '--domain',
      'acme.okta.com',
      '--connections',
      t.connectionsFile,
    );
    expect((await exitError(run)).exitCode).toBe(1);
    expect(c.out()).toMatch(/FAIL domain\s+OktaDomainMismatch: .*acme\.okta\.com/);
  });

  it('says an SSWS connection has no discovery and no scopes to check', async () => {
    const c = cli();
    await c.run('connections', 'test', EMULATOR_CONNECTIONS.ssws, '--connections', t.connectionsFile);
    expect(c.out()).toMatch(/PASS discovery\s+skipped/);
    expect(c.out()).toContain('SSWS has no scopes');
  });

  it('lists the configured connections when the name is unknown', async () => {
    const c = cli();
    const error = await exitError(
      c.run('connections', 'test', 'okta-nope', '--connections', t.connectionsFile),
    );
    expect(error.exitCode).toBe(1);
    expect(c.err()).toContain('No connection named "okta-nope"');
    expect(c.err()).toContain('"okta-automation"');
  });

  it('reads the connections file from TEMPORAL_OKTA_CONNECTIONS when --connections is not given', async () => {
    vi.stubEnv('TEMPORAL_OKTA_CONNECTIONS', t.connectionsFile);
    try {
      const c = cli();
      await c.run('connections', 'test', EMULATOR_CONNECTIONS.service);
      expect(c.out()).toContain('passed every check');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says how to name the connections file when none is configured', async () => {
    vi.stubEnv('TEMPORAL_OKTA_CONNECTIONS', '');
    try {
      const c = cli();
      expect((await exitError(c.run('connections', 'test', 'okta-automation'))).exitCode).toBe(1);
      expect(c.err()).toContain('--connections <file>');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('describes its checks in --help', async () => {
    const c = cli();
    const error = await exitError(c.run('connections', 'test', '--help'));
    expect(error.code).toBe('commander.helpDisplayed');
    expect(c.out()).toContain('--domain <domain>');
    expect(c.out()).toContain('GET /api/v1/users?limit=1');
  });
});

describe('connections authorize', () => {
  const authorize = (c: ReturnType<typeof cli>, ...extra: string[]) =>
    c.run('connections', 'authorize', EMULATOR_CONNECTIONS.web, '--connections', t.connectionsFile, ...extra);

  it('prints the sign-in URL, receives the callback, and stores a refresh token the workers can use', async () => {
    const c = cli();
    const done = authorize(c);
    const url = await printedUrl(c.out);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const callback = await authorizeWithScriptedAdmin({ org: t.org, fetch: t.fetch, authorizationUrl: url });
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    await done;
    expect(c.out()).toContain('Connection "okta-web" is authorised');
    expect(c.out()).not.toContain(callback.searchParams.get('code')!);

    // The stored refresh token is what `connections test` (and Connect on the workers) now uses.
    const check = cli();
    await check.run('connections', 'test', EMULATOR_CONNECTIONS.web, '--connections', t.connectionsFile);
    expect(check.out()).toMatch(/PASS token\s+Bearer token granted/);
  });

  it('listens on a free port when the redirect URI says port 0, and sends Okta the port it got', async () => {
    const c = cli();
    const failed = exitError(authorize(c));
    const url = await printedUrl(c.out);
    const redirect = redirectOf(url);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(Number(redirect.port)).toBeGreaterThan(0);
    expect(c.out()).toContain(`Waiting for the redirect to ${redirect.href}`);
    // The command itself answers on that port: ends its flow with a refusal carrying its state.
    const callback = new URL(`?error=access_denied&state=${url.searchParams.get('state')}`, redirect);
    expect((await fetch(callback)).status).toBe(400);
    expect((await failed).exitCode).toBe(1);
  });

  it('authorises a DPoP connection: the code is bound to its key and the stored refresh token yields DPoP tokens', async () => {
    const c = cli();
    const done = c.run(
      'connections',
      'authorize',
      EMULATOR_CONNECTIONS.webDpop,
      '--connections',
      t.connectionsFile,
    );
    const url = await printedUrl(c.out);
    expect(url.searchParams.get('dpop_jkt')).toMatch(/^[\w-]{43}$/);
    const callback = await authorizeWithScriptedAdmin({ org: t.org, fetch: t.fetch, authorizationUrl: url });
    expect((await fetch(callback)).status).toBe(200);
    await done;
    expect(c.out()).toContain(`Connection "${EMULATOR_CONNECTIONS.webDpop}" is authorised`);

    const check = cli();
    await check.run('connections', 'test', EMULATOR_CONNECTIONS.webDpop, '--connections', t.connectionsFile);
    expect(check.out()).toMatch(/PASS token\s+DPoP token granted/);
    expect(check.out()).toMatch(/PASS api\b/);
  });

  it('refuses a callback whose state is not its own and keeps waiting for the real one', async () => {
    const c = cli();
    const done = authorize(c);
    const url = await printedUrl(c.out);
    const forged = await fetch(new URL('?code=stolen&state=forged', redirectOf(url)));
    expect(forged.status).toBe(400);
    const callback = await authorizeWithScriptedAdmin({ org: t.org, fetch: t.fetch, authorizationUrl: url });
    expect((await fetch(callback)).status).toBe(200);
    await done;
    expect(c.out()).toContain('is authorised');
  });

  it("fails with Okta's error when the sign-in was refused", async () => {
    const c = cli();
    const failed = exitError(authorize(c));
    const url = await printedUrl(c.out);
    const state = url.searchParams.get('state')!;
    const callback = redirectOf(url);
    callback.search = new URLSearchParams({
      error: 'access_denied',
      error_description: 'User is not assigned to the client application.',
      state,
    }).toString();
    expect((await fetch(callback)).status).toBe(400);
    expect((await failed).exitCode).toBe(1);
    expect(c.err()).toContain('Okta refused the sign-in: access_denied (User is not assigned');
  });

  it('gives up after --timeout seconds without a callback and frees the port', async () => {
    const c = cli();
    const error = await exitError(authorize(c, '--timeout', '0.5'));
    expect(error.exitCode).toBe(1);
    expect(c.err()).toContain('No sign-in callback arrived within 0.5 s');
    const { port } = redirectOf(await printedUrl(c.out));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('explains that a client credentials connection needs no browser sign-in', async () => {
    const c = cli();
    const run = c.run(
      'connections',
      'authorize',
      EMULATOR_CONNECTIONS.service,
      '--connections',
      t.connectionsFile,
    );
    expect((await exitError(run)).exitCode).toBe(1);
    expect(c.err()).toContain('only authorization_code connections are authorised in a browser');
  });

  it('rejects a timeout that is not a positive number', async () => {
    const c = cli();
    const error = await exitError(authorize(c, '--timeout', 'soon'));
    expect(error.code).toBe('commander.invalidArgument');
    expect(c.err()).toContain('must be a positive number of seconds');
  });

  it('describes the browser flow in --help', async () => {
    const c = cli();
    await exitError(c.run('connections', 'authorize', '--help'));
    expect(c.out()).toContain('--timeout <seconds>');
    expect(c.out()).toContain('loopback redirect URI');
  });
});

describe("connections authorize on the redirect URI's loopback address", () => {
  let files = 0;
  /** A connections file like the test org's, whose okta-web connection redirects to `redirectUri`. */
  async function connectionsRedirectingTo(redirectUri: string): Promise<string> {
    const json = JSON.parse(await readFile(t.connectionsFile, 'utf8')) as {
      connections: Record<string, { grant: { redirectUri: string } }>;
    };
    json.connections[EMULATOR_CONNECTIONS.web]!.grant.redirectUri = redirectUri;
    const file = join(t.dir, `connections-${++files}.json`); // beside the secrets it references
    await writeFile(file, JSON.stringify(json), { mode: 0o600 });
    return file;
  }
  const authorizeWith = async (c: ReturnType<typeof cli>, redirectUri: string) =>
    c.run(
      'connections',
      'authorize',
      EMULATOR_CONNECTIONS.web,
      '--connections',
      await connectionsRedirectingTo(redirectUri),
    );

  // The emulator registers only http://127.0.0.1/callback on its web apps, so the scripted admin cannot
  // finish a [::1] or localhost sign-in; these tests send the command its own flow's callback instead
  // (a refusal carrying its state), which it takes only on an address it listens on.
  it('receives the callback of a [::1] redirect URI on ::1', async () => {
    const c = cli();
    const failed = exitError(authorizeWith(c, 'http://[::1]:0/callback'));
    const url = await printedUrl(c.out);
    const redirect = redirectOf(url);
    expect(redirect.hostname).toBe('[::1]');
    const callback = new URL(`?error=access_denied&state=${url.searchParams.get('state')}`, redirect);
    expect((await fetch(callback)).status).toBe(400);
    expect((await failed).exitCode).toBe(1);
    expect(c.err()).toContain('Okta refused the sign-in: access_denied');
  });

  it('listens on both 127.0.0.1 and ::1, on one port, for a localhost redirect URI', async () => {
    const c = cli();
    const failed = exitError(authorizeWith(c, 'http://localhost:0/callback'));
    const url = await printedUrl(c.out);
    const redirect = redirectOf(url);
    expect(redirect.hostname).toBe('localhost');
    // Both addresses answer as the command: a callback of another flow is refused there.
    for (const host of ['127.0.0.1', '[::1]']) {
      const other = await fetch(`http://${host}:${redirect.port}/callback?code=x&state=other`);
      expect(other.status).toBe(400);
      expect(await other.text()).toContain('state mismatch');
    }
    const callback = new URL(`?error=access_denied&state=${url.searchParams.get('state')}`, redirect);
    expect((await fetch(callback)).status).toBe(400);
    expect((await failed).exitCode).toBe(1);
    expect(c.err()).toContain('Okta refused the sign-in: access_denied');
  });

  it('refuses a redirect URI that is not on a loopback address, naming the ones it can listen on', async () => {
    const c = cli();
    const error = await exitError(authorizeWith(c, 'http://192.0.2.10:8765/callback'));
    expect(error.exitCode).toBe(1);
    expect(c.err()).toContain('http://192.0.2.10:8765/callback is not a loopback http:// address');
    expect(c.err()).toContain('127.0.0.1, [::1] or localhost');
  });
});
