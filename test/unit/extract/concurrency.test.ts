import { describe, expect, it } from "vitest";
import { createLimiter, forEachBounded, forEachQueued } from "../../../src/extract/concurrency";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("createLimiter", () => {
  it("never runs more tasks at once than its limit, and runs them all", async () => {
    const limiter = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await tick();
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("frees the slot of a task that failed", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
  });
});

describe("forEachBounded", () => {
  it("starts no new item after a failure and throws the first error", async () => {
    const started: number[] = [];
    const failure = await forEachBounded([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 2) throw new Error(`item ${item} failed`);
    }).catch((e: unknown) => e);
    expect(failure).toEqual(new Error("item 2 failed"));
    expect(started).toEqual([1, 2, 3]);
  });

  it("handles an empty list", async () => {
    await expect(forEachBounded([], 4, async () => undefined)).resolves.toBeUndefined();
  });
});

describe("forEachQueued", () => {
  it("works through what the items queue, never more than its limit at once", async () => {
    const done: number[] = [];
    let active = 0;
    let peak = 0;
    // Each item n > 1 queues its halves: every item of the tree under 8 is worked once.
    await forEachQueued([8], 3, 100, async (n) => {
      active += 1;
      peak = Math.max(peak, active);
      await tick();
      active -= 1;
      done.push(n);
      return n > 1 ? [Math.floor(n / 2), Math.ceil(n / 2)] : [];
    });
    expect(done.sort((a, b) => a - b)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 8]);
    expect(peak).toBe(3);
  });

  it("starts nothing after a failure, waits for the items in flight, and throws the first error", async () => {
    const started: number[] = [];
    let finished = 0;
    const failing = forEachQueued([1, 2, 3, 4, 5], 2, 100, async (n) => {
      started.push(n);
      if (n === 1) throw new Error("item 1");
      await tick();
      finished += 1;
      return n === 2 ? [6] : [];
    });
    await expect(failing).rejects.toThrow("item 1");
    expect(started).toEqual([1, 2]);
    expect(finished).toBe(1);
  });

  it("fails once more items were queued than its bound", async () => {
    const endless = forEachQueued([0], 2, 10, async (n) => [n + 1]);
    await expect(endless).rejects.toThrow(/more than 10 items/);
  });

  it("handles an empty queue", async () => {
    await expect(forEachQueued([], 4, 10, async () => [])).resolves.toBeUndefined();
  });
});
