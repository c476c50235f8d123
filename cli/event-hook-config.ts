import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../common/issues.js';
import type { EventHookRoute } from '../client/event-hooks.js';

/**
 * The configuration file of `temporal-okta hooks serve`: where the hook's secret comes from and which
 * workflows each Okta event type starts or signals. The secret is a reference (an environment variable or
 * a file), never inline.
 *
 * ```json
 * {
 *   "secret": { "env": "OKTA_EVENT_HOOK_SECRET" },
 *   "routes": [
 *     { "eventType": "user.lifecycle.deactivate",
 *       "start": { "workflowType": "offboardUser", "taskQueue": "temporal-okta", "workflowIdPrefix": "offboard-",
 *                  "input": { "domain": "companyabc.okta.com", "connection": "okta-automation" } } }
 *   ]
 * }
 * ```
 */
const name = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, `must be ${what}`);

const EventHookConfigSchema = z.strictObject({
  secret: z.union(
    [
      z.strictObject({ env: name('an environment variable name') }),
      z.strictObject({ file: name('a file path') }),
    ],
    {
      error: 'must be { "env": "VARIABLE" } or { "file": "path" }: the hook secret is never written inline',
    },
  ),
  /** The header Okta sends the secret in (the hook's `authScheme.key`); default `authorization`. */
  header: name('a header name').optional(),
  routes: z
    .array(
      z.union([
        z.strictObject({
          eventType: name('an Okta event type such as user.lifecycle.deactivate'),
          start: z.strictObject({
            workflowType: name('a workflow type'),
            taskQueue: name('a task queue'),
            workflowIdPrefix: name('a workflow id prefix').optional(),
            /** Fields added to the started workflow's argument beside `event` and `userId`. */
            input: z.record(z.string(), z.unknown(), { error: 'must be an object of fields' }).optional(),
          }),
        }),
        z.strictObject({
          eventType: name('an Okta event type such as user.lifecycle.deactivate'),
          signal: z.strictObject({
            workflowId: name('a workflow id'),
            signal: name('a signal name'),
            workflowType: name('a workflow type'),
            taskQueue: name('a task queue'),
          }),
        }),
      ]),
      { error: 'must be a list of routes, each { eventType, start } or { eventType, signal }' },
    )
    .min(1, 'must list at least one route'),
});

/** A loaded event hook configuration: the secret resolved, the routes as the receiver takes them. */
export interface EventHookConfig {
  secret: string;
  header?: string;
  routes: EventHookRoute[];
}

/** Reads and checks the configuration file; every error names the file, the field and what to write. */
export async function loadEventHookConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<EventHookConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const why =
      err instanceof SyntaxError
        ? 'is not valid JSON'
        : `cannot be read (${(err as NodeJS.ErrnoException).code})`;
    throw new Error(`The event hook configuration ${file} ${why}.`);
  }
  const parsed = EventHookConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `The event hook configuration ${file} is invalid: ${describeIssues(parsed.error).join('; ')}.`,
    );
  }
  const { secret: ref, header, routes } = parsed.data;
  let secret: string | undefined;
  if ('env' in ref) {
    secret = env[ref.env];
    if (!secret)
      throw new Error(`The event hook secret: environment variable ${ref.env} is not set (${file}).`);
  } else {
    const path = resolve(dirname(file), ref.file);
    secret = (await readFile(path, 'utf8').catch(() => undefined))?.trim();
    if (!secret) throw new Error(`The event hook secret: ${path} is missing or empty (${file}).`);
  }
  return { secret, ...(header ? { header } : {}), routes };
}
