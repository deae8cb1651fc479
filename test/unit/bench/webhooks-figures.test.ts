import { describe, expect, it } from "vitest";
import { matchPortWrites, measureInbox, percentile, summarizeLatencies } from "../../../bench/webhooks-figures";

describe("percentile", () => {
  it.each([
    { name: "no values is 0", values: [], p: 0.5, expected: 0 },
    { name: "one value is every percentile", values: [7], p: 0.99, expected: 7 },
    { name: "p50 of four is the second (nearest rank)", values: [1, 2, 3, 4], p: 0.5, expected: 2 },
    { name: "p95 of 100 is the 95th", values: Array.from({ length: 100 }, (_, i) => i + 1), p: 0.95, expected: 95 },
    { name: "p99 of 1,000 is the 990th", values: Array.from({ length: 1000 }, (_, i) => i + 1), p: 0.99, expected: 990 },
    { name: "p99 of ten is the largest", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 0.99, expected: 10 },
  ])("$name", ({ values, p, expected }) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("summarizeLatencies", () => {
  it("sorts before taking percentiles", () => {
    expect(summarizeLatencies([300, 100, 200])).toEqual({ count: 3, p50Ms: 200, p95Ms: 300, p99Ms: 300, maxMs: 300 });
  });
});

describe("measureInbox", () => {
  it("takes receipt → application of applied events, and their rate from the first receipt to the last application", () => {
    const rows = [
      { receivedAt: "2026-01-01T00:00:00.000Z", appliedAt: "2026-01-01T00:00:00.100Z" },
      { receivedAt: "2026-01-01T00:00:01.000Z", appliedAt: "2026-01-01T00:00:01.300Z" },
      { receivedAt: "2026-01-01T00:00:01.500Z", appliedAt: "2026-01-01T00:00:02.000Z" },
      { receivedAt: "2026-01-01T00:00:01.900Z", appliedAt: null },
    ];
    expect(measureInbox(rows)).toEqual({ latency: { count: 3, p50Ms: 300, p95Ms: 500, p99Ms: 500, maxMs: 500 }, perSecond: 1.5, pending: 1 });
  });

  it("has no rate without applied events", () => {
    expect(measureInbox([{ receivedAt: "2026-01-01T00:00:00.000Z", appliedAt: null }]).perSecond).toBe(0);
  });
});

describe("matchPortWrites", () => {
  it.each([
    { name: "the first write of the entity at or after the post", writes: [{ at: 50 }, { at: 120 }, { at: 300 }], expected: { count: 1, p50Ms: 20, unmatched: 0 } },
    { name: "no write after the post is unmatched", writes: [{ at: 50 }], expected: { count: 0, p50Ms: 0, unmatched: 1 } },
  ])("$name", ({ writes, expected }) => {
    const result = matchPortWrites([{ identifier: "1", sentAt: 100 }], writes.map(({ at }) => ({ identifier: "1", at })));
    expect({ count: result.latency.count, p50Ms: result.latency.p50Ms, unmatched: result.unmatched }).toEqual(expected);
  });

  it("matches writes of the event's entity only", () => {
    const result = matchPortWrites([{ identifier: "1", sentAt: 100 }], [{ identifier: "2", at: 110 }]);
    expect(result.unmatched).toBe(1);
  });
});
