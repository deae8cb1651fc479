/**
 * Runs `work` over the items of `source` with at most `concurrency` at once, starting no new item
 * once `shouldStop` says so. Every started item finishes; the first unexpected error is rethrown
 * after all have settled.
 */
export async function runPool<T>(source: AsyncIterator<T>, concurrency: number, work: (item: T) => Promise<void>, shouldStop: () => boolean): Promise<void> {
  let failed = false;
  const worker = async (): Promise<void> => {
    // Bounded by the source, which is finite.
    for (;;) {
      if (failed || shouldStop()) return;
      const next = await source.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, worker));
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (rejected) throw rejected.reason;
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
