import { describe, expect, it } from "vitest";
import { BenchUsageError, countsFor, parseBenchArgs } from "../../../bench/options";

describe("parseBenchArgs", () => {
  it.each([
    { name: "runs the large scale at 10%, 50% and 100% by default", argv: [], expected: { scale: "large", fractions: [0.1, 0.5, 1], jqSample: 300, outDir: undefined } },
    { name: "runs the small scale once with a small jq sample under --quick", argv: ["--quick"], expected: { scale: "small", fractions: [1], jqSample: 30, outDir: undefined } },
    { name: "lets flags given with --quick win", argv: ["--quick", "--scale", "medium", "--fraction", "0.5"], expected: { scale: "medium", fractions: [0.5], jqSample: 30, outDir: undefined } },
    { name: "sorts and dedupes comma-separated and repeated fractions", argv: ["--fraction", "1,0.1", "--fraction", "0.5", "--fraction", "0.1"], expected: { scale: "large", fractions: [0.1, 0.5, 1], jqSample: 300, outDir: undefined } },
    { name: "runs the xl scale once by default", argv: ["--scale", "xl"], expected: { scale: "xl", fractions: [1], jqSample: 300, outDir: undefined } },
    { name: "runs the xl scale at the fractions asked for", argv: ["--scale", "xl", "--fraction", "0.1"], expected: { scale: "xl", fractions: [0.1], jqSample: 300, outDir: undefined } },
    { name: "takes the output directory", argv: ["--out", "somewhere"], expected: { scale: "large", fractions: [0.1, 0.5, 1], jqSample: 300, outDir: "somewhere" } },
    { name: "runs the webhook phase at the small scale under --webhooks", argv: ["--webhooks"], expected: { scale: "small", fractions: [1], jqSample: 300, outDir: undefined, webhooks: true } },
    { name: "runs the webhook phase at the scale asked for", argv: ["--webhooks", "--scale", "medium"], expected: { scale: "medium", fractions: [1], jqSample: 300, outDir: undefined, webhooks: true } },
  ])("$name", ({ argv, expected }) => {
    expect(parseBenchArgs(argv)).toEqual({ webhooks: false, ...expected, help: false });
  });

  it.each([
    { name: "an unknown scale", argv: ["--scale", "huge"], message: "--scale: one of small, medium, large, xl, got huge" },
    { name: "a fraction above 1", argv: ["--fraction", "2"], message: "--fraction: each value must be above 0 and at most 1, got 2" },
    { name: "a fraction that is not a number", argv: ["--fraction", "half"], message: "--fraction: each value must be above 0 and at most 1, got half" },
    { name: "a zero fraction", argv: ["--fraction", "0"], message: "--fraction: each value must be above 0 and at most 1, got 0" },
  ])("refuses $name", ({ argv, message }) => {
    expect(() => parseBenchArgs(argv)).toThrow(new BenchUsageError(message));
  });

  it("refuses an unknown flag", () => {
    expect(() => parseBenchArgs(["--fast"])).toThrow(BenchUsageError);
  });
});

describe("countsFor", () => {
  it.each([
    { name: "large at 100% is issue 6's organisation", scale: "large" as const, fraction: 1, incidents: 20_000, alerts: 200_000, users: 5_000, types: 50, entries: 200 },
    { name: "large at 10% has a tenth of everything", scale: "large" as const, fraction: 0.1, incidents: 2_000, alerts: 20_000, users: 500, types: 5, entries: 20 },
    { name: "small is 2% of large", scale: "small" as const, fraction: 1, incidents: 400, alerts: 4_000, users: 100, types: 1, entries: 4 },
    { name: "xl at 100% is issue 14's organisation", scale: "xl" as const, fraction: 1, incidents: 100_000, alerts: 1_000_000, users: 10_000, types: 60, entries: 500 },
    { name: "xl at 10% has a tenth of it", scale: "xl" as const, fraction: 0.1, incidents: 10_000, alerts: 100_000, users: 1_000, types: 6, entries: 50 },
    { name: "medium at 50% is a tenth of large", scale: "medium" as const, fraction: 0.5, incidents: 2_000, alerts: 20_000, users: 500, types: 5, entries: 20 },
  ])("$name", ({ scale, fraction, incidents, alerts, users, types, entries }) => {
    const counts = countsFor(scale, fraction);
    expect([counts.incidents, counts.alerts, counts.users, counts.catalog_types, (counts.catalog_entries as number[])[0], counts.severities]).toEqual([incidents, alerts, users, types, entries, 4]);
  });
});
