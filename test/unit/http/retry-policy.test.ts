import { describe, expect, it } from "vitest";
import { computeBackoff, MAX_RETRY_AFTER_MS, planRetry, type AttemptOutcome } from "../../../src/http/retry-policy";

const NOW = Date.parse("2025-04-17T11:17:00Z");

function response(status: number, headers: Record<string, string> = {}): AttemptOutcome {
  return { type: "response", status, headers: { get: (name) => headers[name.toLowerCase()] ?? null } };
}

describe("computeBackoff", () => {
  it.each([
    { attempt: 1, random: 0.5, expected: 200 },
    { attempt: 2, random: 0.5, expected: 400 },
    { attempt: 4, random: 0.5, expected: 1600 },
    { attempt: 1, random: 0, expected: 150 },
    { attempt: 1, random: 1, expected: 250 },
    { attempt: 20, random: 0.5, expected: 30_000 },
  ])("waits $expected ms after attempt $attempt with jitter $random", ({ attempt, random, expected }) => {
    expect(computeBackoff(attempt, random)).toBe(expected);
  });
});

describe("planRetry", () => {
  it.each([
    { name: "retries a 503 with backoff", outcome: response(503), attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "retries a 500", outcome: response(500), attempt: 2, expected: { retry: true, delayMs: 400 } },
    { name: "retries a 408", outcome: response(408), attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "retries a 429 after its Retry-After seconds", outcome: response(429, { "retry-after": "2" }), attempt: 1, expected: { retry: true, delayMs: 2000 } },
    {
      name: "retries a 429 after its Retry-After date",
      outcome: response(429, { "retry-after": "Thu, 17 Apr 2025 11:17:03 GMT" }),
      attempt: 1,
      expected: { retry: true, delayMs: 3000 },
    },
    {
      name: "falls back to x-ratelimit-reset on a 429 without Retry-After",
      outcome: response(429, { "x-ratelimit-reset": "4" }),
      attempt: 1,
      expected: { retry: true, delayMs: 4000 },
    },
    { name: "ignores x-ratelimit-reset on a 503", outcome: response(503, { "x-ratelimit-reset": "4" }), attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "honours Retry-After on a 503", outcome: response(503, { "retry-after": "1" }), attempt: 1, expected: { retry: true, delayMs: 1000 } },
    {
      name: "caps a huge Retry-After",
      outcome: response(429, { "retry-after": "86400" }),
      attempt: 1,
      expected: { retry: true, delayMs: MAX_RETRY_AFTER_MS },
    },
    { name: "backs off on an unreadable Retry-After", outcome: response(429, { "retry-after": "later" }), attempt: 2, expected: { retry: true, delayMs: 400 } },
    { name: "retries a reset", outcome: { type: "network", code: "ECONNRESET" } as const, attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "retries a timeout", outcome: { type: "network", code: "ETIMEDOUT" } as const, attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "does not retry a bad certificate", outcome: { type: "network", code: "DEPTH_ZERO_SELF_SIGNED_CERT" } as const, attempt: 1, expected: { retry: false } },
    { name: "does not retry a host name mismatch", outcome: { type: "network", code: "ERR_TLS_CERT_ALTNAME_INVALID" } as const, attempt: 1, expected: { retry: false } },
    { name: "does not retry a 200", outcome: response(200), attempt: 1, expected: { retry: false } },
    { name: "does not retry a 404", outcome: response(404), attempt: 1, expected: { retry: false } },
    { name: "does not retry a 401", outcome: response(401), attempt: 1, expected: { retry: false } },
    { name: "does not retry a 422", outcome: response(422), attempt: 1, expected: { retry: false } },
    { name: "gives up on the last attempt", outcome: response(503), attempt: 3, expected: { retry: false } },
    { name: "gives up on a reset at the last attempt", outcome: { type: "network", code: "ECONNRESET" } as const, attempt: 3, expected: { retry: false } },
  ])("$name", ({ outcome, attempt, expected }) => {
    expect(planRetry(outcome, attempt, 3, NOW, 0.5)).toMatchObject(expected);
  });
});
