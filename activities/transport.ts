import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { Agent, buildConnector } from 'undici';

/**
 * How the project's HTTP layer reaches an Okta org.
 *
 * In production both fields are left out and requests go through Node's `fetch`, trusting Node's CA
 * store: the Mozilla CA list bundled with Node, plus `NODE_EXTRA_CA_CERTS`, plus the operating system's
 * store when Node runs with `--use-system-ca` (Node 22.15+). For development against the local emulator
 * they let the *real* org domain stay in every URL, issuer and Host header while the TCP connection goes
 * to a loopback port, in the spirit of curl's `--resolve`: TLS still sends the org domain as SNI and
 * checks the certificate against it.
 */
export interface TransportOptions {
  /** Extra trusted CA certificates (PEM), added to Node's CA store, e.g. the emulator's local CA. */
  ca?: string | string[];
  /**
   * Development only: `{ 'companyabc.okta.com': '127.0.0.1:8443' }` sends that host's connections to
   * the given address. SNI, the Host header and certificate checks stay those of the org domain.
   */
  connectTo?: Record<string, string>;
}

export type Fetch = typeof globalThis.fetch;

/** Parses `host:port` (IPv6 in brackets) into its parts, with a clear error otherwise. */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new TypeError(`"${value}" is not an address of the form host:port (for example 127.0.0.1:8443)`);
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * The CA certificates Node's TLS clients trust by default in this process. Passing `ca` to a connection
 * replaces that set, so an extra CA goes on top of it. `tls.getCACertificates('default')` (Node 22.15+,
 * 23.5+) includes the OS store under `--use-system-ca` and `NODE_EXTRA_CA_CERTS`; older Node trusts the
 * bundled Mozilla list (`tls.rootCertificates`) plus the `NODE_EXTRA_CA_CERTS` file.
 */
function defaultCaCertificates(): string[] {
  const { getCACertificates } = tls as { getCACertificates?: (type: 'default') => string[] };
  if (typeof getCACertificates === 'function') return getCACertificates('default');
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  let extra: string[] = [];
  try {
    if (extraFile) extra = [readFileSync(extraFile, 'utf8')];
  } catch {
    // Node warned about the unreadable file when it started, and trusts the bundled list alone.
  }
  return [...tls.rootCertificates, ...extra];
}

/**
 * Returns a `fetch` honouring {@link TransportOptions}. With no options it is the global `fetch`, so
 * production requests take exactly Node's default path.
 */
export function createFetch(options: TransportOptions = {}): Fetch {
  const targets = new Map(
    Object.entries(options.connectTo ?? {}).map(([host, to]) => [host.toLowerCase(), parseHostPort(to)]),
  );
  const extraCa = options.ca === undefined ? [] : [options.ca].flat();
  if (targets.size === 0 && extraCa.length === 0) return globalThis.fetch;

  // One secure context for every connection: a `ca` list given per connection is parsed again on each
  // TLS handshake (the whole default CA set), which costs tens of milliseconds of CPU per connection.
  const connector = buildConnector(
    extraCa.length
      ? { secureContext: tls.createSecureContext({ ca: [...defaultCaCertificates(), ...extraCa] }) }
      : {},
  );
  const agent = new Agent({
    connect: (opts, callback) => {
      const target = targets.get(opts.hostname.toLowerCase());
      if (!target) return connector(opts, callback);
      // Keep the org domain for SNI and certificate checks; only the socket address changes.
      return connector(
        { ...opts, hostname: target.host, port: String(target.port), servername: opts.hostname },
        callback,
      );
    },
  });
  const fetchVia: Fetch = (input, init) =>
    globalThis.fetch(input, { ...init, dispatcher: agent } as RequestInit);
  return fetchVia;
}
