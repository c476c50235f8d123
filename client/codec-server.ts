import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { AesGcmPayloadCodec } from '../worker/codec.js';
import { CodecError, CodecErrorCode } from '../worker/keys.js';
import type { CodecKeyring } from '../worker/keys.js';
import { createAccessCheck } from './codec-server-auth.js';
import type { CodecServerAuth } from './codec-server-auth.js';

export { CODEC_SERVER_TOKEN_ENV } from './codec-server-auth.js';
export type { CodecServerAuth, CodecServerOidcAuth } from './codec-server-auth.js';

/** The origins of a local Temporal Web UI (`temporal server start-dev`). */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:8233', 'http://127.0.0.1:8233'];

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';
const ALLOWED_METHODS = 'POST, OPTIONS';
const ROUTES = ['/encode', '/decode'] as const;
type Route = (typeof ROUTES)[number];

/** Options of {@link startCodecServer}. */
export interface CodecServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /** The same keys the workers and clients use. */
  keys: CodecKeyring;
  /** Browser origins allowed to call the server (the Web UI's origin); requests from any other origin get 403. */
  allowedOrigins?: readonly string[];
  /** Who may encode and decode: the Web UI user's OIDC access token, a static bearer token, or nobody checked on loopback. */
  auth: CodecServerAuth;
  /** A certificate and its private key (PEM): the server then speaks HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest accepted request body, in bytes (16 MiB by default). */
  maxBodyBytes?: number;
  /** Where unexpected errors are reported; `console` by default. Never receives key material or payloads. */
  logger?: { error(message: string): void };
}

/** A running codec server, from {@link startCodecServer}. */
export interface CodecServer {
  /** The server's base URL, e.g. `http://127.0.0.1:8888`: the Web UI's codec endpoint. */
  readonly url: string;
  /** Stops accepting requests and closes open connections. */
  close(): Promise<void>;
}

/**
 * The codec server protocol's payload: protobuf JSON, so `data` and every metadata value are base64.
 * The Web UI posts `{ payloads: JSONPayload[] }` to `/decode` (and `/encode`) with an `X-Namespace` header.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });
const jsonPayloadSchema = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});
const bodySchema = z.object({
  payloads: z.array(jsonPayloadSchema, { error: '"payloads" must be an array' }),
});
type JSONPayload = z.infer<typeof jsonPayloadSchema>;

function fromJSON({ metadata, data }: JSONPayload): Payload {
  return {
    metadata: metadata
      ? Object.fromEntries(
          Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
        )
      : {},
    data: data != null ? Buffer.from(data, 'base64') : undefined,
  };
}

function toJSON({ metadata, data }: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Whether `host` is an address only this machine reaches. */
function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `Request body is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `Request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer): JSONPayload[] {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(
      400,
      'Request body is not valid JSON; expected { "payloads": [{ "metadata": {...}, "data": "base64" }] }.',
    );
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    );
    throw new HttpError(400, `Request body is not a codec request (${problems.join('; ')}).`);
  }
  return parsed.data.payloads;
}

/**
 * Starts a codec server for the Temporal Web UI: `POST /decode` and `POST /encode` take and return
 * `{ payloads: [...] }` (protobuf JSON, base64 `data` and metadata values) and run them through the same
 * {@link AesGcmPayloadCodec} as the workers.
 *
 * Who may call it is {@link CodecServerOptions.auth}: in production the Web UI user's OIDC access token
 * (the UI's "pass access token"), verified against the issuer's keys, the audience and the allowed users or
 * groups (401 for a missing or invalid token, 403 for a user who is not allowed). Browser requests are only
 * answered for `allowedOrigins` (403 otherwise), with CORS headers. Responses are never cached. Tokens are
 * never logged.
 *
 * @example
 * const server = await startCodecServer({
 *   keys,
 *   host: '0.0.0.0',
 *   tls: { cert, key },
 *   allowedOrigins: ['https://temporal.companyabc.com'],
 *   auth: { kind: 'oidc', issuer: 'https://companyabc.okta.com/oauth2/default', audience: 'api://temporal-ui', allowedGroups: ['temporal-admins'] },
 * });
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const {
    port = 0,
    host = '127.0.0.1',
    keys,
    allowedOrigins = DEFAULT_ALLOWED_ORIGINS,
    auth,
    tls,
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    logger = console,
  } = options;
  if (auth.kind === 'none' && !isLoopback(host)) {
    throw new Error(
      `A codec server without authentication listens on a loopback address only, not ${host}: give it an OIDC issuer (or a token).`,
    );
  }
  const checkAccess = await createAccessCheck(auth);
  const codec = new AesGcmPayloadCodec(keys);
  const origins = new Set(allowedOrigins);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!origins.has(origin))
        throw new HttpError(403, 'This origin is not allowed to use the codec server.');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    const path = new URL(req.url ?? '/', 'http://codec-server').pathname;
    if (!(ROUTES as readonly string[]).includes(path))
      throw new HttpError(404, 'Not found: use POST /decode or POST /encode.');
    if (req.method === 'OPTIONS') {
      // A preflight never carries credentials, so it is answered without the token, but only for allowed origins.
      if (origin === undefined) throw new HttpError(403, 'A CORS preflight needs an allowed Origin.');
      res.writeHead(204, {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, `Use POST ${path}.`, { Allow: ALLOWED_METHODS });
    const access = await checkAccess(req.headers.authorization);
    if (!access.allowed) {
      throw new HttpError(
        access.status,
        access.reason,
        access.challenge ? { 'WWW-Authenticate': access.challenge } : {},
      );
    }
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
      throw new HttpError(415, 'Send the request body as application/json.');
    }
    const payloads = parseBody(await readBody(req, maxBodyBytes)).map(fromJSON);
    let result: Payload[];
    try {
      result = (path as Route) === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
    } catch (error) {
      // Codec errors name a key id at most, never key material: they tell the operator what to configure.
      if (error instanceof CodecError && error.code !== CodecErrorCode.InvalidKeyConfig) {
        throw new HttpError(422, error.message);
      }
      throw error;
    }
    sendJson(res, 200, { payloads: result.map(toJSON) });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Vary', 'Origin');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
        // Stop reading a body we refuse; the client sees the answer, then the connection closes.
        if (!req.complete) res.setHeader('Connection', 'close');
        sendJson(res, error.status, { error: error.message });
        return;
      }
      logger.error(
        `Codec server: unexpected ${error instanceof Error ? error.name : 'error'} on ${req.method} ${req.url}`,
      );
      sendJson(res, 500, { error: 'Internal error in the codec server.' });
    });
  };
  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${tls ? 'https' : 'http'}://${hostForUrl}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
