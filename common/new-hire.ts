import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

// Its home is ./issues.js; re-exported here for the modules that import it from the new-hire schemas.
export { describeIssues } from './issues.js';

/**
 * New hires and the onboarding report: the input and output of the sample onboarding workflows
 * (`workflows/onboarding.ts`). Pure schemas and types, checked by the client before it starts a workflow
 * and again by the workflows themselves.
 */

const text = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, `must be ${what}`)
    .max(100, `must be ${what} of at most 100 characters`);

/** One person to onboard. `login` is the Okta username; `groups` are Okta group names. */
export const NewHireSchema = z.strictObject({
  login: z.email('must be the Okta login, an email address such as ada.lovelace@example.com'),
  /** Defaults to the login. */
  email: z.email('must be an email address').optional(),
  firstName: text('the first name'),
  lastName: text('the last name'),
  department: text('the department, e.g. Engineering'),
  title: text('the job title'),
  /** Okta group names; groups that do not exist yet are created. */
  groups: z
    .array(text('an Okta group name'), { error: 'must be a list of Okta group names' })
    .max(50, 'must list at most 50 groups')
    .refine((names) => new Set(names.map((n) => n.toLowerCase())).size === names.length, {
      error: 'must not list a group twice',
    })
    .default([]),
  employeeNumber: text('the employee number').optional(),
  /** ISO date, e.g. 2025-07-01. */
  startDate: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date such as 2025-07-01')
    .optional(),
  city: text('the city').optional(),
  manager: z.email("must be the manager's login").optional(),
});
/** One new hire, as validated (see {@link NewHireSchema}). */
export type NewHire = z.infer<typeof NewHireSchema>;
/** One new hire as a client writes it, before defaults and normalisation (see {@link NewHireSchema}). */
export type NewHireInput = z.input<typeof NewHireSchema>;

/** The most hires one onboarding run takes. */
export const MAX_HIRES_PER_RUN = 10_000;

/**
 * The most hires in one payload: the workflow's input, each `addHires` signal, each batch child's input. A
 * run of more hires takes them in batches of at most this size, each in its own child workflow, so that no
 * payload and no history comes near Temporal's limits (2 MB a payload; 50 MB and 51,200 events a history).
 */
export const MAX_HIRES_PER_BATCH = 500;

/** A list of new hires: at least one, each login once. */
export const NewHiresSchema = z
  .array(NewHireSchema, { error: 'must be a list of new hires' })
  .min(1, 'must list at least one new hire')
  .max(MAX_HIRES_PER_RUN, `must list at most ${MAX_HIRES_PER_RUN} new hires in one run; split the file`)
  .superRefine((hires, ctx) => {
    const seen = new Map<string, number>();
    hires.forEach((hire, index) => {
      const login = hire.login.toLowerCase();
      const first = seen.get(login);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'login'],
          message: `duplicates the login of hire ${first}: each login must appear once`,
        });
      } else seen.set(login, index);
    });
  });

/** How many child workflows the onboarding parent runs at once unless told otherwise. */
export const DEFAULT_ONBOARDING_CONCURRENCY = 5;

/**
 * A Temporal duration as workflow input carries it: milliseconds, or a string such as `10 seconds`,
 * `500ms`, `2m` (the `ms` format Temporal reads).
 */
const DurationSchema = z.union(
  [
    z.number().int().positive(),
    z
      .string()
      .trim()
      .regex(
        /^\d+(\.\d+)? ?(ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)$/i,
        'must be a duration such as 10 seconds, 500ms or 2m',
      ),
  ],
  { error: 'must be a duration in milliseconds or such as 10 seconds' },
);

/**
 * The activity options an onboarding run may set for every Okta call it makes (Connect and each action of
 * every child), on top of the package's defaults (60 s per attempt, exponential retries). Durations as in
 * Temporal's `ActivityOptions`.
 */
export const OnboardingActivityOptionsSchema = z.strictObject({
  /** How long one attempt may take; keep it above the workers' per-request timeout. */
  startToCloseTimeout: DurationSchema.optional(),
  retry: z
    .strictObject({
      initialInterval: DurationSchema.optional(),
      backoffCoefficient: z.number().min(1).optional(),
      maximumInterval: DurationSchema.optional(),
    })
    .optional(),
});
/** Activity options for every Okta call of an onboarding run (see {@link OnboardingActivityOptionsSchema}). */
export type OnboardingActivityOptions = z.infer<typeof OnboardingActivityOptionsSchema>;

/** A group's id as onboarding passes it on: `00g...`. */
const GroupIdSchema = z.string().trim().min(1, "must be a group's id (00g...)");

/**
 * The second argument of `provisionNewHire`: what the parent passes on besides the hire. `groupIds` are
 * the ids of the hire's groups, in the order of its `groups`, resolved once per run by the parent; without
 * them the child finds (or creates) each group by name itself.
 */
export const ProvisionOptionsSchema = z.strictObject({
  activityOptions: OnboardingActivityOptionsSchema.optional(),
  groupIds: z.array(GroupIdSchema).max(50).optional(),
});
/** The second argument of `provisionNewHire` (see {@link ProvisionOptionsSchema}). */
export type ProvisionOptions = z.infer<typeof ProvisionOptionsSchema>;

/** The hires of one payload: at most {@link MAX_HIRES_PER_BATCH}. */
export const NewHiresBatchSchema = NewHiresSchema.refine((hires) => hires.length <= MAX_HIRES_PER_BATCH, {
  error: `must list at most ${MAX_HIRES_PER_BATCH} new hires in one payload: send the rest with the addHires signal (startOnboarding does)`,
});

/** Input of the `onboardNewHires` workflow. */
export const OnboardingInputSchema = z.strictObject({
  /** The hires, or the first batch of them when `total` is larger (the rest come by `addHires` signals). */
  hires: NewHiresBatchSchema,
  /** How many hires the run takes in all, when more than `hires` (at most 10,000); default: `hires` alone. */
  total: z.number().int().min(1).max(MAX_HIRES_PER_RUN).optional(),
  /** The Okta org domain, e.g. `companyabc.okta.com`. */
  domain: z.string({ error: 'must be the Okta org domain' }).trim().min(1, 'must be the Okta org domain'),
  /** The OAuth 2.0 connection configured on the workers. */
  connection: z
    .string({ error: 'must be the name of a connection configured on the workers' })
    .trim()
    .min(1, 'must be the name of a connection configured on the workers'),
  /** Child workflows at once (default 5). */
  concurrency: z.number().int().min(1).max(50).default(DEFAULT_ONBOARDING_CONCURRENCY),
  /** Options for every Okta call of the run, e.g. a shorter attempt timeout for a fleet that loses workers. */
  activityOptions: OnboardingActivityOptionsSchema.optional(),
});
/** The input of the `onboardNewHires` workflow (see {@link OnboardingInputSchema}). */
export type OnboardingInput = z.input<typeof OnboardingInputSchema>;

/**
 * The `addHires` signal's argument: a further batch of a run started with `total`. `batch` numbers the
 * batches the client sends after the input's (1, 2, ...): a batch delivered twice is taken once.
 */
export const AddHiresSchema = z.strictObject({
  batch: z.number().int().min(1),
  hires: NewHiresBatchSchema,
});
/** The `addHires` signal's argument (see {@link AddHiresSchema}). */
export type AddHires = z.input<typeof AddHiresSchema>;

/** The name of the signal that brings a run started with `total` its further batches of hires. */
export const ONBOARDING_ADD_HIRES_SIGNAL = 'addHires';

/** Input of `onboardNewHiresBatch`, the child workflow of one batch of a large run. */
export const OnboardingBatchInputSchema = z.strictObject({
  hires: NewHiresBatchSchema,
  concurrency: OnboardingInputSchema.shape.concurrency,
  activityOptions: OnboardingActivityOptionsSchema.optional(),
  /** Ids of groups earlier batches resolved, by lower-cased name. */
  groupIds: z.record(z.string(), GroupIdSchema).default({}),
});
/** The input of the `onboardNewHiresBatch` child workflow (see {@link OnboardingBatchInputSchema}). */
export type OnboardingBatchInput = z.input<typeof OnboardingBatchInputSchema>;

/** Where one hire stands in an onboarding run. */
export const HireStatus = {
  pending: 'pending',
  running: 'running',
  created: 'created',
  alreadyProvisioned: 'alreadyProvisioned',
  failed: 'failed',
} as const;
/** One of {@link HireStatus}'s values. */
export type HireStatus = (typeof HireStatus)[keyof typeof HireStatus];

/** What `provisionNewHire` returns. */
export interface ProvisionResult {
  /** The hire's Okta login. */
  login: string;
  /** The Okta user's id (`00u...`). */
  userId: string;
  /** `created` now, or `alreadyProvisioned`: a user with this login existed. */
  status: 'created' | 'alreadyProvisioned';
  /** The group names the user is now a member of (those of the hire). */
  groups: string[];
}

/** One hire's line in the progress and in the final report. */
export interface HireProgress {
  /** The hire's Okta login. */
  login: string;
  /** Where the hire stands. */
  status: HireStatus;
  /** The Okta user's id, once known. */
  userId?: string;
  /** The group names the user was put in, once provisioned. */
  groups?: string[];
  /** Why it failed (status `failed`). */
  error?: string;
}

/**
 * The `progress` query's answer, and the onboarding workflow's result once `finished`. A run of at most
 * {@link MAX_HIRES_PER_BATCH} hires has every hire's line in `hires`. A run in batches counts its hires
 * (`created`, `alreadyProvisioned`, `batches`) and has in `hires` only the lines of the hires that failed
 * (the first {@link MAX_HIRES_PER_BATCH} of them; `failed` counts them all).
 */
export interface OnboardingProgress {
  /** Hires in the run, in all. */
  total: number;
  /** Hires whose child workflow completed (created or already provisioned). */
  done: number;
  /** Hires whose child workflow failed. */
  failed: number;
  /** Whether every hire is done or failed. */
  finished: boolean;
  /** The hires' lines (only the failed ones for a run in batches). */
  hires: HireProgress[];
  /** Of `done`, created by this run (set for a run in batches). */
  created?: number;
  /** Of `done`, provisioned before this run (set for a run in batches). */
  alreadyProvisioned?: number;
  /** Batches finished and in all (set for a run in batches). */
  batches?: { done: number; total: number };
}

/** What one batch child (`onboardNewHiresBatch`) reports to its parent. */
export interface OnboardingBatchReport {
  /** Hires the batch created. */
  created: number;
  /** Hires of the batch that existed already. */
  alreadyProvisioned: number;
  /** Hires of the batch whose child workflow failed. */
  failed: number;
  /** The lines of the hires that failed. */
  failures: HireProgress[];
  /** Group ids by lower-cased name: those the batch was given and those it resolved, for the next batch. */
  groupIds: Record<string, string>;
}

/** The name of the onboarding workflow's progress query. */
export const ONBOARDING_PROGRESS_QUERY = 'progress';

/** The Okta profile of a new hire. */
export function toProfile(hire: NewHire): {
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  [attribute: string]: string;
} {
  return {
    login: hire.login,
    email: hire.email ?? hire.login,
    firstName: hire.firstName,
    lastName: hire.lastName,
    displayName: `${hire.firstName} ${hire.lastName}`,
    department: hire.department,
    title: hire.title,
    userType: 'Employee',
    ...(hire.employeeNumber ? { employeeNumber: hire.employeeNumber } : {}),
    ...(hire.city ? { city: hire.city } : {}),
    ...(hire.manager ? { manager: hire.manager } : {}),
  };
}

/**
 * The workflow id of the child that provisions a hire: one per login, so a hire is never provisioned
 * twice at once, and a rerun finds the same child. Workflow ids are not encrypted by the payload codec
 * (they show in the Web UI and in visibility), so the id carries a hash of the lower-cased login, not
 * the login: `provision-` and the first 32 hex digits of its SHA-256. Anyone who guesses a login can
 * still confirm the guess against the id.
 *
 * @example
 * provisionWorkflowId('Grace.Hopper@example.com'); // 'provision-a460d7fa831915bb17b55b9151a5278e'
 */
export function provisionWorkflowId(login: string): string {
  return `provision-${bytesToHex(sha256(utf8ToBytes(login.toLowerCase()))).slice(0, 32)}`;
}
