import { describe, expect, it } from "vitest";
import { createLimiter, forEachBounded } from "../../../src/extract/concurrency";

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
