import { describe, expect, it } from "vitest";
import type { HostCounters } from "../../../bench/host-protocol";
import { countStageRecords, diffCounters, measureStage } from "../../../bench/measure";
import type { RunSummary } from "../../../src/model/summary";

function makeCounters(overrides: { incidentIo?: Partial<HostCounters["incidentIo"]>; port?: Partial<HostCounters["port"]>; hostCpuSeconds?: number } = {}): HostCounters {
  return {
    incidentIo: { requests: 0, byPath: {}, byStatus: {}, ...overrides.incidentIo },
    port: { requests: 0, byRoute: {}, byStatus: {}, writes: { upsert: 0, delete: 0, placeholder: 0 }, ...overrides.port },
    host: { maxRssMb: 100, cpuSeconds: overrides.hostCpuSeconds ?? 1 },
  };
}

const SUMMARY: RunSummary = {
  runId: 3,
  status: "succeeded",
  durationMs: 9_000,
  databasePath: "bench.sqlite",
  errors: [],
  extract: {
    runId: 3,
    requests: 5,
    durationMs: 2_000,
    kinds: [
      { kind: "/v2/users", name: "users", status: "complete", mode: "full", pages: 1, records: 40, requests: 1, rejected: 0, durationMs: 500 },
      { kind: "/v2/incidents", name: "incidents", status: "complete", mode: "incremental", pages: 1, records: 10, requests: 4, rejected: 0, durationMs: 1_500 },
    ],
  },
  transform: {
    runId: 3,
    durationMs: 4_000,
    blueprints: { user: 40, incident: 10 },
    kinds: [
      { kind: "/v2/users", name: "users", records: 40, entities: 40, skipped: 0, filtered: 0, heldBack: 0, mappingErrors: 0, danglingRelations: 0, durationMs: 1 },
      { kind: "/v2/incidents", name: "incidents", records: 12, entities: 10, skipped: 2, filtered: 0, heldBack: 0, mappingErrors: 0, danglingRelations: 0, durationMs: 1 },
    ],
  },
  load: {
    runId: 3,
    durationMs: 500,
    dryRun: false,
    requests: { entityWrites: 1, other: 3 },
    blueprints: [
      { blueprint: "user", created: 1, updated: 2, deleted: 3, unchanged: 34, failed: 0, deletesWithheld: 0 },
      { blueprint: "incident", created: 0, updated: 0, deleted: 0, unchanged: 10, failed: 0, deletesWithheld: 0 },
    ],
  },
};

describe("diffCounters", () => {
  it("subtracts two readings, keeping only the routes and paths that moved", () => {
    const before = makeCounters({
      incidentIo: { requests: 10, byPath: { "/v2/users": 4, "/v2/alerts": 6 }, byStatus: { "200": 10 } },
      port: { requests: 5, byRoute: { createAccessToken: 1, bulkUpsertEntities: 4 }, byStatus: { "200": 5 }, writes: { upsert: 80, delete: 0, placeholder: 2 } },
      hostCpuSeconds: 2,
    });
    const after = makeCounters({
      incidentIo: { requests: 13, byPath: { "/v2/users": 4, "/v2/alerts": 9 }, byStatus: { "200": 12, "429": 1 } },
      port: { requests: 9, byRoute: { createAccessToken: 2, bulkUpsertEntities: 7 }, byStatus: { "200": 8, "429": 1 }, writes: { upsert: 130, delete: 5, placeholder: 3 } },
      hostCpuSeconds: 3.5,
    });
    expect(diffCounters(before, after)).toEqual({
      incidentIoRequests: 3,
      incidentIoByPath: { "/v2/alerts": 3 },
      portRequests: 4,
      portRoutes: { createAccessToken: 1, bulkUpsertEntities: 3 },
      rateLimited: 2,
      entityWrites: 55,
      placeholders: 1,
      sandboxCpuSeconds: 1.5,
    });
  });
});

describe("countStageRecords", () => {
  it.each([
    { stage: "extract" as const, expected: 50, name: "counts records read for extract" },
    { stage: "transform" as const, expected: 50, name: "counts entities staged for transform" },
    { stage: "load" as const, expected: 50, name: "counts entities compared with Port's copy for load" },
  ])("$name", ({ stage, expected }) => {
    expect(countStageRecords(stage, SUMMARY)).toBe(expected);
  });
});

describe("measureStage", () => {
  const report = { startRssMb: 150, maxRssMb: 210, peakTreeRssMb: 236, cpuSeconds: 3, childCpuSeconds: 1.5 };
  const command = { cpuSeconds: 1.5, jqCpuSeconds: 1 };
  const delta = diffCounters(makeCounters(), makeCounters({ incidentIo: { requests: 5, byPath: {}, byStatus: {} } }));

  it("rates an extract by its own duration and lists its kinds", () => {
    const measured = measureStage("extract", SUMMARY, report, command, delta, { processSeconds: 4, loadAverage: 1.5 });
    expect(measured).toMatchObject({ stage: "extract", stageSeconds: 2, processSeconds: 4, records: 50, perSecond: 25, incidentIoRequests: 5, peakRssMb: 210, peakTreeRssMb: 236, startRssMb: 150 });
    expect([measured.cpuSeconds, measured.jqCpuSeconds, measured.perCpuSecond, measured.processCpuSeconds]).toEqual([1.5, 1, 20, 3]);
    expect(measured.kinds).toEqual([
      { name: "users", mode: "full", records: 40, requests: 1, seconds: 0.5 },
      { name: "incidents", mode: "incremental", records: 10, requests: 4, seconds: 1.5 },
    ]);
  });

  it("rates a transform by entities and lists no kinds", () => {
    const measured = measureStage("transform", SUMMARY, report, command, delta, { processSeconds: 6, loadAverage: 0 });
    expect([measured.stageSeconds, measured.perSecond, measured.kinds]).toEqual([4, 12.5, undefined]);
  });
});
