import { describe, expect, it } from "vitest";
import { decideRateLimit, retryAfterSeconds } from "../../../../src/sandbox/incidentio/rate-limiter";

describe("decideRateLimit", () => {
  const policy = { requestsPerMinute: 60, timeScale: 1 };
  it.each([
    { name: "a new key starts with a full bucket", bucket: undefined, policy, now: 0, allowed: true, remaining: 59, waitMs: 0 },
    { name: "the last token is handed out", bucket: { tokens: 1, atMs: 0 }, policy, now: 0, allowed: true, remaining: 0, waitMs: 0 },
    { name: "an empty bucket refuses and says when a token is back", bucket: { tokens: 0, atMs: 0 }, policy, now: 0, allowed: false, remaining: 0, waitMs: 1000 },
    { name: "a half-refilled bucket waits for the other half", bucket: { tokens: 0, atMs: 0 }, policy, now: 500, allowed: false, remaining: 0, waitMs: 500 },
    { name: "time refills the bucket", bucket: { tokens: 0, atMs: 0 }, policy, now: 1000, allowed: true, remaining: 0, waitMs: 0 },
    { name: "refills never exceed a minute's budget", bucket: { tokens: 0, atMs: 0 }, policy, now: 3_600_000, allowed: true, remaining: 59, waitMs: 0 },
    { name: "a time scale of 60 makes a minute last a second", bucket: { tokens: 0, atMs: 0 }, policy: { requestsPerMinute: 60, timeScale: 60 }, now: 0, allowed: false, remaining: 0, waitMs: 1000 / 60 },
    { name: "a scaled minute refills the whole budget in a second", bucket: { tokens: 0, atMs: 0 }, policy: { requestsPerMinute: 1200, timeScale: 60 }, now: 1000, allowed: true, remaining: 1199, waitMs: 0 },
  ])("decideRateLimit: $name", ({ bucket, policy: rule, now, allowed, remaining, waitMs }) => {
    const decision = decideRateLimit(bucket, rule, now);
    expect(decision.allowed).toBe(allowed);
    expect(decision.remaining).toBe(remaining);
    expect(decision.waitMs).toBeCloseTo(waitMs, 6);
  });

  it("refuses the request after a burst of a minute's budget", () => {
    let bucket = undefined;
    const outcomes: boolean[] = [];
    for (let request = 0; request < 61; request += 1) {
      const decision = decideRateLimit(bucket, policy, 0);
      bucket = decision.bucket;
      outcomes.push(decision.allowed);
    }
    expect(outcomes.filter(Boolean)).toHaveLength(60);
    expect(outcomes.at(-1)).toBe(false);
  });
});

describe("retryAfterSeconds", () => {
  it.each([
    { waitMs: 0.8, expected: 1 },
    { waitMs: 1000, expected: 1 },
    { waitMs: 1001, expected: 2 },
    { waitMs: 59_500, expected: 60 },
  ])("rounds $waitMs ms up to $expected s", ({ waitMs, expected }) => {
    expect(retryAfterSeconds(waitMs)).toBe(expected);
  });
});
