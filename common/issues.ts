import type { z } from 'zod';

/**
 * Readable problems of zod errors, shared by the workflow boundary, the activities and the client. They
 * never include the rejected values, which may be personal data or secrets.
 */

interface FieldProblem {
  /** The dotted path of the field at fault; `input` for the value itself. */
  field: string;
  message: string;
}

/** One problem per field: an unknown field is a problem of its own. */
function fieldProblems(error: z.ZodError, prefix: string | undefined): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: path.join('.') || 'input', message: issue.message }];
  });
}

const line = ({ field, message }: FieldProblem) => `${field}: ${message}`;

/**
 * Readable problems of a zod error, one per field, e.g. `hires.3.login: must be the Okta login, ...`.
 *
 * @param prefix the path of the validated value inside the user's input
 */
export function describeIssues(error: z.ZodError, prefix?: string): string[] {
  return fieldProblems(error, prefix).map(line);
}

/**
 * The message and details of an `OktaInvalidInput` failure: `what: invalid input: field: problem; ...`,
 * and the dotted paths of the fields at fault.
 *
 * @param what the API or activity that was called (`okta.connect`, `oktaConnect`)
 * @param prefix the path of the validated value inside the user's input (`session` for a session value)
 */
export function describeInvalidInput(
  what: string,
  error: z.ZodError,
  prefix?: string,
): { message: string; fields: string[] } {
  const problems = fieldProblems(error, prefix);
  return {
    message: `${what}: invalid input: ${problems.map(line).join('; ')}`,
    fields: problems.map((p) => p.field),
  };
}
