import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticate } from 'temporal-okta-emulator/auth/authenticate';
import { createManagementApi, type ManagementBehaviour } from 'temporal-okta-emulator/management/index';
import {
  createRateLimiter,
  type RateLimitFamily,
  type RateLimiter,
} from 'temporal-okta-emulator/rate-limits';
import { openStore, type OrgStore } from 'temporal-okta-emulator/store';
import { EventHooks } from 'temporal-okta-emulator/event-hooks';
import { SystemLog } from 'temporal-okta-emulator/system-log';

/** The org domain the harness sends as `Host`, so links must be built from it. */
export const ORG_HOST = 'companyabc.okta.com';
export const ORG_ORIGIN = `https://${ORG_HOST}`;

/** Test tokens of the stub authenticator (a stand-in for the emulator's real one). */
export const TOKENS = {
  ssws: 'SSWS test-api-token',
  manage: 'Bearer manage-token',
  readOnly: 'Bearer read-only-token',
  usersOnly: 'Bearer users-only-token',
} as const;

const stubAuthenticate: Authenticate = async (req) => {
  switch (req.headers.authorization) {
    case TOKENS.ssws:
      return { kind: 'ssws', scopes: [] };
    case TOKENS.manage:
      return { kind: 'oauth', clientId: 'test-client', scopes: ['okta.users.manage', 'okta.groups.manage'] };
    case TOKENS.readOnly:
      return { kind: 'oauth', clientId: 'test-client', scopes: ['okta.users.read', 'okta.groups.read'] };
    case TOKENS.usersOnly:
      return { kind: 'oauth', clientId: 'test-client', scopes: ['okta.users.manage'] };
    default:
      return {
        status: 401,
        errorCode: 'E0000011',
        errorSummary: 'Invalid token provided',
        wwwAuthenticate: 'Bearer realm="IdP", error="invalid_token"',
      };
  }
};

export type ApiResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
};

/** The Management API on 127.0.0.1 in this process, with its own store and rate limiter. */
export type Harness = {
  store: OrgStore;
  rateLimits: RateLimiter;
  call(
    method: string,
    pathOrUrl: string,
    options?: { body?: unknown; rawBody?: string; auth?: string },
  ): Promise<ApiResponse>;
  close(): Promise<void>;
};

/**
 * Starts a harness; `users` seeds that many users (0 keeps only the built-in "Everyone" group), `behaviour`
 * picks among Okta's answers where they vary.
 */
export async function startHarness(
  options: {
    users?: number;
    budgets?: Partial<Record<RateLimitFamily, number>>;
    behaviour?: Partial<ManagementBehaviour>;
  } = {},
): Promise<Harness> {
  const store = openStore({
    storage: 'memory',
    ...(options.users ? { seed: { users: options.users } } : {}),
  });
  const rateLimits = createRateLimiter(options.budgets);
  const systemLog = new SystemLog(store);
  const api = createManagementApi({
    store,
    authenticate: stubAuthenticate,
    rateLimits,
    systemLog,
    eventHooks: new EventHooks(ORG_ORIGIN, systemLog),
    behaviour: options.behaviour,
  });
  const server: Server = createServer((req, res) => {
    void api(req, res, new URL(req.url ?? '/', `https://${req.headers.host}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const call: Harness['call'] = (method, pathOrUrl, { body, rawBody, auth = TOKENS.ssws } = {}) => {
    const url = new URL(pathOrUrl, ORG_ORIGIN);
    const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: url.pathname + url.search,
          headers: {
            Host: ORG_HOST,
            Accept: 'application/json',
            Authorization: auth,
            ...(payload !== undefined
              ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text ? (JSON.parse(text) as unknown) : undefined,
            });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${pathOrUrl} timed out`)));
      req.end(payload);
    });
  };

  return {
    store,
    rateLimits,
    call,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}

/** The `rel="next"` URL of a response, if any. Node joins repeated `Link` headers with ", ". */
export function nextLink(headers: ApiResponse['headers']): string | undefined {
  const link = headers.link;
  const text = Array.isArray(link) ? link.join(', ') : (link ?? '');
  return /<([^>]+)>;\s*rel="next"/.exec(text)?.[1];
}

/** The `rel="self"` URL of a response. */
export function selfLink(headers: ApiResponse['headers']): string | undefined {
  const link = headers.link;
  const text = Array.isArray(link) ? link.join(', ') : (link ?? '');
  return /<([^>]+)>;\s*rel="self"/.exec(text)?.[1];
}

/** A valid new-user body. */
export function newUser(login: string, password?: string): Record<string, unknown> {
  const [first = 'Test'] = login.split('@');
  return {
    profile: { login, email: login, firstName: first, lastName: 'Tester' },
    ...(password ? { credentials: { password: { value: password } } } : {}),
  };
}
