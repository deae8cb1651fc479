import { describe, expect, it } from "vitest";
import { formatColumns, renderReport } from "../../../bench/report";
import type { BenchResult, StageMeasurement, StageName } from "../../../bench/result";

describe("formatColumns", () => {
  it.each([
    { name: "pads the first column on the right and the others on the left", rows: [["a", "1"], ["long", "100"]], expected: "a       1\nlong  100" },
    { name: "trims the padding of a last empty cell", rows: [["a", ""], ["bb", ""]], expected: "a\nbb" },
    { name: "prints nothing for no rows", rows: [], expected: "" },
  ])("$name", ({ rows, expected }) => {
    expect(formatColumns(rows)).toBe(expected);
  });
});

function makeStage(stage: StageName, overrides: Partial<StageMeasurement> = {}): StageMeasurement {
  return {
    stage,
    stageSeconds: 2,
    processSeconds: 3.5,
    records: 1_000,
    perSecond: 500,
    incidentIoRequests: stage === "extract" ? 25 : 0,
    portRequests: stage === "load" ? 60 : 0,
    portRoutes: {},
    rateLimited: 0,
    entityWrites: stage === "load" ? 1_000 : 0,
    placeholders: 0,
    peakRssMb: 180,
    peakTreeRssMb: 195,
    startRssMb: 150,
    cpuSeconds: 2.5,
    jqCpuSeconds: stage === "transform" ? 0.5 : 0,
    loadAverage: 0.5,
    perCpuSecond: 400,
    processCpuSeconds: 4,
    sandboxCpuSeconds: 1.25,
    ...overrides,
  };
}

const RESULT: BenchResult = {
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:01:00.000Z",
  machine: { node: "v20.0.0", cpus: 2, totalMemoryMb: 24_000, loadAverageAtStart: 0.2 },
  scale: "small",
  fractions: [
    {
      fraction: 1,
      counts: { users: 100, alert_sources: 1, schedules: 10, alerts: 4_000, incidents: 400, catalog_types: 1, catalog_entries: [4], severities: 4, teams: 4, follow_ups: 400 },
      phases: [
        { phase: "cold", stages: [makeStage("extract"), makeStage("transform"), makeStage("load")] },
        { phase: "no-change", stages: [makeStage("extract"), makeStage("transform"), makeStage("load", { entityWrites: 0, portRequests: 12 })] },
      ],
      entitiesByBlueprint: { user: 100 },
      ocean: { upserts: 240, searches: 100, total: 340 },
    },
  ],
  baselines: {
    perRecordJq: { records: 30, seconds: 1.5, perSecond: 20, cpuSeconds: 0.6, perCpuSecond: 50, errors: 0 },
    latency: {
      fraction: 1,
      latencyMs: 50,
      requests: 90,
      concurrentSeconds: 5,
      longestKind: { name: "alerts", mode: "full", records: 4_000, requests: 81, seconds: 4.5 },
      sequentialSeconds: 6,
      sequentialRequests: 90,
    },
  },
  targets: [
    { name: "no-change run", target: "0 entity writes", measured: "100%: 0 writes", pass: true },
    { name: "transform", target: "≥ 20,000 entities/s", measured: "500 entities/s", pass: false },
    { name: "peak RSS at the large scale", target: "< 400 MB", measured: "not run", pass: undefined },
  ],
};

describe("renderReport", () => {
  const text = renderReport(RESULT);

  it("prints one row per stage of each phase", () => {
    expect(text).toMatch(/^cold extract +2\.00 +3\.50 +1,000 +500 +400 +25 +0 +0 +0 +180 +195 +2\.50 +0\.00 +1\.25 +0\.5$/m);
    expect(text).toMatch(/^no-change load +2\.00 +3\.50 +1,000 +500 +400 +0 +12 +0 +0 +180 +195 +2\.50 +0\.00 +1\.25 +0\.5$/m);
  });

  it("compares Ocean's re-upload with the Port requests of the no-change run", () => {
    expect(text).toContain("(b) Ocean's full re-upload: 240 bulk upserts + 100 read-back searches = 340 Port requests; ours: no-change 12 (28× fewer)");
  });

  it("prints the baselines it measured and skips the others", () => {
    expect(text).toContain("(a) node-jq spawned per record: 30 records in 1.50 s = 20.0 records/s, 50.0 per CPU second (0 failed)");
    expect(text).toContain(
      "(c) 50 ms a request at 100%: concurrent 5.00 s (90 requests) vs kinds one by one 6.00 s (90 requests) = 1.20×; longest kind alerts: 4.50 s for 81 requests (4.05 s of latency alone)",
    );
    expect(text).not.toContain("(d)");
  });

  it("marks each target passed, failed or not measured", () => {
    expect(text).toMatch(/^\[pass\] no-change run +0 entity writes +100%: 0 writes$/m);
    expect(text).toMatch(/^\[FAIL\] transform +≥ 20,000 entities\/s +500 entities\/s$/m);
    expect(text).toMatch(/^\[ -- \] peak RSS at the large scale +< 400 MB +not run$/m);
  });

  it.each([
    {
      name: "passes a terminal run within 10% of the piped one",
      terminal: { wallSeconds: 4.3, cpuSeconds: 5.2 },
      line: "[pass] wall 4.30 s vs 4.00 s = 1.07×, CPU 5.20 s vs 5.00 s = 1.04× (goal ≤ 1.10×)",
    },
    {
      name: "fails a terminal run whose CPU is more than 10% above the piped one",
      terminal: { wallSeconds: 4.3, cpuSeconds: 5.6 },
      line: "[FAIL] wall 4.30 s vs 4.00 s = 1.07×, CPU 5.60 s vs 5.00 s = 1.12× (goal ≤ 1.10×)",
    },
  ])("terminal cost: $name", ({ terminal, line }) => {
    const piped = { wallSeconds: 4, cpuSeconds: 5 };
    const cost = { measured: true as const, columns: 120, rows: 40, repeats: 3, terminal, piped, wallRatio: terminal.wallSeconds / 4, cpuRatio: terminal.cpuSeconds / 5, runs: [] };
    const lines = renderReport(RESULT, cost).split("\n");
    const title = lines.indexOf("Terminal cost (issue 13): etl demo, fresh staging file, on a pseudo-terminal vs piped (120×40, median of 3 each):");
    expect(title).toBeGreaterThan(0);
    expect(lines[title + 1]).toBe(line);
  });

  it("says why the terminal cost was not measured", () => {
    expect(renderReport(RESULT, { measured: false, reason: "/usr/bin/script not found (Debian: apt-get install bsdutils)" })).toContain(
      "Terminal cost (issue 13): etl demo, fresh staging file, on a pseudo-terminal vs piped: not measured: /usr/bin/script not found (Debian: apt-get install bsdutils)\n",
    );
  });

  it("says why a run stopped early", () => {
    expect(renderReport({ ...RESULT, error: "etl load --json failed: exit 1" })).toMatch(/Stopped early: etl load --json failed: exit 1\n$/);
  });
});
