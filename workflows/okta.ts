import {
  ApplicationFailure,
  proxyActivities,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { OktaActivities, OktaActivityName, OktaUser } from '../common/contract.js';
import { NON_RETRYABLE_ERROR_TYPES, OktaErrorType } from '../common/errors.js';
import { DEFAULT_SESSION_NAME, OktaSessionSchema, type OktaSession } from '../common/session.js';
import { sessions, type SessionRef } from './sessions.js';
import { parseInput } from './validation.js';

/**
 * The activity options every Okta call uses unless overridden: 60 s per attempt, exponential retries
 * capped at one minute, and no retry for the error types that retrying cannot fix.
 */
export const DEFAULT_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '60 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
} as const satisfies ActivityOptions;

/** Where a new session is visible (DESIGN section 3). */
export type SessionOption = { local: string } | { global: string } | { variable: true };

/** Options of {@link okta.connect}. */
export interface ConnectOptions {
  /** The Okta org domain, e.g. `companyabc.okta.com`. */
  domain: string;
  /** Name of an OAuth 2.0 connection configured on the workers. */
  connection: string;
  /** `{ local: name }`, `{ global: name }` or `{ variable: true }`; default `{ local: 'default' }`. */
  session?: SessionOption;
  /** Overrides of {@link DEFAULT_ACTIVITY_OPTIONS} for the Connect activity. */
  activityOptions?: ActivityOptions;
}

/** What every Okta action accepts besides its own fields. */
export interface ActionOptions {
  /** A session name (local first, then global) or an OktaSession value; default `default`. */
  session?: SessionRef;
  /** Overrides of {@link DEFAULT_ACTIVITY_OPTIONS} for this call. */
  activityOptions?: ActivityOptions;
}

/** Options of {@link okta.users.get}. */
export interface UsersGetOptions extends ActionOptions {
  /** The user's id (`00u...`) or login. */
  user: string;
}

const sessionName = z.string().trim().min(1, 'must be a non-empty session name');
const nonEmpty = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, `must be ${what}`);
const activityOptionsSchema = z.custom<ActivityOptions>((v) => typeof v === 'object' && v !== null, {
  error: 'must be an ActivityOptions object',
});

const ConnectOptionsSchema = z.strictObject({
  domain: nonEmpty('an Okta org domain such as companyabc.okta.com'),
  connection: nonEmpty('the name of an OAuth 2.0 connection configured on the workers'),
  session: z
    .union([
      z.strictObject({ local: sessionName }),
      z.strictObject({ global: sessionName }),
      z.strictObject({ variable: z.literal(true) }),
    ])
    .optional(),
  activityOptions: activityOptionsSchema.optional(),
});

const ActionOptionsShape = {
  session: z.unknown().optional(),
  activityOptions: activityOptionsSchema.optional(),
};

const UsersGetOptionsSchema = z.strictObject({
  ...ActionOptionsShape,
  user: nonEmpty("a user's id or login"),
});

/** The activity proxy for one call: the defaults, the caller's overrides, and always our non-retryable types. */
function activities(overrides: ActivityOptions = {}) {
  const nonRetryable = new Set([
    ...NON_RETRYABLE_ERROR_TYPES,
    ...(overrides.retry?.nonRetryableErrorTypes ?? []),
  ]);
  return proxyActivities<OktaActivities>({
    ...DEFAULT_ACTIVITY_OPTIONS,
    ...overrides,
    retry: {
      ...DEFAULT_ACTIVITY_OPTIONS.retry,
      ...overrides.retry,
      nonRetryableErrorTypes: [...nonRetryable],
    },
  });
}

/** Runs one Okta action activity on the session the caller named or passed. */
async function runAction<N extends Exclude<OktaActivityName, 'oktaConnect' | 'oktaDisconnect'>>(
  what: string,
  name: N,
  options: ActionOptions,
  input: Omit<Parameters<OktaActivities[N]>[0], 'session'>,
): Promise<Awaited<ReturnType<OktaActivities[N]>>> {
  const session = sessions.resolve(options.session, what);
  const activity = activities(options.activityOptions)[name] as (
    input: Parameters<OktaActivities[N]>[0],
  ) => Promise<Awaited<ReturnType<OktaActivities[N]>>>;
  return activity({ ...input, session } as Parameters<OktaActivities[N]>[0]);
}

function toKindAndName(option: SessionOption | undefined): { kind: OktaSession['kind']; name: string } {
  if (option === undefined) return { kind: 'local', name: DEFAULT_SESSION_NAME };
  if ('local' in option) return { kind: 'local', name: option.local };
  if ('global' in option) return { kind: 'global', name: option.global };
  return { kind: 'variable', name: DEFAULT_SESSION_NAME };
}

/**
 * Opens an Okta session (DESIGN section 2) and registers it by kind: a local session is visible in this
 * workflow, a global one also in every child workflow started afterwards (and across continue-as-new),
 * a variable one nowhere: keep the returned value and pass it on.
 *
 * @example
 * ```ts
 * await okta.connect({ domain: 'companyabc.okta.com', connection: 'okta-automation', session: { global: 'okta' } });
 * const user = await okta.users.get({ session: 'okta', user: 'ada@companyabc.com' });
 * ```
 * @throws ApplicationFailure `OktaInvalidInput` naming the field for a bad input; Connect's own failures.
 */
async function connect(options: ConnectOptions): Promise<OktaSession> {
  const input = parseInput(ConnectOptionsSchema, options, 'okta.connect');
  const { workflowId, runId } = workflowInfo();
  const requested = toKindAndName(input.session);
  const result = await activities(input.activityOptions).oktaConnect({
    domain: input.domain,
    connection: input.connection,
    session: requested,
    workflowId,
    runId,
  });
  // Keep exactly the OktaSession fields: whatever else an activity returned never reaches a header.
  const session = parseInput(OktaSessionSchema, result, 'okta.connect: the oktaConnect result', 'session');
  if (session.kind !== requested.kind || session.name !== requested.name) {
    throw ApplicationFailure.create({
      type: OktaErrorType.OktaInvalidInput,
      message:
        `okta.connect asked for a ${requested.kind} session named '${requested.name}' but the oktaConnect activity ` +
        `returned a ${session.kind} session named '${session.name}'. Workers and workflows must run the same ` +
        'temporal-okta build.',
      nonRetryable: true,
    });
  }
  sessions.register(session);
  return session;
}

/**
 * Ends a session: the worker drops its token (and revokes it where the grant allows), and this workflow
 * refuses it afterwards, by name and by value. A disconnected global session is no longer propagated to
 * child workflows started afterwards.
 *
 * @param session a name or an OktaSession value; default `default`
 */
async function disconnect(
  session: SessionRef = DEFAULT_SESSION_NAME,
  options: Omit<ActionOptions, 'session'> = {},
): Promise<void> {
  const resolved = sessions.resolve(session, 'okta.disconnect');
  await activities(options.activityOptions).oktaDisconnect({ session: resolved });
  sessions.disconnect(resolved);
}

/**
 * The OktaSession a name (local first, then global) or value stands for here, e.g. to pass a global
 * session's value to a workflow that runs elsewhere.
 *
 * @throws ApplicationFailure `OktaSessionNotFound` listing the visible names, or `OktaSessionDisconnected`.
 */
function session(nameOrValue: SessionRef = DEFAULT_SESSION_NAME): OktaSession {
  return sessions.resolve(nameOrValue, 'okta.session');
}

/**
 * Gets a user by id or login (`GET /api/v1/users/{user}`).
 *
 * @example
 * ```ts
 * const user = await okta.users.get({ session: 'okta', user: 'ada@companyabc.com' });
 * ```
 */
async function getUser(options: UsersGetOptions): Promise<OktaUser> {
  const { user } = parseInput(UsersGetOptionsSchema, options, 'okta.users.get');
  return runAction('okta.users.get', 'oktaUsersGet', options, { user });
}

/**
 * The workflow-side API of temporal-okta. Use it inside workflows only; the worker must install the
 * session interceptors (`workflows/interceptors.ts`) for global sessions to reach child workflows.
 */
export const okta = {
  connect,
  disconnect,
  session,
  users: {
    get: getUser,
  },
} as const;
