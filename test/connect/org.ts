import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnections, type Connections, type OAuthConnection } from '../../activities/connections.js';
import { finishAuthorization, startAuthorization } from '../../activities/oauth.js';
import { writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import type { EmulatorOptions } from 'temporal-okta-emulator/server';
import { orgClient } from 'temporal-okta-emulator/org';
import { authorizeWithScriptedAdmin, startTestOrg, type TestOrg } from 'temporal-okta-emulator/testing';

/** Connections of the emulated org beyond the six `writeEmulatorConnections` writes. */
export const EXTRA_CONNECTIONS = {
  /** The service app's client id with a private key the app does not know: OktaInvalidClient. */
  unregisteredKey: 'okta-unregistered-key',
  /** Authorization code + PKCE with client_secret_post (the `web-post` app). */
  webPost: 'okta-web-post',
} as const;

/** An emulated org, its connections file (the six standard connections plus {@link EXTRA_CONNECTIONS}). */
export interface ConnectTestOrg extends TestOrg {
  /** `org.domain`: the domain every connection is configured for. */
  domain: string;
  dir: string;
  /** The connections file, as workers and the CLI load it. */
  connectionsFile: string;
  /** The loaded connections (one load per test file, as one worker process would hold them). */
  connections: Connections;
  /** Login of a seeded user, for `users.get`. */
  userLogin: string;
  /** Runs the browser sign-in of an authorization-code connection with the scripted admin. */
  authorize(name: string, connections?: Connections): Promise<void>;
}

/**
 * Starts an emulator over TLS and writes its connections file. `redirectPort` sets the loopback port of
 * the authorization-code connections' redirect URI (the emulator accepts any loopback port).
 */
export async function startConnectTestOrg(
  options: Partial<EmulatorOptions> & { redirectPort?: number } = {},
): Promise<ConnectTestOrg> {
  const { redirectPort, ...emulatorOptions } = options;
  const t = await startTestOrg({ seedUsers: 3, ...emulatorOptions });
  const dir = await mkdtemp(join(tmpdir(), 'okta-connect-'));
  try {
    const file = await writeEmulatorConnections(t.org, dir);
    const json = JSON.parse(await readFile(file, 'utf8')) as {
      connections: Record<string, Record<string, unknown>>;
    };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(dir, 'unregistered.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      mode: 0o600,
    });
    await writeFile(join(dir, 'web-post.secret'), orgClient(t.org, 'web-post').clientSecret ?? '', {
      mode: 0o600,
    });
    const service = json.connections['okta-automation']!;
    const web = json.connections['okta-web']!;
    json.connections[EXTRA_CONNECTIONS.unregisteredKey] = {
      ...service,
      clientAuth: { method: 'private_key_jwt', privateKey: { file: 'unregistered.pem' } },
    };
    json.connections[EXTRA_CONNECTIONS.webPost] = {
      ...web,
      clientId: orgClient(t.org, 'web-post').clientId,
      grant: {
        ...(web.grant as object),
        refreshTokenStore: {
          path: join(dir, 'okta-web-post.refresh-token'),
          encryptionKey: { file: 'refresh-token-store.key' },
        },
      },
      clientAuth: { method: 'client_secret_post', clientSecret: { file: 'web-post.secret' } },
    };
    if (redirectPort !== undefined) {
      for (const name of ['okta-web', 'okta-web-dpop', EXTRA_CONNECTIONS.webPost]) {
        const grant = json.connections[name]!.grant as { redirectUri: string };
        grant.redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
      }
    }
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });

    const connections = await loadConnections({ file });
    const users = await t.fetch(`https://${t.org.domain}/api/v1/users?limit=1`, {
      headers: { authorization: `SSWS ${t.org.apiToken}`, accept: 'application/json' },
    });
    const [user] = (await users.json()) as { profile: { login: string } }[];

    return {
      ...t,
      domain: t.org.domain,
      dir,
      connectionsFile: file,
      connections,
      userLogin: user!.profile.login,
      async authorize(name, using = connections) {
        const { url, pending } = await startAuthorization(using.get(name) as OAuthConnection);
        const callback = await authorizeWithScriptedAdmin({
          org: t.org,
          fetch: t.fetch,
          authorizationUrl: url,
        });
        await finishAuthorization(pending, callback);
      },
      async close() {
        await t.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await t.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the promise resolved');
    },
    (err: unknown) => err,
  );
}
