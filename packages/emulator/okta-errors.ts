import { randomBytes } from 'node:crypto';

/** One entry of an Okta error's `errorCauses`. */
export type OktaErrorCause = { errorSummary: string };

/** The JSON body Okta returns with every 4xx/5xx from the Management API. */
export type OktaErrorBody = {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: OktaErrorCause[];
};

/**
 * An Okta API error the emulator's handlers throw; the dispatcher turns it into Okta's response.
 *
 * @example throw new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${id} (User)`);
 */
export class OktaApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly errorCauses: OktaErrorCause[] = [],
    /** Extra response headers, such as `WWW-Authenticate` on a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${errorCode}: ${errorSummary}`);
    this.name = 'OktaApiError';
  }

  /** The body Okta would send for this error. */
  toBody(): OktaErrorBody {
    return oktaErrorBody(this.errorCode, this.errorSummary, this.errorCauses);
  }
}

/** Okta's error ids are opaque 25-character tokens, like `oae3iIB8X0lTaaRc0zmQD1Hxw`. */
function newErrorId(): string {
  return 'oae' + randomBytes(16).toString('base64url').slice(0, 22);
}

/** Builds Okta's error body (`errorLink` repeats the code, as Okta does). */
export function oktaErrorBody(
  errorCode: string,
  errorSummary: string,
  errorCauses: OktaErrorCause[] = [],
): OktaErrorBody {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: newErrorId(), errorCauses };
}

/** 404 E0000007, with Okta's wording for a missing resource of the given type. */
export function notFound(
  what: string,
  type: 'User' | 'UserGroup' | 'AppInstance' | 'AppUser' | 'GroupRule' | 'resource',
): OktaApiError {
  return type === 'resource'
    ? new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${what}`)
    : new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${what} (${type})`);
}

/** 400 E0000001 "Api validation failed: {field}" with one cause per problem. */
export function validationFailed(field: string, causes: string[]): OktaApiError {
  return new OktaApiError(
    400,
    'E0000001',
    `Api validation failed: ${field}`,
    causes.map((errorSummary) => ({ errorSummary })),
  );
}

/** 400 E0000003 for a body that is not JSON. */
export function malformedBody(): OktaApiError {
  return new OktaApiError(400, 'E0000003', 'The request body was not well-formed.');
}

/** 400 E0000031 for a `filter` or `search` expression the emulator cannot parse. */
export function invalidSearch(detail: string): OktaApiError {
  return new OktaApiError(400, 'E0000031', 'Invalid search criteria.', [{ errorSummary: detail }]);
}

/** 403 E0000006: the caller may not do this (a missing scope, or a group Okta manages itself). */
export function forbidden(headers: Record<string, string> = {}): OktaApiError {
  return new OktaApiError(
    403,
    'E0000006',
    'You do not have permission to perform the requested action',
    [],
    headers,
  );
}

/** 500 E0000009, Okta's answer when something failed on its side. */
export function internalError(): OktaApiError {
  return new OktaApiError(500, 'E0000009', 'Internal Server Error');
}

/** 429 E0000047, Okta's rate-limit error. */
export function rateLimited(): OktaApiError {
  return new OktaApiError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
}
