import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { OktaErrorType } from '../common/errors.js';
import { describeInvalidInput } from '../common/issues.js';

/**
 * Validates an input at the workflow boundary. A bad input fails the workflow (not the workflow task)
 * with a non-retryable `OktaInvalidInput` failure whose message names the field, e.g.
 * `okta.connect: invalid input: session: expected { local: name }, { global: name } or { variable: true }`.
 * The failure's details hold `{ fields }`, the dotted paths of the fields at fault.
 *
 * @param what the API being called, as the user writes it (`okta.connect`)
 * @param prefix the path of `value` inside the user's input (`session` when `value` is a session value)
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix?: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { message, fields } = describeInvalidInput(what, parsed.error, prefix);
  throw ApplicationFailure.create({
    type: OktaErrorType.OktaInvalidInput,
    message,
    nonRetryable: true,
    details: [{ fields }],
  });
}
