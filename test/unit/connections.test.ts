import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionConfigError,
  DEFAULT_SCOPES,
  loadConnections,
  parseConnections,
  type OAuthConnection,
} from '../../activities/connections.js';

let dir: string;
const CLIENT_SECRET = `cs-${randomBytes(12).toString('hex')}`;
const API_TOKEN = `00${randomBytes(16).toString('hex')}`;
const STORE_KEY = randomBytes(32).toString('base64');
const env = { OKTA_SECRET: CLIENT_SECRET, OKTA_API_TOKEN: API_TOKEN, STORE_KEY } as NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-connections-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(
    join(dir, 'key.json'),
    JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'k1' }),
  );
  await writeFile(join(dir, 'key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(join(dir, 'ec.pem'), ec.privateKey.export({ format: 'pem', type: 'pkcs8' }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const serviceApp = (over: Record<string, unknown> = {}) => ({
  domain: 'companyabc.okta.com',
  clientId: '0oa-service',
  grant: { type: 'client_credentials' },
  clientAuth: { method: 'private_key_jwt', privateKey: { file: 'key.json' } },
  ...over,
});

async function parse(connections: Record<string, unknown>) {
  return parseConnections({ connections }, { baseDir: dir, env });
}

async function issues(connections: Record<string, unknown>): Promise<string> {
  try {
    await parse(connections);
  } catch (err) {
    if (err instanceof ConnectionConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConnectionConfigError');
}

describe('parseConnections accepts', () => {
  it('client credentials with a private JWK file, defaulting to the four okta.* scopes', async () => {
    const c = (await parse({ svc: serviceApp() })).get('svc') as OAuthConnection;
    expect(c).toMatchObject({
      type: 'oauth2',
      domain: 'companyabc.okta.com',
      issuer: 'https://companyabc.okta.com',
    });
    expect(c.clientAuth).toMatchObject({ method: 'private_key_jwt', kid: 'k1' });
    expect(c.scopes).toEqual(DEFAULT_SCOPES);
    expect(c.requiredScopes).toEqual(DEFAULT_SCOPES);
    expect(c.dpop).toBe(false);
  });

  it('a PKCS#8 PEM RSA key with an explicit kid', async () => {
    const c = (
      await parse({
        svc: serviceApp({
          clientAuth: { method: 'private_key_jwt', privateKey: { file: 'key.pem' }, kid: 'pem-1' },
        }),
      })
    ).get('svc') as OAuthConnection;
    expect(c.clientAuth).toMatchObject({ method: 'private_key_jwt', kid: 'pem-1' });
  });

  it('a PKCS#8 PEM EC P-256 key', async () => {
    const c = (
      await parse({
        svc: serviceApp({
          clientAuth: { method: 'private_key_jwt', privateKey: { file: join(dir, 'ec.pem') } },
        }),
      })
    ).get('svc') as OAuthConnection;
    expect(c.clientAuth.method === 'private_key_jwt' && c.clientAuth.privateKey.reveal().algorithm.name).toBe(
      'ECDSA',
    );
  });

  it('authorization code with a client secret from the environment and a refresh-token store', async () => {
    const c = (
      await parse({
        web: serviceApp({
          grant: {
            type: 'authorization_code',
            redirectUri: 'http://127.0.0.1:8765/callback',
            refreshTokenStore: { path: 'web.token', encryptionKey: { env: 'STORE_KEY' } },
          },
          clientAuth: { method: 'client_secret_basic', clientSecret: { env: 'OKTA_SECRET' } },
        }),
      })
    ).get('web') as OAuthConnection;
    expect(c.clientAuth.method === 'client_secret_basic' && c.clientAuth.clientSecret.reveal()).toBe(
      CLIENT_SECRET,
    );
    expect(c.grant.type === 'authorization_code' && c.grant.refreshTokenStore.path).toBe(
      join(dir, 'web.token'),
    );
  });

  it('client_secret_post, DPoP and custom scopes with fewer required scopes', async () => {
    const c = (
      await parse({
        svc: serviceApp({
          clientAuth: { method: 'client_secret_post', clientSecret: { env: 'OKTA_SECRET' } },
          dpop: true,
          scopes: ['okta.users.read', 'okta.groups.read'],
          requiredScopes: ['okta.users.read'],
        }),
      })
    ).get('svc') as OAuthConnection;
    expect(c).toMatchObject({
      dpop: true,
      scopes: ['okta.users.read', 'okta.groups.read'],
      requiredScopes: ['okta.users.read'],
    });
  });

  it('an SSWS API token connection', async () => {
    const c = (
      await parse({
        legacy: { type: 'ssws', domain: 'companyabc.okta.com', apiToken: { env: 'OKTA_API_TOKEN' } },
      })
    ).get('legacy');
    expect(c?.type === 'ssws' && c.apiToken.reveal()).toBe(API_TOKEN);
  });

  it('a custom domain, because the connection declares it', async () => {
    expect((await parse({ svc: serviceApp({ domain: 'https://id.acme.com/' }) })).get('svc')?.domain).toBe(
      'id.acme.com',
    );
  });

  it('the org authorization server written out explicitly', async () => {
    expect(
      (await parse({ svc: serviceApp({ authorizationServer: 'https://companyabc.okta.com/' }) })).has('svc'),
    ).toBe(true);
  });

  it('a development block routing the domain to the emulator', async () => {
    const c = (await parse({ svc: serviceApp({ development: { connectTo: '127.0.0.1:8443' } }) })).get('svc');
    expect(c?.transport).toEqual({ connectTo: { 'companyabc.okta.com': '127.0.0.1:8443' } });
  });
});

describe('parseConnections refuses', () => {
  it('an inline client secret, saying how to reference it, without repeating it', async () => {
    const message = await issues({
      web: serviceApp({ clientAuth: { method: 'client_secret_basic', clientSecret: 'inline-s3cret-value' } }),
    });
    expect(message).toContain('connections["web"].clientAuth.clientSecret: an inline secret is not allowed');
    expect(message).toContain('{"env": "VARIABLE_NAME"}');
    expect(message).not.toContain('inline-s3cret-value');
  });

  it('an inline private key', async () => {
    expect(
      await issues({
        svc: serviceApp({
          clientAuth: { method: 'private_key_jwt', privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' },
        }),
      }),
    ).toContain('connections["svc"].clientAuth.privateKey: an inline secret is not allowed');
  });

  it('a custom authorization server, explaining that only the org server issues okta.* scopes', async () => {
    const message = await issues({
      svc: serviceApp({ authorizationServer: 'https://companyabc.okta.com/oauth2/default' }),
    });
    expect(message).toMatch(
      /connections\["svc"\]\.authorizationServer: .*custom authorization server.*only the org authorization server/,
    );
  });

  it('an authorization server id such as /oauth2/aus...', async () => {
    expect(
      await issues({
        svc: serviceApp({ authorizationServer: 'https://companyabc.okta.com/oauth2/aus1a2b3c4' }),
      }),
    ).toContain('custom authorization server');
  });

  it('an invalid domain, naming the field and the org domain to use', async () => {
    expect(await issues({ svc: serviceApp({ domain: 'companyabc-admin.okta.com' }) })).toMatch(
      /connections\["svc"\]\.domain: .*Enter "companyabc\.okta\.com" instead/,
    );
  });

  it('a missing client id', async () => {
    const { clientId: _omit, ...rest } = serviceApp();
    expect(await issues({ svc: rest })).toContain('connections["svc"].clientId: is required');
  });

  it('an unknown grant type', async () => {
    expect(await issues({ svc: serviceApp({ grant: { type: 'password' } }) })).toContain(
      'connections["svc"].grant',
    );
  });

  it('an unknown field', async () => {
    expect(await issues({ svc: serviceApp({ clientSecret: { env: 'X' } }) })).toContain(
      'connections["svc"]: unknown field "clientSecret"',
    );
  });

  it('an environment variable that is not set', async () => {
    expect(
      await issues({
        svc: serviceApp({
          clientAuth: { method: 'client_secret_post', clientSecret: { env: 'NOPE_NOT_SET' } },
        }),
      }),
    ).toContain('connections["svc"].clientAuth.clientSecret: environment variable NOPE_NOT_SET is not set');
  });

  it('a secret file that does not exist', async () => {
    expect(
      await issues({
        svc: serviceApp({ clientAuth: { method: 'private_key_jwt', privateKey: { file: 'missing.json' } } }),
      }),
    ).toMatch(
      /connections\["svc"\]\.clientAuth\.privateKey: cannot read secret file .*missing\.json \(ENOENT\)/,
    );
  });

  it('a private key that is neither a JWK nor PKCS#8', async () => {
    await writeFile(join(dir, 'junk.txt'), 'not a key');
    expect(
      await issues({
        svc: serviceApp({ clientAuth: { method: 'private_key_jwt', privateKey: { file: 'junk.txt' } } }),
      }),
    ).toContain('connections["svc"].clientAuth.privateKey: the key from file');
  });

  it('a PKCS#1 PEM key, saying how to convert it to PKCS#8', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(dir, 'pkcs1.pem'), privateKey.export({ format: 'pem', type: 'pkcs1' }));
    expect(
      await issues({
        svc: serviceApp({ clientAuth: { method: 'private_key_jwt', privateKey: { file: 'pkcs1.pem' } } }),
      }),
    ).toContain('convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)');
  });

  it('a refresh-token encryption key that is not 32 bytes', async () => {
    const message = await issues({
      web: serviceApp({
        grant: {
          type: 'authorization_code',
          redirectUri: 'http://127.0.0.1:8765/cb',
          refreshTokenStore: { path: 'x', encryptionKey: { env: 'OKTA_SECRET' } },
        },
      }),
    });
    expect(message).toContain(
      'connections["web"].grant.refreshTokenStore.encryptionKey: the key from env OKTA_SECRET must be 32 random bytes',
    );
    expect(message).not.toContain(CLIENT_SECRET);
  });

  it('a required scope that is not requested', async () => {
    expect(
      await issues({
        svc: serviceApp({ scopes: ['okta.users.read'], requiredScopes: ['okta.groups.manage'] }),
      }),
    ).toContain('connections["svc"].requiredScopes: requires okta.groups.manage');
  });

  it('port 0 in a redirect URI without a development block, since Okta matches the registered port', async () => {
    const message = await issues({
      web: serviceApp({
        grant: {
          type: 'authorization_code',
          redirectUri: 'http://127.0.0.1:0/callback',
          refreshTokenStore: { path: 'web.token', encryptionKey: { env: 'STORE_KEY' } },
        },
        clientAuth: { method: 'client_secret_basic', clientSecret: { env: 'OKTA_SECRET' } },
      }),
    });
    expect(message).toContain('connections["web"].grant.redirectUri: port 0 (any free port) works only');
    expect(message).toContain('Okta matches a sign-in redirect URI exactly, port included');
  });

  it('a development connectTo that is not host:port', async () => {
    expect(await issues({ svc: serviceApp({ development: { connectTo: 'localhost' } }) })).toContain(
      'connections["svc"].development.connectTo',
    );
  });

  it('a file without a "connections" object', async () => {
    await expect(parseConnections({ okta: serviceApp() }, { baseDir: dir, env })).rejects.toThrow(
      /connections: is required/,
    );
  });
});

describe('loadConnections', () => {
  it('reads the file named by TEMPORAL_OKTA_CONNECTIONS, resolving paths against its directory', async () => {
    await writeFile(join(dir, 'connections.json'), JSON.stringify({ connections: { svc: serviceApp() } }));
    const connections = await loadConnections({
      env: { ...env, TEMPORAL_OKTA_CONNECTIONS: join(dir, 'connections.json') },
    });
    expect([...connections.keys()]).toEqual(['svc']);
  });

  it('says to set TEMPORAL_OKTA_CONNECTIONS when it is missing', async () => {
    await expect(loadConnections({ env: {} })).rejects.toThrow(/TEMPORAL_OKTA_CONNECTIONS: is not set/);
  });

  it('reports invalid JSON without quoting the file', async () => {
    await writeFile(join(dir, 'bad.json'), `{ "connections": { "x": "${CLIENT_SECRET}" `);
    const error = await loadConnections({ file: join(dir, 'bad.json') }).then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/is not valid JSON/);
    expect(error.message).not.toContain(CLIENT_SECRET);
  });
});

describe('resolved secrets', () => {
  it('are not visible through JSON.stringify or util.inspect', async () => {
    const connections = await parse({
      web: serviceApp({
        clientAuth: { method: 'client_secret_basic', clientSecret: { env: 'OKTA_SECRET' } },
      }),
      legacy: { type: 'ssws', domain: 'companyabc.okta.com', apiToken: { env: 'OKTA_API_TOKEN' } },
    });
    const all = [...connections.values()];
    for (const text of [
      JSON.stringify(all),
      inspect(all, { depth: 10, showHidden: true }),
      String(all.map((c) => Object.values(c))),
    ]) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(API_TOKEN);
    }
  });
});
