import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { startCodecServer } from '../../client/codec-server.js';
import type { CodecServer } from '../../client/codec-server.js';
import { AesGcmPayloadCodec } from '../../worker/codec.js';
import { generateCodecKey } from '../../worker/keys.js';
import { fromWire, keyringOf, payloadOf, profile, toWire } from './helpers.js';
import type { WirePayload } from './helpers.js';

const UI_ORIGIN = 'http://localhost:8233';
const generated = generateCodecKey('server-key');
const keys = keyringOf(generated);
const token = randomBytes(32).toString('base64url');
const codec = new AesGcmPayloadCodec(keys);
let server: CodecServer;

beforeAll(async () => {
  server = await startCodecServer({
    keys,
    auth: { kind: 'token', token },
    logger: { error: () => undefined },
  });
});
afterAll(async () => {
  await server?.close();
});

/** An encrypted profile in the Web UI's wire format. */
async function encryptedProfileAsJson(): Promise<WirePayload> {
  const [encrypted] = await codec.encode([payloadOf(profile)]);
  return toWire(encrypted!);
}

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
    body,
  });
}

const authorised = { Authorization: `Bearer ${token}` };

describe('codec server', () => {
  it('listens on the loopback interface by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('decodes encrypted payloads for an authorised request', async () => {
    const response = await post(
      '/decode',
      JSON.stringify({ payloads: [await encryptedProfileAsJson()] }),
      authorised,
    );

    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: WirePayload[] };
    expect(defaultPayloadConverter.fromPayload(fromWire(payloads[0]!))).toEqual(profile);
  });

  it('encodes payloads the workers can decrypt', async () => {
    const body = JSON.stringify({ payloads: [toWire(payloadOf(profile))] });

    const response = await post('/encode', body, authorised);

    const { payloads } = (await response.json()) as { payloads: WirePayload[] };
    const [decoded] = await codec.decode([fromWire(payloads[0]!)]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(profile);
  });

  it('refuses a request without a bearer token with 401 and returns nothing decrypted', async () => {
    const response = await post('/decode', JSON.stringify({ payloads: [await encryptedProfileAsJson()] }));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.text()).not.toContain(profile.login);
  });

  it('refuses a request with a wrong bearer token with 401', async () => {
    const response = await post('/decode', JSON.stringify({ payloads: [await encryptedProfileAsJson()] }), {
      Authorization: `Bearer ${randomBytes(32).toString('base64url')}`,
    });

    expect(response.status).toBe(401);
  });

  it('refuses a request from an origin that is not allowed with 403, even with the token', async () => {
    const response = await post('/decode', JSON.stringify({ payloads: [await encryptedProfileAsJson()] }), {
      ...authorised,
      Origin: 'https://evil.example',
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from the Web UI origin with CORS headers that allow credentials and its headers', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, X-Namespace',
    );
  });

  it('does not answer a preflight from an origin that is not allowed', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('sends CORS headers on an authorised decode from the Web UI origin', async () => {
    const response = await post('/decode', JSON.stringify({ payloads: [] }), {
      ...authorised,
      Origin: UI_ORIGIN,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('answers a body that is not JSON with 400 and a clear message', async () => {
    const response = await post('/decode', '{"payloads": [', authorised);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('not valid JSON');
  });

  it('answers JSON without a payloads array with 400 naming the field', async () => {
    const response = await post('/decode', JSON.stringify({ payload: [] }), authorised);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('payloads');
  });

  it('refuses a body over the size limit with 413', async () => {
    const small = await startCodecServer({
      keys,
      auth: { kind: 'token', token },
      maxBodyBytes: 1024,
      logger: { error: () => undefined },
    });
    try {
      const response = await fetch(`${small.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authorised },
        body: JSON.stringify({ payloads: [{ data: 'A'.repeat(4096) }] }),
      });

      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('answers a payload of an unknown key with 422 naming the key id and no key material', async () => {
    const other = generateCodecKey('elsewhere');
    const [encrypted] = await new AesGcmPayloadCodec(keyringOf(other)).encode([payloadOf(profile)]);
    const body = JSON.stringify({ payloads: [toWire(encrypted!)] });

    const response = await post('/decode', body, authorised);
    const text = await response.text();

    expect(response.status).toBe(422);
    expect(text).toContain('elsewhere');
    expect(text).not.toContain(other.key);
    expect(text).not.toContain(generated.key);
  });

  it('refuses to start without a token long enough to resist guessing', async () => {
    await expect(startCodecServer({ keys, auth: { kind: 'token', token: 'short' } })).rejects.toThrow(
      'TEMPORAL_OKTA_CODEC_SERVER_TOKEN',
    );
  });
});

describe('codec server without authentication (the demo: a dev server UI with no sign-in, on loopback)', () => {
  it("decodes for the dev UI's origin without any token", async () => {
    const open = await startCodecServer({ keys, auth: { kind: 'none' }, allowedOrigins: [UI_ORIGIN] });
    try {
      const response = await fetch(`${open.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: UI_ORIGIN },
        body: JSON.stringify({ payloads: [await encryptedProfileAsJson()] }),
      });

      expect(response.status).toBe(200);
      const { payloads } = (await response.json()) as { payloads: WirePayload[] };
      expect(defaultPayloadConverter.fromPayload(fromWire(payloads[0]!))).toEqual(profile);
    } finally {
      await open.close();
    }
  });

  it('still refuses a browser request from another origin with 403', async () => {
    const open = await startCodecServer({ keys, auth: { kind: 'none' }, allowedOrigins: [UI_ORIGIN] });
    try {
      const response = await fetch(`${open.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' },
        body: JSON.stringify({ payloads: [await encryptedProfileAsJson()] }),
      });

      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(profile.login);
    } finally {
      await open.close();
    }
  });

  it('refuses to start on an address other machines reach', async () => {
    await expect(startCodecServer({ keys, auth: { kind: 'none' }, host: '0.0.0.0' })).rejects.toThrow(
      'listens on a loopback address only, not 0.0.0.0',
    );
  });
});
