import { describe, expect, it } from "vitest";
import type { CounterDelta } from "../../../bench/measure";
import { measureSyncRun } from "../../../bench/sync-measure";
import type { RunSummary } from "../../../src/model/summary";

const DELTA: CounterDelta = {
  incidentIoRequests: 720,
  incidentIoByPath: { "/v2/alerts?status[not_in]": 700, "/v2/users?include_inactive": 20 },
  portRequests: 3,
  portRoutes: { searchEntities: 3 },
  rateLimited: 0,
  entityWrites: 0,
  placeholders: 0,
  sandboxCpuSeconds: 4,
};

function kindSummary(name: string, records: number, mapped?: number) {
  return { kind: `/v2/${name}`, name, records, entities: records, skipped: 0, filtered: 0, heldBack: 0, mappingErrors: 0, danglingRelations: 0, durationMs: 100, ...(mapped === undefined ? {} : { mapped }) };
}

const SUMMARY: RunSummary = {
  runId: 2,
  status: "succeeded",
  extract: { runId: 2, requests: 720, durationMs: 36_000, kinds: [{ kind: "/v2/alerts", name: "alerts", status: "complete", mode: "incremental", pages: 700, records: 35_000, requests: 700, rejected: 0, durationMs: 35_000 }] },
  transform: { runId: 2, durationMs: 1_500, blueprints: {}, kinds: [kindSummary("alerts", 35_000, 12), kindSummary("users", 100)] },
  load: { runId: 2, durationMs: 500, blueprints: [], requests: { entityWrites: 0, other: 3 }, dryRun: false },
  durationMs: 38_000,
  databasePath: "bench.sqlite",
  errors: [],
};

describe("measureSyncRun", () => {
  it("takes the stages' times from the summary, the requests from the sandboxes and the budget's share from the requests", () => {
    const measured = measureSyncRun("hourly", SUMMARY, { maxRssMb: 250, peakTreeRssMb: 290 }, DELTA, { wallSeconds: 41, loadAverage: 2 }, undefined);
    expect(measured).toMatchObject({
      phase: "hourly",
      wallSeconds: 41,
      extractSeconds: 36,
      transformSeconds: 1.5,
      loadSeconds: 0.5,
      incidentIoRequests: 720,
      incidentIoByRoute: DELTA.incidentIoByPath,
      hourBudgetShare: 0.01,
      budgetMinimumSeconds: 36,
      // A kind whose summary does not say what it mapped mapped every record.
      transformMapped: 112,
      transformRecords: 35_100,
      peakRssMb: 250,
      peakTreeRssMb: 290,
      kinds: [{ name: "alerts", mode: "incremental", records: 35_000, requests: 700, seconds: 35 }],
    });
    expect(measured.changed).toBeUndefined();
  });

  it("keeps what the phase changed", () => {
    const changed = { total: 3, byKind: { alerts: 3 } };
    expect(measureSyncRun("one-percent", SUMMARY, { maxRssMb: 1, peakTreeRssMb: 1 }, DELTA, { wallSeconds: 1, loadAverage: 0 }, changed).changed).toBe(changed);
  });
});
