import { describe, expect, it } from "vitest";
import { decideRateLimitPause, isTokenStale, MAX_RATE_LIMIT_PAUSE_MS, readCount, reserveStart } from "../../../src/load/port-pacing";

describe("isTokenStale", () => {
  const hour = 3_600_000;
  it.each([
    { name: "a fresh 3-hour token is kept", expiresAt: 3 * hour, lifetimeMs: 3 * hour, now: 0, expected: false },
    { name: "a 3-hour token is replaced a minute before it runs out", expiresAt: 3 * hour, lifetimeMs: 3 * hour, now: 3 * hour - 60_000, expected: true },
    { name: "a 3-hour token is kept two minutes before it runs out", expiresAt: 3 * hour, lifetimeMs: 3 * hour, now: 3 * hour - 120_000, expected: false },
    { name: "a 2-second token is replaced in its second half", expiresAt: 2000, lifetimeMs: 2000, now: 1000, expected: true },
    { name: "a 2-second token is kept in its first half", expiresAt: 2000, lifetimeMs: 2000, now: 999, expected: false },
    { name: "a token without a known lifetime is never replaced ahead of a 401", expiresAt: Number.POSITIVE_INFINITY, lifetimeMs: Number.POSITIVE_INFINITY, now: 10 * hour, expected: false },
    { name: "an expired token is replaced", expiresAt: 1000, lifetimeMs: 1000, now: 5000, expected: true },
  ])("$name", ({ expiresAt, lifetimeMs, now, expected }) => {
    expect(isTokenStale({ expiresAt, lifetimeMs }, now)).toBe(expected);
  });
});

describe("decideRateLimitPause", () => {
  it.each([
    { name: "no headers, no pause", reading: { limit: undefined, remaining: undefined, resetMs: undefined }, expected: 0 },
    { name: "plenty left, no pause", reading: { limit: 35_000, remaining: 20_000, resetMs: 100_000 }, expected: 0 },
    { name: "just above 5% of the budget, no pause yet", reading: { limit: 35_000, remaining: 1751, resetMs: 100_000 }, expected: 0 },
    { name: "below 5%, the rest of the window is shared out", reading: { limit: 35_000, remaining: 999, resetMs: 100_000 }, expected: 100 },
    { name: "a small limit keeps at least 10 in reserve", reading: { limit: 20, remaining: 9, resetMs: 10_000 }, expected: 1000 },
    { name: "none left waits out the window, capped", reading: { limit: 100, remaining: 0, resetMs: 300_000 }, expected: MAX_RATE_LIMIT_PAUSE_MS },
    { name: "requests in flight spend the budget too: 14 left less 4 in flight is below 10", reading: { limit: 30, remaining: 14, resetMs: 1000 }, inFlight: 4, expected: 91 },
    { name: "more in flight than left waits out the window", reading: { limit: 30, remaining: 3, resetMs: 1000 }, inFlight: 4, expected: 1000 },
  ])("$name", ({ reading, inFlight, expected }) => {
    expect(decideRateLimitPause(reading, inFlight ?? 0)).toBe(expected);
  });
});

describe("reserveStart", () => {
  it.each([
    { name: "starts now without spacing", nextAt: 0, now: 100, spacing: 0, expected: { waitMs: 0, nextAt: 100 } },
    { name: "starts now and pushes the next start out", nextAt: 50, now: 100, spacing: 30, expected: { waitMs: 0, nextAt: 130 } },
    { name: "waits for a start already promised", nextAt: 130, now: 100, spacing: 30, expected: { waitMs: 30, nextAt: 160 } },
  ])("$name", ({ nextAt, now, spacing, expected }) => {
    expect(reserveStart(nextAt, now, spacing)).toEqual(expected);
  });
});

describe("readCount", () => {
  it.each([
    { value: "42", expected: 42 },
    { value: " 7 ", expected: 7 },
    { value: "1.5", expected: 1.5 },
    { value: "-1", expected: undefined },
    { value: "soon", expected: undefined },
    { value: null, expected: undefined },
  ])("reads $value as $expected", ({ value, expected }) => {
    expect(readCount(value)).toBe(expected);
  });
});
