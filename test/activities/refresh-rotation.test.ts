import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  loadConnections,
  type Connection,
  type OAuthConnection,
  type RefreshTokenStoreFactory,
} from '../../activities/connections.js';
import { requestToken } from '../../activities/oauth.js';
import { fileRefreshTokenStore, type RefreshTokenStore } from '../../activities/refresh-token-store.js';
import { OktaErrorType } from '../../common/errors.js';
import { EMULATOR_CONNECTIONS } from 'temporal-okta-emulator/connections';
import { rejectionOf, startConnectTestOrg, type ConnectTestOrg } from '../connect/org.js';

/**
 * Refresh-token rotation with several processes, against the emulator, which rotates the refresh token
 * on every use and, like Okta, revokes the whole chain when a used one comes back.
 */

const WEB = EMULATOR_CONNECTIONS.web;
const TOKEN_ENDPOINT = 'POST /oauth2/v1/token';
const REFRESHES_PER_PROCESS = 25;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const REFRESH_PROCESS = fileURLToPath(new URL('./refresh-process.ts', import.meta.url));

let t: ConnectTestOrg;

beforeAll(async () => {
  t = await startConnectTestOrg();
});
afterAll(async () => {
  await t?.close();
});

/** The connections file loaded again, as another worker process would, with a store of the test's. */
async function connectionWith(
  wrap: (store: RefreshTokenStore) => RefreshTokenStore,
): Promise<OAuthConnection> {
  const factory: RefreshTokenStoreFactory = (name, config) => wrap(fileRefreshTokenStore(name, config));
  return (await loadConnections({ file: t.connectionsFile, refreshTokenStore: factory })).get(
    WEB,
  ) as OAuthConnection;
}

/** The connection as another worker process loads it: its own connection object and file store. */
async function otherWorker(): Promise<Connection> {
  return (await loadConnections({ file: t.connectionsFile })).get(WEB)!;
}

function storeOf(connection: Connection): RefreshTokenStore & { location: string } {
  if (connection.type !== 'oauth2' || connection.grant.type !== 'authorization_code') {
    throw new Error(`${connection.name} has no refresh-token store`);
  }
  return { ...connection.grant.store, location: connection.grant.refreshTokenStore.path };
}

/** The refresh token stored now, read as a worker would. */
async function storedToken(): Promise<string | undefined> {
  return storeOf(await otherWorker()).read();
}

/** `test/activities/refresh-process.ts` in its own OS process. */
function refreshProcess(count: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', REFRESH_PROCESS, t.connectionsFile, WEB, String(count)],
    {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<{ ok: number; failures: string[] }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as { ok: number; failures: string[] });
      else reject(new Error(`refresh process exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
  // An early exit (a crash while loading) must not leave the test waiting for `ready`.
  void result.catch(() => onReady());
  return {
    ready: Promise.race([ready, result.then(() => undefined)]),
    result,
    go: () => child.stdin.end('go\n'),
  };
}

it('two worker processes refreshing one connection many times on one file store never revoke its refresh-token chain', async () => {
  await t.authorize(WEB);
  const processes = [refreshProcess(REFRESHES_PER_PROCESS), refreshProcess(REFRESHES_PER_PROCESS)];
  await Promise.all(processes.map((p) => p.ready));
  await t.controls.clearRequests();
  for (const p of processes) p.go();

  const results = await Promise.all(processes.map((p) => p.result));

  expect(results).toEqual([
    { ok: REFRESHES_PER_PROCESS, failures: [] },
    { ok: REFRESHES_PER_PROCESS, failures: [] },
  ]);
  // One grant per refresh: no process ever had to retry after sending a token the other had used.
  expect((await t.controls.requests()).counts[TOKEN_ENDPOINT]).toBe(2 * REFRESHES_PER_PROCESS);
  // The chain is alive: the token they left behind still refreshes.
  expect((await requestToken(await otherWorker())).tokenType).toBe('Bearer');
});

it('a refresh refused with invalid_grant because another process rotated the token meanwhile retries once with the token stored now', async () => {
  await t.authorize(WEB);
  const other = await otherWorker();
  let raced = false;
  // This worker's store has no lock (a host the file lock does not reach) and, on its first read,
  // lets the other process rotate the token between this read and this worker's grant.
  const racing = await connectionWith((file) => ({
    location: file.location,
    compareAndSwap: (expected, next) => file.compareAndSwap(expected, next),
    async read() {
      const token = await file.read();
      if (!raced) {
        raced = true;
        await requestToken(other);
        // Okta refuses the token the other process used. The emulator would also revoke the chain
        // (reuse detection), which no client can recover from; the lock prevents that case. Here
        // Okta's answer alone stands in for it.
        await t.controls.addFault({
          pathPrefix: '/oauth2/v1/token',
          status: 400,
          body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' },
          count: 1,
        });
      }
      return token;
    },
  }));

  const token = await requestToken(racing);

  expect(raced).toBe(true);
  expect(token.tokenType).toBe('Bearer');
  // It stored its rotation: the other process refreshes from where this one left off.
  expect((await requestToken(other)).tokenType).toBe('Bearer');
});

it('a rotated refresh token the store cannot write fails with a retryable OktaRefreshTokenStoreFailed naming the store, without any token', async () => {
  await t.authorize(WEB);
  const stored = await storedToken();
  let rotated: string | undefined;
  const refusing = await connectionWith((file) => ({
    ...file,
    async compareAndSwap(_expected, next) {
      rotated = next;
      throw Object.assign(new Error(`EACCES: permission denied, open '${file.location}'`), {
        code: 'EACCES',
        errno: -13,
        syscall: 'open',
      });
    },
  }));

  const failure = await rejectionOf(requestToken(refusing));

  expect(failure).toBeInstanceOf(ApplicationFailure);
  const { type, nonRetryable, message } = failure as ApplicationFailure;
  expect({ type, nonRetryable }).toEqual({
    type: OktaErrorType.OktaRefreshTokenStoreFailed,
    nonRetryable: false,
  });
  expect(message).toContain(`"${WEB}"`);
  expect(message).toContain(storeOf(refusing).location);
  expect(message).toContain('in memory');
  expect(message).toContain('EACCES');
  const everything = JSON.stringify({ message, cause: String((failure as Error).cause), failure });
  expect(rotated).toBeDefined();
  for (const secret of [stored!, rotated!]) expect(everything).not.toContain(secret);
});

it('after the store refused a rotated refresh token, the next refresh writes it first and refreshes with it', async () => {
  await t.authorize(WEB);
  const swaps: { expected: string | undefined; next: string; ok: boolean }[] = [];
  let refuse = true;
  const flaky = await connectionWith((file) => ({
    ...file,
    async compareAndSwap(expected, next) {
      if (refuse) {
        refuse = false;
        swaps.push({ expected, next, ok: false });
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      const ok = await file.compareAndSwap(expected, next);
      swaps.push({ expected, next, ok });
      return ok;
    },
  }));
  await rejectionOf(requestToken(flaky));

  const token = await requestToken(flaky);

  expect(token.tokenType).toBe('Bearer');
  const [refused, retried, rotatedAgain] = swaps;
  expect(swaps).toHaveLength(3);
  // The kept token replaced the stored one, then was the token refreshed (and rotated) itself.
  expect(retried).toEqual({ expected: refused!.expected, next: refused!.next, ok: true });
  expect(rotatedAgain!.expected).toBe(refused!.next);
  expect(rotatedAgain!.ok).toBe(true);
  // And the store holds a live token: another process refreshes with it.
  expect(await storedToken()).toBe(rotatedAgain!.next);
  expect((await requestToken(await otherWorker())).tokenType).toBe('Bearer');
});
