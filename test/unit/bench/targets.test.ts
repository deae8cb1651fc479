import { describe, expect, it } from "vitest";
import type { Baselines, FractionResult, PhaseName, RateLimitBaseline, StageMeasurement, StageName } from "../../../bench/result";
import { judgeTargets } from "../../../bench/targets";

function makeStage(stage: StageName, overrides: Partial<StageMeasurement> = {}): StageMeasurement {
  return {
    stage,
    stageSeconds: 10,
    processSeconds: 12,
    records: 250_000,
    perSecond: 25_000,
    incidentIoRequests: 0,
    portRequests: 0,
    portRoutes: {},
    rateLimited: 0,
    entityWrites: 0,
    placeholders: 0,
    peakRssMb: 300,
    peakTreeRssMb: 320,
    startRssMb: 150,
    cpuSeconds: 8,
    jqCpuSeconds: 0,
    loadAverage: 1,
    perCpuSecond: 30_000,
    processCpuSeconds: 10,
    sandboxCpuSeconds: 5,
    ...overrides,
  };
}

const incidents = (mode: string, requests: number) => [{ name: "incidents", mode, records: 100, requests, seconds: 1 }];

interface FractionOverrides {
  readonly peakRssMb?: number;
  readonly extractPerSecond?: number;
  readonly transformPerSecond?: number;
  readonly writes?: Partial<Record<PhaseName, number>>;
  readonly incremental?: { mode: string; requests: number };
}

function makeFraction(fraction: number, overrides: FractionOverrides = {}): FractionResult {
  const { peakRssMb = 300, extractPerSecond = 25_000, transformPerSecond = 25_000, writes = {}, incremental = { mode: "incremental", requests: 2 } } = overrides;
  const phase = (name: PhaseName, changed: number | undefined, extractKinds = incidents("full", 80)) => ({
    phase: name,
    ...(changed === undefined ? {} : { changed: { total: changed, byKind: {} } }),
    stages: [
      makeStage("extract", { kinds: extractKinds, peakRssMb, perSecond: extractPerSecond }),
      makeStage("transform", { peakRssMb, perSecond: transformPerSecond }),
      makeStage("load", { entityWrites: writes[name] ?? changed ?? 0, peakRssMb }),
    ],
  });
  return {
    fraction,
    counts: { users: 1, alert_sources: 1, schedules: 1, alerts: 1, incidents: 1, catalog_types: 1, catalog_entries: 1, severities: 1, teams: 1, follow_ups: 1 },
    phases: [phase("cold", undefined), phase("no-change", undefined), phase("one-percent", 2_500), phase("incremental", 180, incidents(incremental.mode, incremental.requests))],
    entitiesByBlueprint: {},
    ocean: { upserts: 0, searches: 0, total: 0 },
  };
}

const RATE_LIMIT: RateLimitBaseline = {
  fraction: 0.1,
  rateLimit: { requestsPerMinute: 1200, timeScale: 5 },
  productRequestsPerMinute: 6000,
  requests: 1000,
  rateLimited: 0,
  seconds: 10.5,
  minimumSeconds: 10,
};
const BASELINES: Baselines = { perRecordJq: { records: 300, seconds: 10, perSecond: 30, cpuSeconds: 3, perCpuSecond: 100, errors: 0 }, rateLimit: RATE_LIMIT };

function verdictOf(name: string, fractions: FractionResult[], baselines = BASELINES, scale: "small" | "large" = "large") {
  return judgeTargets({ scale, fractions, baselines }).find((verdict) => verdict.name === name);
}

describe("judgeTargets", () => {
  it("passes every target of a run that meets them all", () => {
    const verdicts = judgeTargets({ scale: "large", fractions: [makeFraction(0.1, { peakRssMb: 200 }), makeFraction(1)], baselines: BASELINES });
    expect(verdicts.filter((v) => v.pass !== true).map((v) => v.name)).toEqual([]);
    expect(verdicts).toHaveLength(10);
  });

  it.each([
    { name: "extract, no latency", fractions: [makeFraction(1, { extractPerSecond: 19_999 })], baselines: BASELINES },
    { name: "transform", fractions: [makeFraction(1, { transformPerSecond: 5_000 })], baselines: BASELINES },
    { name: "no-change run", fractions: [makeFraction(0.1, { writes: { "no-change": 1 } }), makeFraction(1)], baselines: BASELINES },
    { name: "1%-change run", fractions: [makeFraction(1, { writes: { "one-percent": 2_501 } })], baselines: BASELINES },
    { name: "incremental run: Incident.io requests for incidents", fractions: [makeFraction(1, { incremental: { mode: "incremental", requests: 5 } })], baselines: BASELINES },
    { name: "incremental run: Incident.io requests for incidents", fractions: [makeFraction(1, { incremental: { mode: "full", requests: 1 } })], baselines: BASELINES },
    { name: "peak RSS at the large scale", fractions: [makeFraction(1, { peakRssMb: 400 })], baselines: BASELINES },
    { name: "peak RSS growth from the smallest to the largest fraction", fractions: [makeFraction(0.1, { peakRssMb: 160 }), makeFraction(1, { peakRssMb: 300 })], baselines: BASELINES },
    { name: "extract under 1,200 requests a minute", fractions: [makeFraction(1)], baselines: { ...BASELINES, rateLimit: { ...RATE_LIMIT, seconds: 11.6 } } },
    { name: "extract under 1,200 requests a minute", fractions: [makeFraction(1)], baselines: { ...BASELINES, rateLimit: { ...RATE_LIMIT, rateLimited: 1 } } },
    { name: "transform vs jq spawned per record", fractions: [makeFraction(1)], baselines: { ...BASELINES, perRecordJq: { records: 300, seconds: 2, perSecond: 150, cpuSeconds: 1, perCpuSecond: 300, errors: 0 } } },
  ])("fails $name when the run misses it", ({ name, fractions, baselines }) => {
    expect(verdictOf(name, fractions, baselines)?.pass).toBe(false);
  });

  it.each([
    { name: "peak RSS at the large scale", scale: "small" as const, fractions: [makeFraction(1)] },
    { name: "peak RSS at the large scale", scale: "large" as const, fractions: [makeFraction(0.5)] },
    { name: "peak RSS growth from the smallest to the largest fraction", scale: "large" as const, fractions: [makeFraction(1)] },
    { name: "extract under 1,200 requests a minute", scale: "large" as const, fractions: [makeFraction(1)], baselines: {} },
  ])("leaves $name unjudged when the run did not measure it ($scale)", ({ name, scale, fractions, baselines }) => {
    expect(verdictOf(name, fractions, baselines ?? BASELINES, scale)?.pass).toBeUndefined();
  });

  it("states what it measured for the incremental run", () => {
    expect(verdictOf("incremental run: Incident.io requests for incidents", [makeFraction(1, { incremental: { mode: "full", requests: 80 } })])?.measured).toBe(
      "80 full vs 80 incremental = 1.0× at 100% — the product read incidents in full mode",
    );
  });

  it("states the per-record ratio by the wall clock and by CPU", () => {
    expect(verdictOf("transform vs jq spawned per record", [makeFraction(1)])?.measured).toBe("25000 vs 30.0 records/s = 833× (per CPU second: 30000 vs 100.0 = 300×)");
  });
});
