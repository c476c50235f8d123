import { describe, expect, it } from 'vitest';
import { OktaDomainError, OktaDomainErrorReason, parseOktaDomain } from '../../index.js';

function rejection(input: string, options?: { customDomains?: readonly string[] }): OktaDomainError {
  try {
    parseOktaDomain(input, options);
  } catch (err) {
    if (err instanceof OktaDomainError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseOktaDomain accepts', () => {
  it.each([
    ['a plain okta.com org domain', 'companyabc.okta.com', 'companyabc.okta.com'],
    ['an https:// prefix', 'https://companyabc.okta.com', 'companyabc.okta.com'],
    ['an https:// prefix and a trailing slash', 'https://companyabc.okta.com/', 'companyabc.okta.com'],
    ['a trailing slash without a scheme', 'companyabc.okta.com/', 'companyabc.okta.com'],
    ['upper case, which it lowercases', 'HTTPS://CompanyABC.OKTA.com', 'companyabc.okta.com'],
    ['surrounding whitespace, which it trims', '  companyabc.okta.com \n', 'companyabc.okta.com'],
    ['an org with hyphens and digits', 'acme-corp-2.okta.com', 'acme-corp-2.okta.com'],
    ['a preview org', 'acme.oktapreview.com', 'acme.oktapreview.com'],
    ['an EMEA cell org', 'acme.okta-emea.com', 'acme.okta-emea.com'],
    ['a US government org', 'agency.okta-gov.com', 'agency.okta-gov.com'],
    ['a military org', 'unit.okta.mil', 'unit.okta.mil'],
    ['a military test org', 'unit.okta-miltest.com', 'unit.okta-miltest.com'],
    ['a trex-gov org', 'agency.trex-gov.com', 'agency.trex-gov.com'],
  ])('%s', (_name, input, expected) => {
    expect(parseOktaDomain(input)).toBe(expected);
  });

  it('a custom domain when the connection declares exactly that domain', () => {
    expect(parseOktaDomain('https://ID.Acme.com/', { customDomains: ['id.acme.com'] })).toBe('id.acme.com');
  });

  it('a declared custom domain written with https:// and a trailing slash in configuration', () => {
    expect(parseOktaDomain('id.acme.com', { customDomains: ['https://id.acme.com/'] })).toBe('id.acme.com');
  });

  it('returns the same result for the same input every time (deterministic)', () => {
    const inputs = ['https://Acme.okta.com/', 'acme.okta.com', 'ACME.OKTA.COM'];
    expect(new Set(inputs.map((i) => parseOktaDomain(i)))).toEqual(new Set(['acme.okta.com']));
  });
});

describe('parseOktaDomain rejects', () => {
  it.each([
    ['an empty string', '', OktaDomainErrorReason.empty],
    ['whitespace only', ' \t ', OktaDomainErrorReason.empty],
    ['the http scheme', 'http://acme.okta.com', OktaDomainErrorReason.scheme],
    ['an ftp scheme', 'ftp://acme.okta.com', OktaDomainErrorReason.scheme],
    ['a path', 'https://acme.okta.com/admin/dashboard', OktaDomainErrorReason.path],
    ['an API path without a scheme', 'acme.okta.com/api/v1/users', OktaDomainErrorReason.path],
    [
      'a custom authorization server path',
      'https://acme.okta.com/oauth2/default',
      OktaDomainErrorReason.path,
    ],
    ['a query string', 'https://acme.okta.com/?fromURI=x', OktaDomainErrorReason.query],
    ['a query string without a slash', 'acme.okta.com?x=1', OktaDomainErrorReason.query],
    ['a fragment', 'acme.okta.com#top', OktaDomainErrorReason.fragment],
    ['user info', 'https://admin@acme.okta.com', OktaDomainErrorReason.userInfo],
    ['a port', 'acme.okta.com:443', OktaDomainErrorReason.port],
    ['a port after https://', 'https://acme.okta.com:8443/', OktaDomainErrorReason.port],
    ['an IPv4 address', '10.0.0.1', OktaDomainErrorReason.ipAddress],
    ['an IPv4 address with https://', 'https://127.0.0.1/', OktaDomainErrorReason.ipAddress],
    ['a bracketed IPv6 address', '[::1]', OktaDomainErrorReason.ipAddress],
    ['a bracketed IPv6 address with a port', 'https://[2001:db8::1]:443', OktaDomainErrorReason.ipAddress],
    ['a bare IPv6 address', '2001:db8::1', OktaDomainErrorReason.ipAddress],
    ['a wildcard', '*.okta.com', OktaDomainErrorReason.wildcard],
    ['a wildcard inside a label', 'acme*.okta.com', OktaDomainErrorReason.wildcard],
    ['the admin console host', 'acme-admin.okta.com', OktaDomainErrorReason.adminConsole],
    ['a doubled .com', 'acme.okta.com.com', OktaDomainErrorReason.doubledSuffix],
    ['a doubled okta.com', 'acme.okta.com.okta.com', OktaDomainErrorReason.doubledSuffix],
    ['a label starting with a hyphen', '-acme.okta.com', OktaDomainErrorReason.invalidHostname],
    ['a label ending with a hyphen', 'acme-.okta.com', OktaDomainErrorReason.invalidHostname],
    ['an underscore', 'acme_corp.okta.com', OktaDomainErrorReason.invalidHostname],
    ['two dots in a row', 'acme..okta.com', OktaDomainErrorReason.invalidHostname],
    [
      'a label longer than 63 characters',
      `${'a'.repeat(64)}.okta.com`,
      OktaDomainErrorReason.invalidHostname,
    ],
    ['inner whitespace', 'acme .okta.com', OktaDomainErrorReason.invalidHostname],
    ['non-ASCII characters', 'ácme.okta.com', OktaDomainErrorReason.invalidHostname],
    ['a trailing dot', 'acme.okta.com.', OktaDomainErrorReason.invalidHostname],
    ['a single label', 'localhost', OktaDomainErrorReason.invalidHostname],
    ["Okta's own apex domain", 'okta.com', OktaDomainErrorReason.oktaApex],
    ['an undeclared custom domain', 'id.acme.com', OktaDomainErrorReason.undeclaredCustomDomain],
  ])('%s', (_name, input, reason) => {
    expect(rejection(input).reason).toBe(reason);
  });

  it('a custom domain declared for a different host', () => {
    expect(rejection('id.acme.com', { customDomains: ['login.acme.com'] }).reason).toBe(
      OktaDomainErrorReason.undeclaredCustomDomain,
    );
  });

  it('the admin console host even when it is listed as a custom domain', () => {
    expect(rejection('acme-admin.okta.com', { customDomains: ['acme-admin.okta.com'] }).reason).toBe(
      OktaDomainErrorReason.adminConsole,
    );
  });
});

describe('parseOktaDomain messages', () => {
  it('name the org domain to use instead of the admin console host', () => {
    const err = rejection('https://acme-admin.okta.com/');
    expect(err.message).toContain('"acme.okta.com"');
    expect(err.suggestion).toBe('acme.okta.com');
  });

  it('name the admin console replacement on a preview org too', () => {
    expect(rejection('acme-admin.oktapreview.com').suggestion).toBe('acme.oktapreview.com');
  });

  it('suggest the host without the path', () => {
    const err = rejection('https://acme.okta.com/app/UserHome');
    expect(err.suggestion).toBe('acme.okta.com');
    expect(err.message).toMatch(/path/);
  });

  it('suggest the host without the doubled suffix', () => {
    expect(rejection('acme.okta.com.com').suggestion).toBe('acme.okta.com');
  });

  it('suggest https instead of http', () => {
    expect(rejection('http://acme.okta.com').message).toMatch(/HTTPS.*Enter "acme\.okta\.com" instead/);
  });

  it('say to declare an undeclared custom domain on the connection', () => {
    expect(rejection('id.acme.com').message).toMatch(/declare it as the connection's "domain"/);
  });

  it('never repeat the password from user info', () => {
    const err = rejection('https://admin:hunter2-secret@acme.okta.com');
    expect(err.message).not.toContain('hunter2-secret');
    expect(err.suggestion).toBe('acme.okta.com');
  });

  it('never repeat a query string, which may carry a code or token', () => {
    expect(rejection('https://acme.okta.com/?code=SECRET-CODE-123').message).not.toContain('SECRET-CODE-123');
  });

  it('say what to enter for an empty domain', () => {
    expect(rejection('').message).toMatch(/empty.*companyabc\.okta\.com/);
  });
});
