import {
  ApplicationFailure,
  defaultPayloadConverter,
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
  type ContinueAsNewInput,
  type Headers,
  type Next,
  type StartChildWorkflowExecutionInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { z } from 'zod';
import { OktaErrorType } from '../common/errors.js';
import { OktaSessionSchema, type OktaSession } from '../common/session.js';
import { sessions } from './sessions.js';

/**
 * The header that carries a workflow's global sessions to the child workflows it starts and to its next
 * run after continue-as-new. Its value is a JSON array of OktaSession values, which hold no secret:
 * headers are not encrypted by the payload codec, so nothing else may ever go in it.
 */
export const SESSIONS_HEADER = 'temporal-okta-sessions';

const HeaderSchema = z.array(OktaSessionSchema);

/**
 * Encodes global sessions for the header. Parsing with the schema keeps exactly the OktaSession fields,
 * so nothing that happens to travel on a session object can leak into a header.
 */
export function encodeSessionsHeader(globals: readonly OktaSession[]): Headers[string] {
  return defaultPayloadConverter.toPayload(HeaderSchema.parse(globals));
}

/** Decodes the session header written by {@link encodeSessionsHeader}. */
export function decodeSessionsHeader(payload: Headers[string]): OktaSession[] {
  const parsed = HeaderSchema.safeParse(defaultPayloadConverter.fromPayload(payload));
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: OktaErrorType.OktaInvalidInput,
      message:
        `The '${SESSIONS_HEADER}' header does not hold a list of Okta sessions (${parsed.error.issues[0]?.message}). ` +
        'It is written by the temporal-okta workflow interceptors only; do not set it yourself.',
      nonRetryable: true,
    });
  }
  return parsed.data;
}

/**
 * The signal a workflow's Disconnect sends to the child workflows it started that are still running, and
 * that each of them passes on to its own: the session ends in the whole tree, whichever workers run it.
 */
export const SESSION_DISCONNECTED_SIGNAL = 'temporal-okta-session-disconnected';
const sessionDisconnected = defineSignal<[{ sessionId: string }]>(SESSION_DISCONNECTED_SIGNAL);

/** The ids of the child workflows this workflow started that have not completed yet (per execution). */
const runningChildren = new Set<string>();

/** Whether this workflow has child workflows still running, which a Disconnect must reach. */
export function hasRunningChildren(): boolean {
  return runningChildren.size > 0;
}

/**
 * Tells every running child workflow that the session ended; they refuse it from then on and tell their
 * own children. A child that completed meanwhile is skipped.
 */
export async function endSessionInChildren(sessionId: string): Promise<void> {
  await Promise.allSettled(
    [...runningChildren].map((id) =>
      getExternalWorkflowHandle(id).signal(sessionDisconnected, { sessionId }),
    ),
  );
}

/** The caller's headers with this workflow's current global sessions in the session header (or none). */
function withGlobalSessions(headers: Headers): Headers {
  const { [SESSIONS_HEADER]: _previous, ...others } = headers;
  const globals = sessions.globals();
  return globals.length === 0 ? others : { ...others, [SESSIONS_HEADER]: encodeSessionsHeader(globals) };
}

/**
 * Registers the global sessions the parent (or the previous run) propagated, before the workflow body
 * runs, and ends a session when a parent's Disconnect says so. The session header is accepted only from a
 * parent workflow or a previous run: a client's start cannot hand a workflow sessions.
 */
export class OktaSessionsInboundInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(
    input: WorkflowExecuteInput,
    next: Next<WorkflowInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    setHandler(sessionDisconnected, async ({ sessionId }) => {
      sessions.disconnect(sessionId);
      await endSessionInChildren(sessionId);
    });
    const header = input.headers[SESSIONS_HEADER];
    if (header) {
      const { parent, continuedFromExecutionRunId } = workflowInfo();
      if (!parent && !continuedFromExecutionRunId) {
        throw ApplicationFailure.create({
          type: OktaErrorType.OktaSessionInvalid,
          message:
            `This workflow was started with the '${SESSIONS_HEADER}' header, which only a parent workflow or a ` +
            'previous run (continue-as-new) may set. A client cannot hand a workflow Okta sessions: connect in ' +
            'the workflow with okta.connect, or start it as a child of the workflow that holds the global session.',
          nonRetryable: true,
        });
      }
      sessions.inherit(decodeSessionsHeader(header));
    }
    return next(input);
  }
}

/** Propagates the global sessions to every child workflow and across continue-as-new. */
export class OktaSessionsOutboundInterceptor implements WorkflowOutboundCallsInterceptor {
  async startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    const [started, completed] = await next({ ...input, headers: withGlobalSessions(input.headers) });
    const { workflowId } = input.options;
    started.then(
      () => runningChildren.add(workflowId),
      () => undefined,
    );
    completed.then(
      () => runningChildren.delete(workflowId),
      () => runningChildren.delete(workflowId),
    );
    return [started, completed];
  }

  continueAsNew(
    input: ContinueAsNewInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>,
  ): Promise<never> {
    return next({ ...input, headers: withGlobalSessions(input.headers) });
  }
}

/**
 * The session interceptors, in the form the worker expects of a workflow interceptor module: pass this
 * module's absolute path in the worker option `interceptors: { workflowModules: [path] }`. Install them on
 * every worker that runs workflows using `okta`, or global sessions will not reach child workflows.
 */
export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new OktaSessionsInboundInterceptor()],
  outbound: [new OktaSessionsOutboundInterceptor()],
});
