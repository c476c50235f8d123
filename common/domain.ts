/**
 * Okta org domain rules (docs/ARCHITECTURE.md §2).
 *
 * Pure and deterministic, with no Node built-ins: workflows validate Connect's input with it before
 * scheduling anything, and activities and the connections loader use the same rules.
 */

/** Okta's own domains: any subdomain of these is an org domain accepted without extra configuration. */
export const OKTA_DOMAIN_SUFFIXES = [
  'okta.com',
  'oktapreview.com',
  'okta-emea.com',
  'okta-gov.com',
  'okta.mil',
  'okta-miltest.com',
  'trex-gov.com',
] as const;

/** Why a domain was rejected: stable strings, for tests and for callers that branch on the cause. */
export const OktaDomainErrorReason = {
  empty: 'empty',
  scheme: 'scheme',
  userInfo: 'userInfo',
  port: 'port',
  path: 'path',
  query: 'query',
  fragment: 'fragment',
  ipAddress: 'ipAddress',
  wildcard: 'wildcard',
  adminConsole: 'adminConsole',
  doubledSuffix: 'doubledSuffix',
  invalidHostname: 'invalidHostname',
  oktaApex: 'oktaApex',
  undeclaredCustomDomain: 'undeclaredCustomDomain',
} as const;
/** One of {@link OktaDomainErrorReason}'s values. */
export type OktaDomainErrorReason = (typeof OktaDomainErrorReason)[keyof typeof OktaDomainErrorReason];

/**
 * A domain that is not an acceptable Okta org domain. The message says what is wrong and what to enter
 * instead; `suggestion`, when present, is the domain to enter. Messages never repeat user info, queries
 * or fragments, which may hold credentials or codes.
 *
 * Thrown by {@link parseOktaDomain}. Connect reports it as an `OktaInvalidDomain` failure, which is not
 * retried; the connections loader reports it as a problem of the connection's `domain`.
 */
export class OktaDomainError extends Error {
  /** Always `OktaDomainError`. */
  override readonly name = 'OktaDomainError';
  constructor(
    /** Why the domain was rejected. */
    readonly reason: OktaDomainErrorReason,
    message: string,
    /** The domain to enter instead, when there is one. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** Options of {@link parseOktaDomain}. */
export interface ParseOktaDomainOptions {
  /**
   * Hosts that are not Okta domains but are accepted anyway: a connection's declared custom domain (or
   * the local emulator's domain). Compared after normalisation.
   */
  customDomains?: readonly string[];
}

const EXAMPLE = 'companyabc.okta.com';
const MAX_ECHO = 80;

/** Quotes user input for a message, shortened so a pasted blob cannot flood logs. */
function quote(value: string): string {
  const shown = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
  return JSON.stringify(shown);
}

function isOktaHost(host: string): boolean {
  return OKTA_DOMAIN_SUFFIXES.some((suffix) => host.endsWith(`.${suffix}`));
}

/** The Okta suffix a host is the apex of or a subdomain of, if any. */
function oktaSuffixOf(host: string): string | undefined {
  return OKTA_DOMAIN_SUFFIXES.find((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns a suggestion only when it would itself be accepted. */
function suggest(host: string, options: ParseOktaDomainOptions): string | undefined {
  try {
    return parseOktaDomain(host, options);
  } catch {
    return undefined;
  }
}

function instead(suggestion: string | undefined): string {
  return suggestion
    ? `Enter ${quote(suggestion)} instead.`
    : `Enter only the org's host, for example ${quote(EXAMPLE)}.`;
}

/**
 * Validates and normalises an Okta org domain as typed by a user ("Domain URL").
 *
 * Tolerates an `https://` prefix, a trailing slash, surrounding whitespace and upper case; returns the
 * lowercase host. Rejects other schemes, user info, ports, paths, queries, fragments, IP addresses,
 * wildcards, the admin console host (`acme-admin.okta.com`), doubled suffixes (`.com.com`) and invalid DNS
 * names. Subdomains of Okta's own domains ({@link OKTA_DOMAIN_SUFFIXES}) are accepted; any other host only
 * when listed in `options.customDomains`.
 *
 * @throws {OktaDomainError} with a message saying what is wrong and what to enter instead.
 * @example
 * parseOktaDomain('https://CompanyABC.okta.com/'); // 'companyabc.okta.com'
 * parseOktaDomain('id.acme.com', { customDomains: ['id.acme.com'] }); // 'id.acme.com'
 */
export function parseOktaDomain(input: string, options: ParseOktaDomainOptions = {}): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new OktaDomainError(
      OktaDomainErrorReason.empty,
      `The Okta domain is empty. Enter the org's domain, for example ${quote(EXAMPLE)}.`,
    );
  }
  let rest = input.trim();

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    if (scheme[1]!.toLowerCase() !== 'https') {
      const host = /^[^/?#@]*/.exec(rest)![0];
      const suggestion = suggest(host, options);
      throw new OktaDomainError(
        OktaDomainErrorReason.scheme,
        `The Okta domain must not use the ${quote(`${scheme[1]}://`)} scheme: Okta is reached over HTTPS ` +
          `and the domain is only the host. ${instead(suggestion)}`,
        suggestion,
      );
    }
  }

  // Split the authority from whatever follows it; only a single trailing slash is tolerated.
  const authorityEnd = rest.search(/[/?#\\]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const after = authorityEnd === -1 ? '' : rest.slice(authorityEnd);

  if (authority.includes('@')) {
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const suggestion = suggest(host, options);
    throw new OktaDomainError(
      OktaDomainErrorReason.userInfo,
      `The Okta domain must not contain a user name or password (the part before "@"); credentials belong ` +
        `in the connection's configuration. ${instead(suggestion)}`,
      suggestion,
    );
  }

  if (after !== '' && after !== '/') {
    const pathEnd = after.search(/[?#]/);
    const path = pathEnd === -1 ? after : after.slice(0, pathEnd);
    const hostSuggestion = suggest(authority, options);
    if (path !== '' && path !== '/') {
      throw new OktaDomainError(
        OktaDomainErrorReason.path,
        `The Okta domain must not contain a path (${quote(path.length > 40 ? `${path.slice(0, 40)}…` : path)}): ` +
          `it is only the org's host, not a page URL. ${instead(hostSuggestion)}`,
        hostSuggestion,
      );
    }
    const isQuery = after[pathEnd] === '?';
    throw new OktaDomainError(
      isQuery ? OktaDomainErrorReason.query : OktaDomainErrorReason.fragment,
      `The Okta domain must not contain a ${isQuery ? 'query string ("?…")' : 'fragment ("#…")'}: it is only ` +
        `the org's host. ${instead(hostSuggestion)}`,
      hostSuggestion,
    );
  }

  if (authority.startsWith('[') || (authority.match(/:/g)?.length ?? 0) > 1) {
    throw new OktaDomainError(
      OktaDomainErrorReason.ipAddress,
      `The Okta domain must be a host name, not an IP address (${quote(authority)}): Okta serves orgs only ` +
        `under their domain name. Enter the org's domain, for example ${quote(EXAMPLE)}.`,
    );
  }

  const colon = authority.indexOf(':');
  if (colon !== -1) {
    const host = authority.slice(0, colon);
    const suggestion = suggest(host, options);
    throw new OktaDomainError(
      OktaDomainErrorReason.port,
      `The Okta domain must not contain a port (${quote(authority.slice(colon))}): Okta orgs are served on ` +
        `the standard HTTPS port. (For the local emulator, set the connection's development.connectTo ` +
        `instead.) ${instead(suggestion)}`,
      suggestion,
    );
  }

  const host = authority.toLowerCase();
  if (host === '') {
    throw new OktaDomainError(
      OktaDomainErrorReason.empty,
      `The Okta domain has no host name. Enter the org's domain, for example ${quote(EXAMPLE)}.`,
    );
  }

  if (host.includes('*')) {
    throw new OktaDomainError(
      OktaDomainErrorReason.wildcard,
      `The Okta domain must name one org, not a wildcard pattern (${quote(host)}). Enter the org's domain, ` +
        `for example ${quote(EXAMPLE)}.`,
    );
  }

  const labels = host.split('.');
  const last = labels[labels.length - 1]!;
  if (/^(?:0x[0-9a-f]*|[0-9]+)$/.test(last)) {
    throw new OktaDomainError(
      OktaDomainErrorReason.ipAddress,
      `The Okta domain must be a host name, not an IP address (${quote(host)}): Okta serves orgs only under ` +
        `their domain name. Enter the org's domain, for example ${quote(EXAMPLE)}.`,
    );
  }

  if (host.endsWith('.')) {
    const suggestion = suggest(host.replace(/\.+$/, ''), options);
    throw new OktaDomainError(
      OktaDomainErrorReason.invalidHostname,
      `The Okta domain must not end with a dot (${quote(host)}). ${instead(suggestion)}`,
      suggestion,
    );
  }

  const badLabel = labels.find((label) => !LABEL.test(label));
  if (badLabel !== undefined || labels.length < 2 || host.length > 253) {
    const why =
      badLabel === ''
        ? 'it has an empty label (two dots in a row, or a leading dot)'
        : badLabel !== undefined
          ? `${quote(badLabel)} is not a valid DNS label (letters, digits and inner hyphens only, at most 63 ` +
            `characters; an internationalised name must be entered in its "xn--" form)`
          : labels.length < 2
            ? 'a single label is not a fully qualified domain'
            : 'it is longer than 253 characters';
    throw new OktaDomainError(
      OktaDomainErrorReason.invalidHostname,
      `The Okta domain ${quote(host)} is not a valid host name: ${why}. Enter the org's domain, for example ` +
        `${quote(EXAMPLE)}.`,
    );
  }

  // `acme.okta.com.com`, `acme.okta.com.okta.com`: a suffix typed twice.
  for (let k = 1; k <= Math.floor(labels.length / 2); k++) {
    const tail = labels.slice(-k).join('.');
    const before = labels.slice(-2 * k, -k).join('.');
    if (tail === before) {
      const suggestion = suggest(labels.slice(0, -k).join('.'), options);
      throw new OktaDomainError(
        OktaDomainErrorReason.doubledSuffix,
        `The Okta domain ${quote(host)} repeats ${quote(`.${tail}`)}. ${instead(suggestion)}`,
        suggestion,
      );
    }
  }

  const suffix = oktaSuffixOf(host);
  if (suffix !== undefined) {
    if (host === suffix) {
      throw new OktaDomainError(
        OktaDomainErrorReason.oktaApex,
        `${quote(host)} is Okta's own domain, not an org. Enter your org's domain, for example ` +
          `${quote(`companyabc.${suffix}`)}.`,
      );
    }
    const first = labels[0]!;
    if (first.endsWith('-admin') && first.length > '-admin'.length) {
      const org = [first.slice(0, -'-admin'.length), ...labels.slice(1)].join('.');
      throw new OktaDomainError(
        OktaDomainErrorReason.adminConsole,
        `${quote(host)} is the Admin Console's host, not the org's domain: the API and the org authorization ` +
          `server are served on the org domain. Enter ${quote(org)} instead.`,
        org,
      );
    }
    return host;
  }

  const declared = (options.customDomains ?? []).some((custom) => normaliseDeclared(custom) === host);
  if (declared) return host;
  throw new OktaDomainError(
    OktaDomainErrorReason.undeclaredCustomDomain,
    `${quote(host)} is not an Okta domain (${OKTA_DOMAIN_SUFFIXES.join(', ')}). If it is your org's custom ` +
      `domain, declare it as the connection's "domain" in the connections configuration and connect with ` +
      `that connection; otherwise enter the org's Okta domain, for example ${quote(EXAMPLE)}.`,
  );
}

/** A declared custom domain as the user wrote it in configuration, reduced to its host. */
function normaliseDeclared(custom: string): string {
  return custom
    .trim()
    .toLowerCase()
    .replace(/^https:\/\//, '')
    .replace(/\/$/, '');
}

/** Whether the (already normalised) host is a subdomain of one of Okta's own domains. */
export function isOktaDomain(host: string): boolean {
  return isOktaHost(host.toLowerCase());
}
