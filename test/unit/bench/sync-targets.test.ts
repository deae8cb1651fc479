import { describe, expect, it } from "vitest";
import type { SyncPhaseMeasurement, SyncPhaseName, SyncScaleResult } from "../../../bench/result";
import { judgeSyncTargets } from "../../../bench/targets";

function makePhase(phase: SyncPhaseName, overrides: Partial<SyncPhaseMeasurement> = {}): SyncPhaseMeasurement {
  return {
    phase,
    wallSeconds: 40,
    extractSeconds: 30,
    transformSeconds: 2,
    loadSeconds: 1,
    incidentIoRequests: 600,
    incidentIoByRoute: {},
    hourBudgetShare: 600 / 72_000,
    budgetMinimumSeconds: 30,
    portRequests: 10,
    portRoutes: {},
    entityWrites: 0,
    placeholders: 0,
    rateLimited: 0,
    transformMapped: 0,
    transformRecords: 1_000,
    peakRssMb: 250,
    peakTreeRssMb: 300,
    kinds: [],
    loadAverage: 1,
    ...overrides,
  };
}

function makeResult(overrides: Partial<Record<SyncPhaseName, Partial<SyncPhaseMeasurement>>> = {}, comparison = { staged: 1_000, missing: 0, differing: 0, extra: 0, examples: [] as string[] }): SyncScaleResult {
  return {
    fraction: 1,
    counts: { users: 1, alert_sources: 1, schedules: 1, alerts: 1, incidents: 1, catalog_types: 1, catalog_entries: 1, severities: 1, teams: 1, follow_ups: 1 },
    latencyMs: 150,
    requestsPerMinute: 1200,
    phases: [
      makePhase("cold", { wallSeconds: 1_200, extractSeconds: 1_100, incidentIoRequests: 21_000, budgetMinimumSeconds: 1_050, entityWrites: 1_000, ...overrides.cold }),
      makePhase("hourly", overrides.hourly),
      makePhase("one-percent", { changed: { total: 10, byKind: { alerts: 10 } }, entityWrites: 10, ...overrides["one-percent"] }),
      makePhase("full-refresh", { wallSeconds: 1_300, extractSeconds: 1_100, incidentIoRequests: 21_000, budgetMinimumSeconds: 1_050, ...overrides["full-refresh"] }),
    ],
    ocean: { incidentIoRequests: 21_000, hourBudgetShare: 21_000 / 72_000, budgetMinimumSeconds: 1_050, portRequests: 100, entityWrites: 1_000 },
    portAfterFullRefresh: comparison,
  };
}

function verdictOf(name: string, result: SyncScaleResult) {
  return judgeSyncTargets([result]).find((verdict) => verdict.name === name)?.pass;
}

describe("judgeSyncTargets", () => {
  it("passes a run that meets every target of issue 14", () => {
    expect(judgeSyncTargets([makeResult()]).map((verdict) => [verdict.name, verdict.pass])).toEqual([
      ["hourly no-change run: wall time", true],
      ["hourly no-change run: Incident.io requests", true],
      ["hourly no-change run: Port entity writes", true],
      ["1%-change run: Port entity writes", true],
      ["1%-change run: Port exact afterwards", true],
      ["cold run: full read under the budget", true],
      ["full refresh: full read under the budget", true],
      ["peak RSS of the process tree, every phase", true],
    ]);
  });

  it.each([
    { name: "hourly no-change run: wall time", result: makeResult({ hourly: { wallSeconds: 61 } }) },
    { name: "hourly no-change run: Incident.io requests", result: makeResult({ hourly: { incidentIoRequests: 721, hourBudgetShare: 721 / 72_000 } }) },
    { name: "hourly no-change run: Port entity writes", result: makeResult({ hourly: { entityWrites: 1 } }) },
    { name: "1%-change run: Port entity writes", result: makeResult({ "one-percent": { entityWrites: 9 } }) },
    { name: "1%-change run: Port exact afterwards", result: makeResult({ "full-refresh": { entityWrites: 3 } }) },
    { name: "1%-change run: Port exact afterwards", result: makeResult({}, { staged: 1_000, missing: 0, differing: 1, extra: 0, examples: ["differing incidentioAlert/A1"] }) },
    { name: "cold run: full read under the budget", result: makeResult({ cold: { extractSeconds: 1_300 } }) },
    { name: "full refresh: full read under the budget", result: makeResult({ "full-refresh": { rateLimited: 1 } }) },
    { name: "peak RSS of the process tree, every phase", result: makeResult({ "one-percent": { peakTreeRssMb: 401 } }) },
  ])("fails $name when it is missed", ({ name, result }) => {
    expect(verdictOf(name, result)).toBe(false);
  });

  it("leaves what a run did not reach unmeasured", () => {
    const result = { ...makeResult(), phases: makeResult().phases.slice(0, 2), portAfterFullRefresh: undefined };
    expect(verdictOf("1%-change run: Port exact afterwards", result)).toBeUndefined();
    expect(verdictOf("full refresh: full read under the budget", result)).toBeUndefined();
    expect(verdictOf("peak RSS of the process tree, every phase", result)).toBe(false);
    expect(judgeSyncTargets([])).toEqual([{ name: "xl scale", target: "issue 14's targets", measured: "not run", pass: undefined }]);
  });
});
