import * as tls from 'node:tls';
import { Agent, buildConnector } from 'undici';

/**
 * How a client reaches the emulated org under its real domain: the emulator's CA (PEM) and the loopback
 * address that the org domain's connections go to. The same shape as temporal-okta's `TransportOptions`,
 * so `createFetch(await orgTransport(org))` there works too.
 */
export interface OrgTransport {
  ca: string;
  /** `{ 'companyabc.okta.com': '127.0.0.1:8443' }`: that host's connections go to the given address. */
  connectTo: Record<string, string>;
}

export type Fetch = typeof globalThis.fetch;

/**
 * A `fetch` for talking to the emulator: it trusts the emulator's CA only and sends the org domain's
 * connections to the emulator's port, while SNI, the Host header and certificate checks stay those of the
 * org domain (like curl's `--resolve`). Other hosts are reached directly, trusting the emulator's CA only.
 *
 * @example
 * const fetch = createOrgFetch(await orgTransport(await readOrg('.emulator/org.json')));
 * await fetch('https://companyabc.okta.com/.well-known/openid-configuration');
 */
export function createOrgFetch(transport: OrgTransport): Fetch {
  const targets = new Map(Object.entries(transport.connectTo).map(([host, to]) => [host.toLowerCase(), to]));
  // One TLS context for every connection: building one per connection costs milliseconds of CPU each.
  const connector = buildConnector({ secureContext: tls.createSecureContext({ ca: transport.ca }) });
  const agent = new Agent({
    connect: (opts, callback) => {
      const target = targets.get(opts.hostname.toLowerCase());
      if (!target) return connector(opts, callback);
      const { hostname, port } = new URL(`https://${target}`);
      return connector(
        {
          ...opts,
          hostname: hostname.replace(/^\[|\]$/g, ''),
          port: port || '443',
          servername: opts.hostname,
        },
        callback,
      );
    },
  });
  return (input, init) => globalThis.fetch(input, { ...init, dispatcher: agent } as RequestInit);
}
