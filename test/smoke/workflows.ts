import { sleep, workflowInfo } from '@temporalio/workflow';

/** Sleeps for `ms` of workflow time and reports how much workflow time passed. */
export async function sleeper(ms: number): Promise<{ startedAt: number; finishedAt: number }> {
  const startedAt = Date.now();
  await sleep(ms);
  return { startedAt, finishedAt: Date.now() };
}

/** Returns a greeting and the task queue it ran on: proof that a real worker executed it. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${name}, from ${workflowInfo().taskQueue}`;
}
