/** Waits `ms`, or less when `signal` aborts first. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * POLLING mode: calls `runOnce` now and then every `intervalMs` after the previous run ended, until
 * `signal` aborts. A failed run does not stop the schedule (`runOnce` reports its own outcome); the
 * next run repairs what it left.
 */
export async function runOnSchedule(intervalMs: number, signal: AbortSignal, runOnce: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await runOnce();
    await sleepUnlessAborted(intervalMs, signal);
  }
}
