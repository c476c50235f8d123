/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts, for waits that hold nothing to
 * release when abandoned (bundling the workflows, waiting for a deployment version or a workflow result),
 * so Ctrl-C does not wait for them.
 */
export function unlessAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('Interrupted.'));
    signal.addEventListener('abort', onAbort, { once: true });
    // Observed even when the signal has already aborted, so an abandoned failure is never unhandled.
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
  });
}
