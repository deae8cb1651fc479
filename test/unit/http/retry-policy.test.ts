import { describe, expect, it } from "vitest";
import { computeBackoff, planRetry, type AttemptOutcome, type RetryState } from "../../../src/http/retry-policy";

const NOW = Date.parse("2025-04-17T11:17:00Z");
const STATE: RetryState = { attempt: 1, maxAttempts: 3, waitedMs: 0, maxWaitMs: 300_000, hasReachedHost: true, nowMs: NOW, random: 0.5 };
const network = (code: string): AttemptOutcome => ({ type: "network", code });

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
      name: "does not retry a Retry-After beyond the bound, and says why",
      outcome: response(429, { "retry-after": "999999" }),
      attempt: 1,
      expected: { retry: false, why: "the server asked to wait 999999 s, more than the ETL_MAX_RETRY_WAIT_SECONDS (300 s a request); not retried" },
    },
    {
      name: "does not retry an x-ratelimit-reset beyond the bound",
      outcome: response(429, { "x-ratelimit-reset": "301" }),
      attempt: 1,
      expected: { retry: false, why: "the server asked to wait 301 s, more than the ETL_MAX_RETRY_WAIT_SECONDS (300 s a request); not retried" },
    },
    { name: "waits a Retry-After of exactly the bound", outcome: response(503, { "retry-after": "300" }), attempt: 1, expected: { retry: true, delayMs: 300_000 } },
    { name: "backs off on an unreadable Retry-After", outcome: response(429, { "retry-after": "later" }), attempt: 2, expected: { retry: true, delayMs: 400 } },
    { name: "retries a reset", outcome: { type: "network", code: "ECONNRESET" } as const, attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "retries a timeout", outcome: { type: "network", code: "ETIMEDOUT" } as const, attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "retries a refused connection to a host that answered before", outcome: network("ECONNREFUSED"), attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "retries a DNS failure of a host that answered before", outcome: network("ENOTFOUND"), attempt: 1, expected: { retry: true, delayMs: 200 } },
    { name: "does not retry a bad certificate", outcome: { type: "network", code: "DEPTH_ZERO_SELF_SIGNED_CERT" } as const, attempt: 1, expected: { retry: false } },
    { name: "does not retry a host name mismatch", outcome: { type: "network", code: "ERR_TLS_CERT_ALTNAME_INVALID" } as const, attempt: 1, expected: { retry: false } },
    { name: "does not retry a 200", outcome: response(200), attempt: 1, expected: { retry: false } },
    { name: "does not retry a 404", outcome: response(404), attempt: 1, expected: { retry: false } },
    { name: "does not retry a 401", outcome: response(401), attempt: 1, expected: { retry: false } },
    { name: "does not retry a 422", outcome: response(422), attempt: 1, expected: { retry: false } },
    { name: "gives up on the last attempt", outcome: response(503), attempt: 3, expected: { retry: false } },
    { name: "gives up on a reset at the last attempt", outcome: { type: "network", code: "ECONNRESET" } as const, attempt: 3, expected: { retry: false } },
  ])("$name", ({ outcome, attempt, expected }) => {
    expect(planRetry(outcome, { ...STATE, attempt })).toEqual(expected.retry ? { ...expected, reason: expect.any(String) } : expected);
  });

  it.each([
    { name: "a name that does not resolve", code: "ENOTFOUND" },
    { name: "a DNS server that does not answer", code: "EAI_AGAIN" },
    { name: "nothing listening", code: "ECONNREFUSED" },
    { name: "no route", code: "ENETUNREACH" },
  ])("does not retry $name on a host that never answered", ({ code }) => {
    expect(planRetry(network(code), { ...STATE, hasReachedHost: false })).toEqual({ retry: false });
  });

  it.each([
    { name: "a reset", outcome: network("ECONNRESET") },
    { name: "a timeout", outcome: network("ETIMEDOUT") },
    { name: "a 503", outcome: response(503) },
    { name: "a 429", outcome: response(429, { "retry-after": "1" }) },
  ])("still retries $name on a host that never answered", ({ outcome }) => {
    expect(planRetry(outcome, { ...STATE, hasReachedHost: false })).toMatchObject({ retry: true });
  });

  it.each([
    { name: "trims backoff to what is left of the bound", outcome: response(503), state: { attempt: 2, waitedMs: 299_900 }, expected: { retry: true, delayMs: 100 } },
    {
      name: "stops backing off once the bound is spent",
      outcome: network("ECONNRESET"),
      state: { attempt: 2, waitedMs: 300_000 },
      expected: { retry: false, why: "not retried: its retries already waited the ETL_MAX_RETRY_WAIT_SECONDS (300 s a request)" },
    },
    {
      name: "refuses a Retry-After longer than what is left",
      outcome: response(429, { "retry-after": "20" }),
      state: { attempt: 2, waitedMs: 290_000 },
      expected: { retry: false, why: "the server asked to wait 20 s, more than the ETL_MAX_RETRY_WAIT_SECONDS (300 s a request), which it has already waited 290 s of; not retried" },
    },
    { name: "honours a Retry-After that fits what is left", outcome: response(429, { "retry-after": "10" }), state: { attempt: 2, waitedMs: 290_000 }, expected: { retry: true, delayMs: 10_000 } },
    { name: "gives the last attempt no wait", outcome: response(429, { "retry-after": "999999" }), state: { attempt: 3, waitedMs: 0 }, expected: { retry: false } },
  ])("$name", ({ outcome, state, expected }) => {
    expect(planRetry(outcome, { ...STATE, ...state })).toEqual(expected.retry ? { ...expected, reason: expect.any(String) } : expected);
  });
});
