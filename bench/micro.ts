/** Micro-benchmarks: what encrypting payloads costs, and what the per-process token cache saves. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { findConnection } from '../activities/connect.js';
import { loadConnections } from '../activities/connections.js';
import { requestToken } from '../activities/oauth.js';
import { protectedRequest } from '../activities/protected-request.js';
import { createTokenCache } from '../activities/token-cache.js';
import { EMULATOR_CONNECTIONS, writeEmulatorConnections } from 'temporal-okta-emulator/connections';
import { startTestOrg } from 'temporal-okta-emulator/testing';
import { AesGcmPayloadCodec } from '../worker/codec.js';
import { parseCodecKeys, generateCodecKey } from '../worker/keys.js';
import { sideBySide, type Measured } from './measure.js';

/** A realistic Okta user, as actions pass them through history. */
function user(i: number) {
  return {
    id: `00u${String(i).padStart(17, '0')}`,
    status: 'ACTIVE',
    created: '2026-01-05T09:00:00.000Z',
    activated: '2026-01-05T09:00:01.000Z',
    statusChanged: '2026-01-05T09:00:01.000Z',
    lastLogin: null,
    lastUpdated: '2026-01-05T09:00:01.000Z',
    passwordChanged: null,
    profile: {
      login: `user${i}@example.com`,
      email: `user${i}@example.com`,
      firstName: 'Ada',
      lastName: `Lovelace ${i}`,
      department: 'Engineering',
      title: 'Software Engineer',
      mobilePhone: '+44 20 7946 0958',
    },
  };
}

export async function codecBenchmark(): Promise<Measured> {
  const key = generateCodecKey('bench');
  const codec = new AesGcmPayloadCodec(parseCodecKeys(`${key.id}:${key.key}`));
  const page = Array.from({ length: 200 }, (_, i) => user(i)); // one page of users
  const payloads: Payload[] = Array.from({ length: 50 }, () => defaultPayloadConverter.toPayload(page));
  return sideBySide(
    'codec: 50 payloads of one 200-user page, convert + encrypt + decrypt + parse',
    30,
    [
      'JSON + AES-256-GCM codec',
      async () => {
        const decoded = await codec.decode(
          await codec.encode(
            payloads.map((p) => defaultPayloadConverter.toPayload(defaultPayloadConverter.fromPayload(p))),
          ),
        );
        decoded.forEach((p) => defaultPayloadConverter.fromPayload(p));
      },
    ],
    [
      'JSON only (no codec)',
      async () => {
        payloads
          .map((p) => defaultPayloadConverter.toPayload(defaultPayloadConverter.fromPayload(p)))
          .forEach((p) => defaultPayloadConverter.fromPayload(p));
      },
    ],
    'the cost of encrypting personal data in history',
  );
}

export async function tokenCacheBenchmark(): Promise<Measured> {
  const t = await startTestOrg({ seedUsers: 5 });
  const dir = await mkdtemp(join(tmpdir(), 'okta-bench-'));
  try {
    const connections = await loadConnections({ file: await writeEmulatorConnections(t.org, dir) });
    const connection = findConnection(connections, EMULATOR_CONNECTIONS.service);
    const tokens = createTokenCache();
    const url = new URL(`https://${t.org.domain}/api/v1/users?limit=1`);
    const calls = 10;
    return await sideBySide(
      `token cache: ${calls} Management API calls of one session over TLS to the emulator`,
      10,
      [
        'cached token (one token request per session)',
        async () => {
          for (let i = 0; i < calls; i++) {
            const token = await tokens.get(connection, () => requestToken(connection));
            await (await protectedRequest(connection, token, { method: 'GET', url })).arrayBuffer();
          }
        },
      ],
      [
        'a new token for every call',
        async () => {
          for (let i = 0; i < calls; i++) {
            const token = await requestToken(connection);
            await (await protectedRequest(connection, token, { method: 'GET', url })).arrayBuffer();
          }
        },
      ],
      'what the per-process token cache saves',
    );
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
}
