/** Workflows of the System Log tests: the action fixtures, a logs session, and an event collector. */
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { okta, type OktaSession } from '../../workflows/index.js';
import type { OktaLogEvent } from '../../common/actions.js';
export * from './workflows.js';
export { followSystemLog } from '../../workflows/index.js';

/** Connects a variable session on the connection that requests `okta.logs.read`. */
export async function connectAudit(): Promise<OktaSession> {
  return okta.connect({
    domain: 'companyabc.okta.com',
    connection: 'okta-audit',
    session: { variable: true },
  });
}

/** Iterates `okta.logs.pages`; returns every event's uuid, page by page. */
export async function iterateLogPages(
  session: OktaSession,
  options: Record<string, unknown>,
): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of okta.logs.pages({ session, ...options })) pages.push(page.map((e) => e.uuid));
  return pages;
}

export const logEventSignal = defineSignal<[OktaLogEvent]>('oktaLogEvent');
export const receivedQuery = defineQuery<string[]>('received');
export const doneSignal = defineSignal('done');

/** Receives System Log events by signal and keeps their uuids, in order, until told it is done. */
export async function collectEvents(): Promise<string[]> {
  const received: string[] = [];
  let done = false;
  setHandler(logEventSignal, (event) => void received.push(event.uuid));
  setHandler(receivedQuery, () => received);
  setHandler(doneSignal, () => void (done = true));
  await condition(() => done);
  return received;
}
