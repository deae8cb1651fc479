/** Runs async work one piece at a time, in the order it was asked for. */
export interface WriterMutex {
  /** Runs `work` once everything asked for before it has settled; settles as `work` does. */
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The staging file's one writer inside serve: a scheduled sync and a webhook pass never overlap, so a
 * pass never diffs against a half-loaded snapshot and a load never meets a pass's transaction. The
 * staging file's pipeline lock keeps other processes out; this keeps serve's own two writers apart.
 */
export function createWriterMutex(): WriterMutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(work) {
      const result = tail.then(work);
      // The next piece waits for this one whether it succeeded or failed.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
