import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sendJson } from './http.js';
import { forbidden, internalError, oktaErrorBody, rateLimited } from './okta-errors.js';

/**
 * What a test asks the emulator to do to matching requests (`POST /__emulator/faults`): wait
 * `latencyMs`, then either drop the connection, answer with `status`, serve the request and drop the
 * connection instead of answering (`dropResponse`), or carry on normally.
 */
export const FaultSpecSchema = z
  .object({
    /** Requests whose path starts with this prefix match, e.g. `/oauth2/v1/token` or `/api/v1/users`. */
    pathPrefix: z.string().startsWith('/'),
    /** Only this HTTP method matches; any method when absent. */
    method: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .transform((m) => m.toUpperCase())
      .optional(),
    status: z.number().int().min(100).max(599).optional(),
    /** Response body for `status`; an Okta-like error body when absent. */
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    /** Destroy the TCP connection without an HTTP response, before the request is served. */
    drop: z.boolean().optional(),
    /**
     * Serve the request (the org acts on it: a create creates), then destroy the TCP connection instead of
     * sending the response: a response lost after the fact, which a retry-safe client must survive.
     */
    dropResponse: z.boolean().optional(),
    /** Fire for the next N matching requests only; for every matching request when absent. */
    count: z.number().int().positive().optional(),
    /** Fire for this fraction of matching requests (0..1); always when absent. */
    fraction: z.number().min(0).max(1).optional(),
  })
  .refine(
    (f) => f.status !== undefined || f.latencyMs !== undefined || f.drop === true || f.dropResponse === true,
    { message: 'a fault needs at least one of status, latencyMs, drop or dropResponse' },
  )
  .refine(
    (f) => [f.drop === true, f.dropResponse === true, f.status !== undefined].filter(Boolean).length <= 1,
    {
      message: 'drop, dropResponse and status exclude each other',
    },
  );

export type FaultSpec = z.infer<typeof FaultSpecSchema>;
/** A fault as a test writes it (before validation). */
export type FaultSpecInput = z.input<typeof FaultSpecSchema>;

/** An installed fault, as listed by `GET /__emulator/faults`. */
export type Fault = FaultSpec & { id: string; fired: number };

/** The faults installed on one emulator, matched in the order they were added. */
export class FaultInjector {
  readonly #faults: Fault[] = [];
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Installs a fault (already validated with {@link FaultSpecSchema}). */
  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: randomUUID(), fired: 0 };
    this.#faults.push(fault);
    return { ...fault };
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** The fault to apply to this request, if any; counts it as fired and retires exhausted faults. */
  take(method: string, path: string): Fault | undefined {
    for (const [i, fault] of this.#faults.entries()) {
      if (!path.startsWith(fault.pathPrefix)) continue;
      if (fault.method && fault.method !== method.toUpperCase()) continue;
      if (fault.fraction !== undefined && !(this.#random() < fault.fraction)) continue;
      fault.fired += 1;
      if (fault.count !== undefined && fault.fired >= fault.count) this.#faults.splice(i, 1);
      return { ...fault };
    }
    return undefined;
  }
}

/**
 * Applies a fault to a request. Returns true when the fault answered (or dropped) the request, false
 * when the request should be served normally (after a latency, or with its response to be lost).
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (fault.latencyMs) await sleep(fault.latencyMs);
  if (fault.drop) {
    req.socket.destroy();
    return true;
  }
  if (fault.dropResponse) {
    loseResponse(req, res);
    return false;
  }
  if (fault.status === undefined) return false;
  const body = fault.body !== undefined ? fault.body : defaultBody(fault.status, path);
  sendJson(res, fault.status, body, fault.headers);
  return true;
}

/**
 * Makes the response of a request that is still to be served vanish: nothing the handler writes leaves
 * the server, and once the handler ends its answer (after it acted) the connection is destroyed.
 */
function loseResponse(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead = (() => res) as ServerResponse['writeHead'];
  res.write = (() => true) as ServerResponse['write'];
  res.end = (() => {
    req.socket.destroy();
    return res;
  }) as ServerResponse['end'];
}

function defaultBody(status: number, path: string): unknown {
  if (path.startsWith('/oauth2/')) {
    return status === 429
      ? { error: 'too_many_requests', error_description: 'Too many requests.' }
      : {
          error: 'server_error',
          error_description: 'The authorization server encountered an unexpected error.',
        };
  }
  switch (status) {
    case 429:
      return rateLimited().toBody();
    case 401:
      return oktaErrorBody('E0000011', 'Invalid token provided');
    case 403:
      return forbidden().toBody();
    case 404:
      return oktaErrorBody('E0000007', `Not found: Resource not found: ${path} (resource)`);
    default:
      return internalError().toBody();
  }
}
