import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

/**
 * Offboarding: the input and output of the sample offboarding workflows (`workflows/offboarding.ts`).
 * Pure schemas and types, checked by the client before it starts a workflow and again by the workflows.
 */

/** What happens to the user's account: suspended (reversible with unsuspend) or deactivated. */
export const OffboardingMode = { suspend: 'suspend', deactivate: 'deactivate' } as const;
/** One of {@link OffboardingMode}'s values. */
export type OffboardingMode = (typeof OffboardingMode)[keyof typeof OffboardingMode];

const mode = z.enum(OffboardingMode, { error: 'must be "suspend" or "deactivate"' });
const userRef = z
  .string({ error: "must be a user's login or id (00u...)" })
  .trim()
  .min(1, "must be a user's login or id (00u...)")
  .max(200, "must be a user's login or id of at most 200 characters");
const domain = z
  .string({ error: 'must be the Okta org domain' })
  .trim()
  .min(1, 'must be the Okta org domain');
const connection = z
  .string({ error: 'must be the name of a connection configured on the workers' })
  .trim()
  .min(1, 'must be the name of a connection configured on the workers');

/** The most people one offboarding workflow takes: its progress lives in workflow state. */
export const MAX_USERS_PER_OFFBOARDING = 500;

/** A list of people to offboard, by login or user id: at least one, each once. */
export const OffboardingUsersSchema = z
  .array(userRef, { error: 'must be a list of logins or user ids' })
  .min(1, 'must list at least one user')
  .max(MAX_USERS_PER_OFFBOARDING, `must list at most ${MAX_USERS_PER_OFFBOARDING} users; split the file`)
  .superRefine((users, ctx) => {
    const seen = new Map<string, number>();
    users.forEach((user, index) => {
      const key = user.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `duplicates user ${first}: each user must appear once`,
        });
      } else seen.set(key, index);
    });
  });

/** How many child workflows the offboarding parent runs at once unless told otherwise. */
export const DEFAULT_OFFBOARDING_CONCURRENCY = 5;

/** Input of the `offboardUsers` workflow. */
export const OffboardingInputSchema = z.strictObject({
  users: OffboardingUsersSchema,
  domain,
  connection,
  mode,
  /** Child workflows at once (default 5). */
  concurrency: z.number().int().min(1).max(50).default(DEFAULT_OFFBOARDING_CONCURRENCY),
});
/** The input of the `offboardUsers` workflow (see {@link OffboardingInputSchema}). */
export type OffboardingInput = z.input<typeof OffboardingInputSchema>;

/** `offboardUser` as the parent starts it: one user, on the parent's global `okta` session. */
export const OffboardUserInputSchema = z.strictObject({ user: userRef, mode });

/**
 * `offboardUser` as an Okta event hook starts it (`temporal-okta hooks serve`): the hook's
 * `{ event, userId }`, plus the `domain` and `connection` to connect with (the route's `input`), since no
 * parent hands it a session. `mode` defaults to `deactivate`: the event is usually a deactivation.
 */
export const OffboardUserEventInputSchema = z.strictObject({
  event: z.looseObject({
    uuid: z.string().min(1, "must be the event's uuid"),
    eventType: z.string().min(1, "must be the event's type"),
  }),
  userId: userRef,
  domain,
  connection,
  mode: mode.default(OffboardingMode.deactivate),
});

/** Either input of `offboardUser`. */
export const OffboardUserAnyInputSchema = z.union([OffboardUserInputSchema, OffboardUserEventInputSchema], {
  error:
    'must be { user, mode } (from offboardUsers) or { event, userId, domain, connection, mode? } (from an event hook)',
});
/** The input of the `offboardUser` workflow: from `offboardUsers` ({@link OffboardUserInputSchema}) or from an event hook ({@link OffboardUserEventInputSchema}). */
export type OffboardUserInput =
  z.input<typeof OffboardUserInputSchema> | z.input<typeof OffboardUserEventInputSchema>;

/** One step of offboarding one user. */
export const OffboardingStep = {
  suspend: 'suspend',
  deactivate: 'deactivate',
  clearSessions: 'clearSessions',
  resetFactors: 'resetFactors',
  removeFromGroup: 'removeFromGroup',
  removeFromApp: 'removeFromApp',
} as const;
/** One of {@link OffboardingStep}'s values. */
export type OffboardingStep = (typeof OffboardingStep)[keyof typeof OffboardingStep];

/** What one step did: `done` (a change was made), or `skipped` with the reason. */
export interface OffboardingAction {
  /** Which step. */
  step: OffboardingStep;
  /** `done` when a change was made, `skipped` when there was nothing to change. */
  outcome: 'done' | 'skipped';
  /** What it was done to (a group, an app, the factors), or why it was skipped. */
  detail: string;
  /** The group or app id, for group and app steps. */
  targetId?: string;
}

/** A System Log event that confirms a step, as the record keeps it. */
export interface OffboardingLogEntry {
  /** The event's unique id. */
  uuid: string;
  /** When Okta recorded the event (ISO 8601). */
  published: string;
  /** The event type, e.g. `user.lifecycle.deactivate`. */
  eventType: string;
  /** Okta's outcome, e.g. `SUCCESS`. */
  outcome?: string;
  /** Okta's human-readable summary. */
  displayMessage?: string;
  /** The ids of the event's targets (the user, and the group or app). */
  targetIds: string[];
}

/** The System Log event types that record what offboarding does. */
export const OFFBOARDING_EVENT_TYPES = [
  'user.lifecycle.suspend',
  'user.lifecycle.deactivate',
  'user.session.clear',
  'user.mfa.factor.reset_all',
  'group.user_membership.remove',
  'application.user_membership.remove',
] as const;

/** What `offboardUser` returns: what was done, what was skipped and why, and the System Log evidence. */
export interface OffboardUserResult {
  /** The login or id the user was given by. */
  user: string;
  /** The Okta user's id (`00u...`). */
  userId: string;
  /** The Okta user's login. */
  login: string;
  /** Suspended or deactivated. */
  mode: OffboardingMode;
  /** `offboarded` when a change was made now; `alreadyOffboarded` when there was nothing left to change. */
  status: 'offboarded' | 'alreadyOffboarded';
  /** The user's Okta status before offboarding, e.g. `ACTIVE`. */
  statusBefore: string;
  /** The user's Okta status afterwards, e.g. `SUSPENDED` or `DEPROVISIONED`. */
  statusAfter: string;
  /** Each step, in order: done or skipped. */
  actions: OffboardingAction[];
  /** The System Log events about this user of the types in {@link OFFBOARDING_EVENT_TYPES} since `since`. */
  systemLog: {
    since: string;
    events: OffboardingLogEntry[];
    /** Why the System Log could not be read (e.g. the session lacks `okta.logs.read`); the steps still ran. */
    error?: string;
  };
}

/** Where one person stands in an offboarding run. */
export const OffboardingStatus = {
  pending: 'pending',
  running: 'running',
  offboarded: 'offboarded',
  alreadyOffboarded: 'alreadyOffboarded',
  failed: 'failed',
} as const;
/** One of {@link OffboardingStatus}'s values. */
export type OffboardingStatus = (typeof OffboardingStatus)[keyof typeof OffboardingStatus];

/** One person's line in the progress and the final report. */
export interface OffboardingUserProgress {
  /** The login or id the person was given by. */
  user: string;
  /** Where the person stands. */
  status: OffboardingStatus;
  /** The Okta user's id, once known. */
  userId?: string;
  /** The child's record, once it finished. */
  result?: OffboardUserResult;
  /** Why it failed (status `failed`). */
  error?: string;
}

/** The `progress` query's answer, and the offboarding workflow's result once `finished`. */
export interface OffboardingProgress {
  /** People in the run. */
  total: number;
  /** People whose child workflow completed (offboarded now or already). */
  done: number;
  /** People whose child workflow failed. */
  failed: number;
  /** Whether everyone is done or failed. */
  finished: boolean;
  /** One line per person. */
  users: OffboardingUserProgress[];
}

/** The name of the offboarding workflow's progress query. */
export const OFFBOARDING_PROGRESS_QUERY = 'progress';

/**
 * The workflow id of the child that offboards a user: `offboard-` and the first 32 hex digits of the
 * SHA-256 of the lower-cased login or id, as given. Workflow ids are not encrypted, so the login never
 * appears in clear; the same for every run, so a rerun maps a user to the same child and one user is
 * never offboarded twice at once by one list (a login and an id of the same user still differ).
 *
 * @example
 * offboardWorkflowId('Grace.Hopper@example.com'); // 'offboard-a460d7fa831915bb17b55b9151a5278e'
 */
export function offboardWorkflowId(user: string): string {
  return `offboard-${bytesToHex(sha256(utf8ToBytes(user.toLowerCase()))).slice(0, 32)}`;
}
