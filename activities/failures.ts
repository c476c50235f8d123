import { ApplicationFailure, type Duration } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES, type OktaErrorType } from '../common/errors.js';

export interface OktaFailureOptions {
  /** The underlying error, kept for diagnosis. It must not carry a secret in its message. */
  cause?: Error;
  /** Serialisable, secret-free details, e.g. `{ missingScopes: [...] }`. */
  details?: unknown[];
  /** For OktaRateLimited: when Okta's rate-limit window resets, so Temporal retries exactly then. */
  nextRetryDelay?: Duration;
}

/**
 * The one way activities fail: an `ApplicationFailure` whose `type` is a stable {@link OktaErrorType} and
 * whose retryability follows {@link NON_RETRYABLE_ERROR_TYPES}.
 *
 * @example
 * throw oktaFailure('OktaForbidden', 'The app has no admin role: assign one under "Admin roles".');
 */
export function oktaFailure(
  type: OktaErrorType,
  message: string,
  options: OktaFailureOptions = {},
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: NON_RETRYABLE_ERROR_TYPES.includes(type),
    cause: options.cause,
    details: options.details,
    nextRetryDelay: options.nextRetryDelay,
  });
}
