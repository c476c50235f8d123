import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NON_RETRYABLE_ERROR_TYPES, OktaErrorType } from '../../common/errors.js';
import { DEFAULT_ACTIVITY_OPTIONS } from '../../workflows/okta.js';

/** What the README promises about error types and activity defaults, checked against the code. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's "Error types" table: each type and whether it says the type is retried. */
function errorTable(): Map<string, boolean> {
  const section = readme.slice(readme.indexOf('## Error types'));
  const rows = [...section.matchAll(/^\| `(Okta\w+)` \| (yes|no)\b/gm)];
  return new Map(rows.map(([, type, retried]) => [type!, retried === 'yes']));
}

describe('the README', () => {
  it('lists every error type exactly once', () => {
    const table = errorTable();
    expect([...table.keys()].sort()).toEqual(Object.values(OktaErrorType).sort());
  });

  it('says "no" under retried for exactly NON_RETRYABLE_ERROR_TYPES', () => {
    const notRetried = [...errorTable()].filter(([, retried]) => !retried).map(([type]) => type);
    expect(notRetried.sort()).toEqual([...NON_RETRYABLE_ERROR_TYPES].sort());
  });

  it('states the default activity options the workflow API uses', () => {
    expect(readme).toMatch(/\(60 s per attempt, exponential retries, our\s+non-retryable error types\)/);
    expect(DEFAULT_ACTIVITY_OPTIONS.startToCloseTimeout).toBe('60 seconds');
    expect(DEFAULT_ACTIVITY_OPTIONS.retry.backoffCoefficient).toBeGreaterThan(1);
    expect([...DEFAULT_ACTIVITY_OPTIONS.retry.nonRetryableErrorTypes].sort()).toEqual(
      [...NON_RETRYABLE_ERROR_TYPES].sort(),
    );
  });
});
