import { ApplicationFailure } from '@temporalio/workflow';
import { OktaErrorType } from '../common/errors.js';
import { DEFAULT_SESSION_NAME, OktaSessionSchema, type OktaSession } from '../common/session.js';
import { parseInput } from './validation.js';

/** A session as actions accept it: a registered name, or an {@link OktaSession} value. */
export type SessionRef = string | OktaSession;

/** The names visible in a workflow, by kind, in resolution order. */
export interface VisibleSessionNames {
  local: string[];
  global: string[];
}

/**
 * The sessions of one workflow execution (docs/ARCHITECTURE.md §3).
 *
 * - local sessions: registered by `okta.connect({ session: { local } })`, visible here only;
 * - global sessions: registered by `okta.connect({ session: { global } })` or inherited from the parent
 *   (or the previous run, across continue-as-new) through the session header; propagated onwards;
 * - disconnected ids: sessions ended in this workflow, refused by name and by value afterwards.
 *
 * Variable sessions are never registered: the workflow holds them and passes them as values.
 */
export class SessionRegistry {
  readonly #local = new Map<string, OktaSession>();
  readonly #global = new Map<string, OktaSession>();
  readonly #disconnected = new Set<string>();
  /** Names whose session was disconnected here (and not replaced since): a later lookup says so. */
  readonly #disconnectedNames = new Set<string>();

  /** Registers a session under its name by its kind; a later session of the same kind and name replaces it. */
  register(session: OktaSession): void {
    if (session.kind === 'local') this.#local.set(session.name, session);
    else if (session.kind === 'global') this.#global.set(session.name, session);
  }

  /**
   * Registers the global sessions a parent (or a previous run) propagated. Sessions this workflow created
   * itself come later and replace inherited ones of the same name.
   */
  inherit(globals: readonly OktaSession[]): void {
    for (const session of globals) {
      if (session.kind !== 'global') {
        throw ApplicationFailure.create({
          type: OktaErrorType.OktaInvalidInput,
          message: `Only global sessions are propagated to child workflows, but session '${session.name}' is ${session.kind}.`,
          nonRetryable: true,
        });
      }
      if (!this.#disconnected.has(session.id)) this.#global.set(session.name, session);
    }
  }

  /**
   * Resolves a name (local first, then global) or checks a value.
   *
   * @throws ApplicationFailure `OktaSessionNotFound` for an unknown name (the message lists the visible
   *   names), `OktaSessionDisconnected` for a session disconnected in this workflow, `OktaInvalidInput`
   *   for a value that is not an OktaSession.
   * @param what the API being called, named in input errors (`okta.users.get`)
   */
  resolve(ref: SessionRef = DEFAULT_SESSION_NAME, what = 'okta.session'): OktaSession {
    const session =
      typeof ref === 'string' ? this.#lookup(ref) : parseInput(OktaSessionSchema, ref, what, 'session');
    if (this.#disconnected.has(session.id)) {
      throw ApplicationFailure.create({
        type: OktaErrorType.OktaSessionDisconnected,
        message:
          `Okta session '${session.name}' (${session.kind}, id ${session.id}) was disconnected earlier in this ` +
          'workflow. Call okta.connect again to get a new session.',
        nonRetryable: true,
        details: [{ name: session.name, kind: session.kind, id: session.id }],
      });
    }
    return session;
  }

  /**
   * Ends a session in this workflow (by its id: Disconnect here, or a parent's Disconnect reaching this
   * child): unregisters it and refuses it from now on, by name and by value.
   */
  disconnect(sessionId: string): void {
    this.#disconnected.add(sessionId);
    for (const map of [this.#local, this.#global]) {
      for (const [name, registered] of map) {
        if (registered.id !== sessionId) continue;
        map.delete(name);
        this.#disconnectedNames.add(name);
      }
    }
  }

  /** The global sessions to propagate to child workflows and across continue-as-new. */
  globals(): OktaSession[] {
    return [...this.#global.values()];
  }

  /** The names an action can use here, by kind. */
  visibleNames(): VisibleSessionNames {
    return { local: [...this.#local.keys()].sort(), global: [...this.#global.keys()].sort() };
  }

  #lookup(name: string): OktaSession {
    const session = this.#local.get(name) ?? this.#global.get(name);
    if (session) return session;
    if (this.#disconnectedNames.has(name)) {
      throw ApplicationFailure.create({
        type: OktaErrorType.OktaSessionDisconnected,
        message: `Okta session '${name}' was disconnected earlier in this workflow. Call okta.connect again to get a new session.`,
        nonRetryable: true,
        details: [{ name }],
      });
    }
    const visible = this.visibleNames();
    throw ApplicationFailure.create({
      type: OktaErrorType.OktaSessionNotFound,
      message:
        `No Okta session named '${name}' is visible in this workflow. ${describeVisible(visible)} ` +
        'Connect first in this workflow, or connect with { global: name } in a parent workflow to share it ' +
        'with its children; pass a variable session as a value.',
      nonRetryable: true,
      details: [{ name, visible }],
    });
  }
}

function describeVisible({ local, global }: VisibleSessionNames): string {
  if (local.length === 0 && global.length === 0) return 'No sessions are visible here.';
  const list = (names: string[]) => (names.length ? names.map((n) => `'${n}'`).join(', ') : '(none)');
  return `Visible sessions: local ${list(local)}; global ${list(global)}.`;
}

/**
 * This workflow execution's registry. Module state is per workflow execution: the workflow sandbox gives
 * each execution its own module instances, shared by the workflow code and the session interceptors.
 */
export const sessions = new SessionRegistry();
