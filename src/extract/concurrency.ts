/** Runs tasks with at most `limit` at a time, in the order they were submitted. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A FIFO limiter of `limit` concurrent tasks. */
export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return {
    async run(task) {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active += 1;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/**
 * Calls `work` for every item, at most `limit` at once. After the first failure no further item is
 * started; the items in flight are awaited, then the first error is thrown.
 */
export function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  // A queue that never grows: forEachQueued's bound is the items themselves.
  return forEachQueued(items, limit, items.length, async (item) => {
    await work(item);
    return [];
  });
}

/**
 * Calls `work` for every item of a queue that `work` extends (what it resolves to is queued), at most
 * `limit` at once and at most `maxItems` in all (then a RangeError fails it, so a queue that keeps
 * growing cannot run for ever). After the first failure no further item is started; the items in
 * flight are awaited, then the first error is thrown.
 */
export function forEachQueued<T>(initial: readonly T[], limit: number, maxItems: number, work: (item: T) => Promise<readonly T[]>): Promise<void> {
  const queue = [...initial];
  let started = 0;
  let active = 0;
  let failure: { error: unknown } | undefined;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (failure === undefined && active < limit && queue.length > 0) {
        if (started >= maxItems) {
          failure = { error: new RangeError(`more than ${maxItems} items queued`) };
          break;
        }
        const item = queue.shift() as T;
        started += 1;
        active += 1;
        work(item)
          .then(
            (more) => {
              if (failure === undefined) queue.push(...more);
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            active -= 1;
            pump();
          });
      }
      if (active > 0) return;
      if (failure) reject(failure.error);
      else if (queue.length === 0) resolve();
    };
    pump();
  });
}
