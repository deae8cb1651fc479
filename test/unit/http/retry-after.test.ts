import { describe, expect, it } from "vitest";
import { parseRateLimitReset, parseRetryAfter } from "../../../src/http/retry-after";

const NOW = Date.parse("2025-04-17T11:17:00Z");

describe("parseRetryAfter", () => {
  it.each([
    { name: "delta-seconds", value: "3", expected: 3000 },
    { name: "delta-seconds with spaces", value: " 0 ", expected: 0 },
    { name: "an HTTP date in the future", value: "Thu, 17 Apr 2025 11:17:18 GMT", expected: 18_000 },
    { name: "Incident.io's UTC-suffixed date", value: "Thu, 17 Apr 2025 11:17:18 UTC", expected: 18_000 },
    { name: "an HTTP date in the past", value: "Thu, 17 Apr 2025 11:16:00 GMT", expected: 0 },
    { name: "a missing header", value: null, expected: undefined },
    { name: "an empty header", value: "", expected: undefined },
    { name: "garbage", value: "soon", expected: undefined },
    { name: "a negative number", value: "-5", expected: undefined },
  ])("reads $name", ({ value, expected }) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("parseRateLimitReset", () => {
  it.each([
    { name: "small numbers as delta-seconds", value: "30", expected: 30_000 },
    { name: "large numbers as epoch seconds", value: String(NOW / 1000 + 12), expected: 12_000 },
    { name: "an epoch in the past as no wait", value: String(NOW / 1000 - 60), expected: 0 },
    { name: "an ISO date", value: "2025-04-17T11:17:05Z", expected: 5000 },
    { name: "a missing header as unknown", value: null, expected: undefined },
  ])("reads $name", ({ value, expected }) => {
    expect(parseRateLimitReset(value, NOW)).toBe(expected);
  });
});
