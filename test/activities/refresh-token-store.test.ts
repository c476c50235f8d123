import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  loadConnections,
  parseConnections,
  type Connection,
  type OAuthConnection,
} from '../../activities/connections.js';
import { requestToken } from '../../activities/oauth.js';
import { fileRefreshTokenStore } from '../../activities/refresh-token-store.js';
import { OktaErrorType } from '../../common/errors.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { rejectionOf, startConnectTestOrg, type ConnectTestOrg } from '../connect/org.js';

/** The encrypted file store of an authorization-code connection, and its lock across processes. */

const WEB = EMULATOR_CONNECTIONS.web;

let t: ConnectTestOrg;
let storePath: string;
let lockPath: string;

beforeAll(async () => {
  t = await startConnectTestOrg();
  storePath = refreshTokenStorePath(t.connections.get(WEB)!);
  lockPath = `${storePath}.lock`;
});
afterAll(async () => {
  await t?.close();
});
afterEach(async () => {
  await rm(lockPath, { recursive: true, force: true });
});

function refreshTokenStorePath(connection: Connection): string {
  if (connection.type !== 'oauth2' || connection.grant.type !== 'authorization_code') {
    throw new Error(`${connection.name} has no refresh-token store`);
  }
  return connection.grant.refreshTokenStore.path;
}

/** The connection loaded by another worker, whose file store waits at most `waitMs` for the lock. */
async function workerWaitingAtMost(waitMs: number): Promise<OAuthConnection> {
  const connections = await loadConnections({
    file: t.connectionsFile,
    refreshTokenStore: (name, config) => fileRefreshTokenStore(name, config, { waitMs }),
  });
  return connections.get(WEB) as OAuthConnection;
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const failure = await rejectionOf(promise);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

it('the store file holds none of the refresh tokens Okta issued, in clear or base64', async () => {
  await t.authorize(WEB);
  await requestToken(t.connections.get(WEB)!);

  const file = await readFile(storePath, 'utf8');

  const refreshTokens = (await t.controls.tokens()).filter((token) => token.kind === 'refresh_token');
  expect(refreshTokens.length).toBeGreaterThanOrEqual(2);
  for (const { value } of refreshTokens) {
    expect(file).not.toContain(value);
    expect(file).not.toContain(Buffer.from(value).toString('base64'));
  }
});

it('a store encrypted with another key fails with OktaConnectionMisconfigured saying to restore the key or authorise again', async () => {
  await t.authorize(WEB);
  const json = JSON.parse(await readFile(t.connectionsFile, 'utf8')) as {
    connections: Record<string, { grant: { refreshTokenStore: { encryptionKey: unknown } } }>;
  };
  json.connections[WEB]!.grant.refreshTokenStore.encryptionKey = { env: 'OTHER_STORE_KEY' };
  const wrongKey = randomBytes(32).toString('base64');
  const connections = await parseConnections(json, { baseDir: t.dir, env: { OTHER_STORE_KEY: wrongKey } });

  const failure = await failureOf(requestToken(connections.get(WEB)!));

  expect(failure.type).toBe(OktaErrorType.OktaConnectionMisconfigured);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain(storePath);
  expect(failure.message).toContain('env OTHER_STORE_KEY');
  expect(failure.message).toContain('restore the original key');
  expect(failure.message).toContain(`temporal-okta connections authorize ${WEB}`);
  expect(failure.message).not.toContain(wrongKey);
});

it('a refresh waits for the lock another process holds, and past the wait fails with a retryable OktaRefreshTokenStoreFailed naming the lock', async () => {
  await t.authorize(WEB);
  const connection = await workerWaitingAtMost(300);
  // A live lock of another process: a fresh lock directory beside the store.
  await mkdir(lockPath);

  const started = Date.now();
  const failure = await failureOf(requestToken(connection));

  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  expect(failure.type).toBe(OktaErrorType.OktaRefreshTokenStoreFailed);
  expect(failure.nonRetryable).toBe(false);
  expect(failure.message).toContain(lockPath);
  expect(failure.message).toContain(`connection "${WEB}"`);
  // The lock stays the other process's.
  expect((await stat(lockPath)).isDirectory()).toBe(true);
});

it('a lock left by a crashed process is taken over once it is stale', async () => {
  await t.authorize(WEB);
  const connection = await workerWaitingAtMost(300);
  await mkdir(lockPath);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  await utimes(lockPath, aMinuteAgo, aMinuteAgo);

  const token = await requestToken(connection);

  expect(token.tokenType).toBe('Bearer');
  await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
});

it('authorising writes the refresh token under the same lock as refreshes', async () => {
  const connections = await loadConnections({
    file: t.connectionsFile,
    refreshTokenStore: (name, config) => fileRefreshTokenStore(name, config, { waitMs: 300 }),
  });
  await mkdir(lockPath);

  const failure = await failureOf(t.authorize(WEB, connections));

  expect(failure.type).toBe(OktaErrorType.OktaRefreshTokenStoreFailed);
  expect(failure.message).toContain(lockPath);
});
