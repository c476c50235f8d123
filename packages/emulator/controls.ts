import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AuthState } from './auth/adapter.js';
import { safeEqual } from './auth/authenticate.js';
import type { ResourceServerNonces } from './auth/dpop-nonces.js';
import { FaultSpecSchema, type FaultInjector } from './faults.js';
import { readBody, sendJson } from './http.js';
import type { RateLimiter, RateLimitFamily } from './rate-limits.js';
import type { RequestLog } from './request-log.js';
import type { SeedOptions } from './seed.js';
import type { OrgStore } from './store.js';

/** Path prefix of the test controls. */
export const CONTROLS_PATH = '/__emulator/';

const SeedBodySchema = z.object({
  users: z.number().int().min(0).max(100_000).optional(),
  randomSeed: z.number().int().optional(),
});

const ResetBodySchema = z.object({ empty: z.boolean().optional() });

const RateLimitsBodySchema = z.record(z.string(), z.number().int().min(0));

const DpopNonceBodySchema = z.strictObject({
  rotateAfterSeconds: z.number().positive().optional(),
  rotateAfterRequests: z.number().int().min(1).optional(),
  requireNonce: z.boolean().optional(),
});

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Serves the test-only controls under `/__emulator/`, all behind `Authorization: Bearer <adminSecret>`:
 *
 * - `POST reset` `{ empty? }`: the org as it started (its start seed, same ids, or empty when it started
 *   empty; `{ "empty": true }` for only "Everyone"), with no tokens, faults, request log or rate-limit
 *   windows, and the DPoP nonce settings it started with.
 * - `POST seed` `{ users?, randomSeed? }`: replace the org's users and groups with the seed.
 * - `POST faults` (see `FaultSpecSchema`), `GET faults`, `DELETE faults`.
 * - `PUT rate-limits` `{ family: budget }`: change rate-limit budgets.
 * - `PUT dpop-nonce` `{ rotateAfterSeconds?, rotateAfterRequests?, requireNonce? }`: how the Management
 *   API rotates its DPoP nonce (omitted: the default; a new nonce follows at once); `POST
 *   dpop-nonce/rotate`: a new nonce now,
 *   so the next proof with the old one gets 401 `use_dpop_nonce`.
 * - `GET tokens`: every access and refresh token issued (for secret-leak audits).
 * - `POST revoke-tokens`: revokes every access token issued so far (the next API call with one gets 401
 *   `E0000011`); answers `{ revoked }`, how many it revoked.
 * - `GET requests`: the request log with counts per endpoint; `DELETE requests` clears it.
 */
export function createControls(deps: {
  adminSecret: string;
  store: OrgStore;
  /** The seed the org started with; `POST reset` restores it. Undefined: the org started empty. */
  startSeed?: SeedOptions;
  authState: AuthState;
  faults: FaultInjector;
  requestLog: RequestLog;
  rateLimits: RateLimiter;
  dpopNonces: ResourceServerNonces;
}): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    if (!safeEqual(req.headers.authorization ?? '', `Bearer ${deps.adminSecret}`)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="emulator controls"');
      return reply(res, 401, {
        error: 'unauthorized',
        message: 'The controls need Authorization: Bearer <adminSecret> from org.json.',
      });
    }
    const route = `${req.method} ${url.pathname.slice(CONTROLS_PATH.length)}`;
    try {
      switch (route) {
        case 'POST reset': {
          const { empty } = ResetBodySchema.parse(await readJson(req));
          if (empty || !deps.startSeed) deps.store.reset();
          else deps.store.seed(deps.startSeed);
          deps.authState.clear();
          deps.faults.clear();
          deps.requestLog.clear();
          deps.rateLimits.reset();
          deps.dpopNonces.reset();
          return reply(res, 200, { counts: deps.store.counts() });
        }
        case 'POST seed': {
          const body = SeedBodySchema.parse(await readJson(req));
          deps.store.seed(body);
          return reply(res, 200, { counts: deps.store.counts() });
        }
        case 'POST faults':
          return reply(res, 201, deps.faults.add(FaultSpecSchema.parse(await readJson(req))));
        case 'GET faults':
          return reply(res, 200, { faults: deps.faults.list() });
        case 'DELETE faults':
          deps.faults.clear();
          return sendNoContent(res);
        case 'PUT rate-limits':
          deps.rateLimits.configure(
            RateLimitsBodySchema.parse(await readJson(req)) as Partial<Record<RateLimitFamily, number>>,
          );
          return reply(res, 200, { budgets: deps.rateLimits.budgets });
        case 'PUT dpop-nonce':
          deps.dpopNonces.configure(DpopNonceBodySchema.parse(await readJson(req)));
          return reply(res, 200, { settings: deps.dpopNonces.settings });
        case 'POST dpop-nonce/rotate':
          deps.dpopNonces.rotate();
          return sendNoContent(res);
        case 'GET tokens':
          return reply(res, 200, { tokens: deps.authState.issuedTokens() });
        case 'POST revoke-tokens':
          return reply(res, 200, { revoked: deps.authState.revokeAccessTokens() });
        case 'GET requests':
          return reply(res, 200, {
            requests: deps.requestLog.entries(),
            counts: deps.requestLog.counts(),
          });
        case 'DELETE requests':
          deps.requestLog.clear();
          return sendNoContent(res);
        default:
          return reply(res, 404, { error: 'not_found', message: `No emulator control "${route}"` });
      }
    } catch (err) {
      const message =
        err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
      return reply(res, 400, { error: 'bad_request', message });
    }
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === undefined) throw new Error('request body too large');
  const text = raw.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('request body is not JSON');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, { 'Cache-Control': 'no-store' });
}

function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
