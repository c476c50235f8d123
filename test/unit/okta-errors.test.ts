import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { OktaErrorType } from '../../common/errors.js';
import type { Connection } from '../../activities/connections.js';
import {
  mapOktaError,
  probeFailure,
  rateLimitRetryDelayMs,
  toOktaFailure,
} from '../../activities/okta-errors.js';

/** Okta's clock in these answers: ten minutes behind the worker's, as only the `Date` header can tell. */
const OKTA_NOW = Date.parse('Tue, 01 Dec 2026 10:00:00 GMT');
const WORKER_NOW = OKTA_NOW + 10 * 60_000;

function limited(reset: number | undefined, extra: Record<string, string> = {}): Headers {
  const headers = new Headers({ date: new Date(OKTA_NOW).toUTCString(), ...extra });
  if (reset !== undefined) headers.set('x-rate-limit-reset', String(reset / 1000));
  return headers;
}

describe('the rate-limit retry delay', () => {
  it("is the window's reset less the response's Date, plus one second", () => {
    expect(rateLimitRetryDelayMs(limited(OKTA_NOW + 3_000), WORKER_NOW)).toBe(4_000);
  });

  it('is one second when the window has already reset by the response’s clock', () => {
    expect(rateLimitRetryDelayMs(limited(OKTA_NOW - 5_000), WORKER_NOW)).toBe(1_000);
  });

  it("measures against the worker's clock only when the response has no Date", () => {
    const headers = new Headers({ 'x-rate-limit-reset': String((WORKER_NOW + 7_000) / 1000) });
    expect(rateLimitRetryDelayMs(headers, WORKER_NOW)).toBe(8_000);
  });

  it('falls back to Retry-After (at least one second), then to one window of a minute', () => {
    expect(rateLimitRetryDelayMs(limited(undefined, { 'retry-after': '12' }), WORKER_NOW)).toBe(12_000);
    expect(rateLimitRetryDelayMs(limited(undefined, { 'retry-after': '0' }), WORKER_NOW)).toBe(1_000);
    expect(rateLimitRetryDelayMs(limited(undefined), WORKER_NOW)).toBe(60_000);
  });
});

const connection = {
  type: 'ssws',
  name: 'okta-legacy',
  domain: 'companyabc.okta.com',
} as unknown as Connection;

describe('a 429 is OktaRateLimited with that delay on every path', () => {
  const reset = Math.floor(Date.now() / 1000) * 1000 + 30_000;
  const headers = () =>
    new Headers({ date: new Date(reset - 30_000).toUTCString(), 'x-rate-limit-reset': String(reset / 1000) });

  it('a Management API answer', () => {
    const response = new Response(null, { status: 429, headers: headers() });
    const failure = mapOktaError(response, { errorCode: 'E0000047' }, 'GET /api/v1/users');
    expect(failure).toMatchObject({ type: OktaErrorType.OktaRateLimited, nonRetryable: false });
    expect(failure.nextRetryDelay).toBe(31_000);
    expect(failure.message).toContain('retrying in 31 s');
  });

  it('an OAuth endpoint answer', () => {
    const response = new Response(null, { status: 429, headers: headers() });
    const err = new oidc.ResponseBodyError('server responded with an error in the response body', {
      cause: { error: 'too_many_requests' },
      response,
    } as never);
    const failure = toOktaFailure(err, connection, 'token');
    expect(failure).toMatchObject({ type: OktaErrorType.OktaRateLimited, nonRetryable: false });
    expect(failure.nextRetryDelay).toBe(31_000);
  });

  it("Connect's probe", () => {
    const response = new Response(null, { status: 429, headers: headers() });
    const failure = probeFailure(connection, 'GET /api/v1/users?limit=1', response, undefined);
    expect(failure).toMatchObject({ type: OktaErrorType.OktaRateLimited, nonRetryable: false });
    expect(failure.nextRetryDelay).toBe(31_000);
  });
});
