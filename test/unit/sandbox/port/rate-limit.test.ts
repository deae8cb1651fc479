import { describe, expect, it } from "vitest";
import { createRateLimitBucket, takeRateLimitToken } from "../../../../src/sandbox/port/rate-limit";

describe("takeRateLimitToken", () => {
  it("counts down the budget and refuses once it is spent", () => {
    const bucket = createRateLimitBucket(2, 60, 1, 0);
    expect([0, 10, 20].map((now) => takeRateLimitToken(bucket, now)).map(({ allowed, remaining }) => ({ allowed, remaining }))).toEqual([
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
      { allowed: false, remaining: 0 },
    ]);
  });

  it.each([
    { name: "at the start of the window", now: 0, resetSeconds: 60 },
    { name: "mid-window, rounded up", now: 30_500, resetSeconds: 30 },
    { name: "just before the end, never 0", now: 59_999, resetSeconds: 1 },
  ])("reports seconds until reset $name", ({ now, resetSeconds }) => {
    expect(takeRateLimitToken(createRateLimitBucket(5, 60, 1, 0), now).resetSeconds).toBe(resetSeconds);
  });

  it("restores the budget when the window has passed, keeping windows aligned", () => {
    const bucket = createRateLimitBucket(1, 60, 1, 0);
    takeRateLimitToken(bucket, 0);
    expect(takeRateLimitToken(bucket, 1_000).allowed).toBe(false);
    const next = takeRateLimitToken(bucket, 125_000);
    expect({ allowed: next.allowed, resetSeconds: next.resetSeconds }).toEqual({ allowed: true, resetSeconds: 55 });
  });

  it("runs the window faster under a time scale and reports real seconds", () => {
    const bucket = createRateLimitBucket(1, 300, 60, 0);
    const first = takeRateLimitToken(bucket, 0);
    expect({ periodSeconds: first.periodSeconds, resetSeconds: first.resetSeconds }).toEqual({ periodSeconds: 5, resetSeconds: 5 });
    expect(takeRateLimitToken(bucket, 5_000).allowed).toBe(true);
  });

  it.each([
    { limit: 0, period: 60, scale: 1 },
    { limit: 1, period: 0, scale: 1 },
    { limit: 1, period: 60, scale: 0 },
  ])("refuses a budget of $limit per $period s at scale $scale", ({ limit, period, scale }) => {
    expect(() => createRateLimitBucket(limit, period, scale, 0)).toThrow(/positive/);
  });
});
