import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import { WINDOW_PAGES } from "../../../src/extract/windows";
import type { Config } from "../../../src/model/config";
import type { ProgressEvent } from "../../../src/model/progress";
import type { IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import type { DatasetCounts } from "../../../src/sandbox/incidentio/scale";
import type { RecordedRequest } from "../../../src/sandbox/shared/request-log";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, recordProgress, runExtract, startSandbox } from "./harness";

const COUNTS: DatasetCounts = {
  users: 3,
  alert_sources: 2,
  schedules: 1,
  alerts: 216,
  incidents: 160,
  catalog_types: 1,
  catalog_entries: [1],
  severities: 2,
  teams: 1,
  follow_ups: 1,
};
const ALERTS = "/v2/alerts";
const INCIDENTS = "/v2/incidents";

/**
 * Every alert's created_at, rising with its place in the list as the API's ID order does: one before
 * the first planned window, one at its first instant, 100 on 2024-03-01 (the last at
 * 23:59:59.999), 100 on 2024-03-02 (the first at midnight, which created_at[lte]=2024-03-02 still
 * lists), and a few spread after.
 */
function alertTimes(): string[] {
  const times = ["2019-12-31T23:59:59Z", "2020-01-01T00:00:00Z"];
  for (let i = 0; i < 100; i += 1) times.push(new Date(Date.UTC(2024, 2, 1, 0, 5) + i * 860_000).toISOString());
  times[times.length - 1] = "2024-03-01T23:59:59.999Z";
  times.push("2024-03-02T00:00:00Z");
  for (let i = 1; i < 100; i += 1) times.push(new Date(Date.UTC(2024, 2, 2) + i * 860_000).toISOString());
  for (let i = 0; i < 14; i += 1) times.push(new Date(Date.UTC(2024, 6, 1) + i * 7 * 86_400_000).toISOString());
  return times;
}

async function startWindowSandbox(options: { latencyMs?: number } = {}): Promise<IncidentIoSandbox> {
  const sandbox = await startSandbox({ scale: COUNTS, seed: 11, ...options });
  const times = alertTimes();
  expect(times).toHaveLength(COUNTS.alerts);
  times.forEach((created_at, index) => sandbox.dataset.update("alerts", sandbox.dataset.idAt("alerts", index), { created_at }));
  return sandbox;
}

/** The shipped mapping's alerts and incidents, paged `pageSize` at a time, with a budget that leaves the test's pace to the sandbox. */
function configWithPageSize(sandbox: IncidentIoSandbox, pageSize: number, env: Record<string, string> = {}): Config {
  const config = configFor(sandbox, { env: { ETL_REQUESTS_PER_MINUTE: "60000", ...env } });
  const resources = config.mapping.resources
    .filter((r) => r.kind === ALERTS || r.kind === INCIDENTS)
    .map((r) => ({ ...r, selector: { ...r.selector, pagination: { ...r.selector.pagination, pageSize } } }));
  return { ...config, mapping: { ...config.mapping, resources } };
}

async function idsOf(db: StagingDb, kind: string): Promise<string[]> {
  const rows = await db.selectFrom("raw_records").select("record_id").where("kind", "=", kind).orderBy("record_id").execute();
  return rows.map((row) => row.record_id);
}

/** Rows the kind's read wrote, duplicates included: its counter before the final count replaces it. */
function rowsWritten(events: readonly ProgressEvent[], kind: string): number {
  const running = events.filter((e) => e.type === "kind" && e.kind === kind && e.state === "running");
  const last = running.at(-1);
  return last?.type === "kind" ? (last.records ?? 0) : 0;
}

function windowed(requests: readonly RecordedRequest[], path: string): RecordedRequest[] {
  return requests.filter((r) => r.path === path && (r.query["created_at[gte]"] !== undefined || r.query["created_at[lte]"] !== undefined));
}

describe("full reads in created_at windows", () => {
  it("stores the same alerts and incidents as one serial chain, each record once, across midnights and a day larger than the window bound", async () => {
    const sandbox = await startWindowSandbox();
    const serialDb = openTestDb().db;
    const serial = await runExtract(serialDb, configWithPageSize(sandbox, 50));
    expect(serial.kinds.map((k) => [k.name, k.status])).toEqual([
      ["alerts", "complete"],
      ["incidents", "complete"],
    ]);
    expect(windowed(sandbox.requests, ALERTS)).toEqual([]);
    sandbox.requests.length = 0;

    const db = openTestDb().db;
    const progress = recordProgress();
    const pageSize = 2;
    const summary = await runExtract(db, configWithPageSize(sandbox, pageSize), { progress });
    expect(summary.kinds.map((k) => [k.name, k.status, k.records])).toEqual([
      ["alerts", "complete", COUNTS.alerts],
      ["incidents", "complete", sandbox.dataset.count("incidents")],
    ]);
    expect(await idsOf(db, ALERTS)).toEqual(await idsOf(serialDb, ALERTS));
    expect(await idsOf(db, INCIDENTS)).toEqual(await idsOf(serialDb, INCIDENTS));

    // The first WINDOW_PAGES - 1 pages of the whole list are stored before it proves long; every
    // other row comes from exactly one window, though both windows around a midnight list its record.
    expect(rowsWritten(progress.events, ALERTS) - (WINDOW_PAGES - 1) * pageSize).toBe(COUNTS.alerts);
    expect(rowsWritten(progress.events, INCIDENTS) - (WINDOW_PAGES - 1) * pageSize).toBe(sandbox.dataset.count("incidents"));
    expect(sandbox.dataset.count("alerts", { createdAtGte: "2024-03-01", createdAtLte: "2024-03-02" })).toBe(101);

    const alertWindows = windowed(sandbox.requests, ALERTS).map((r) => `${r.query["created_at[gte]"] ?? ""}~${r.query["created_at[lte]"] ?? ""}`);
    expect(alertWindows).toContain("2024-03-01~2024-03-02");
    expect(alertWindows).toContain("2024-03-02~2024-03-03");
    // 100 alerts of one day (and the next midnight's) are 51 pages: one chain, since a day cannot be cut.
    expect(alertWindows.filter((w) => w === "2024-03-01~2024-03-02")).toHaveLength(Math.ceil(101 / pageSize));
    // Empty windows cost one request each.
    expect(alertWindows).toContain("~2020-01-01");
  });

  it("fails the kind when one window fails, and deletes nothing the last complete read stored", async () => {
    const sandbox = await startWindowSandbox();
    const { db } = openTestDb();
    const config = configWithPageSize(sandbox, 2);
    const first = await runExtract(db, config, { runId: 1, only: ["alerts"] });
    expect(first.kinds.map((k) => k.status)).toEqual(["complete"]);
    const before = await idsOf(db, ALERTS);
    sandbox.dataset.remove("alerts", sandbox.dataset.idAt("alerts", 150));
    // Past the first windows' first pages: inside a window.
    sandbox.faults.add({ route: `GET ${ALERTS}`, fault: { type: "status", status: 400 }, skip: 30 });
    sandbox.requests.length = 0;

    const second = await runExtract(db, config, { runId: 2, only: ["alerts"], fullRefresh: true });

    expect(second.kinds.map((k) => [k.status, k.mode])).toEqual([["failed", "full"]]);
    // The last complete read showed the list to be long: the read starts in windows.
    expect(windowed(sandbox.requests, ALERTS)).toEqual(sandbox.requests.filter((r) => r.path === ALERTS));
    expect(second.kinds[0]?.error).toContain("400");
    const failed = sandbox.requests.find((r) => r.status === 400);
    expect(failed?.query["created_at[gte]"] ?? failed?.query["created_at[lte]"]).toBeDefined();
    expect(await idsOf(db, ALERTS)).toEqual(before);
  });

  it("reads alerts in windows when an incremental read turns into a full one", async () => {
    const sandbox = await startWindowSandbox();
    const { dataset } = sandbox;
    const { db } = openTestDb();
    const firing = dataset.idAt("alerts", 120);
    dataset.update("alerts", firing, { status: "firing" });
    const config = configWithPageSize(sandbox, 2, { ETL_ALERTS_BY_ID_MAX: "0" });
    expect((await runExtract(db, config, { runId: 1, only: ["alerts"] })).kinds.map((k) => k.status)).toEqual(["complete"]);
    dataset.update("alerts", firing, { status: "resolved" });
    sandbox.requests.length = 0;

    const second = await runExtract(db, config, { runId: 2, only: ["alerts"] });

    expect(second.kinds.map((k) => [k.status, k.mode, k.records])).toEqual([["complete", "full", COUNTS.alerts]]);
    const unfiltered = sandbox.requests.filter((r) => r.path === ALERTS && !Object.keys(r.query).some((key) => key.startsWith("created_at[") || key.startsWith("status[")));
    expect(unfiltered).toEqual([]);
    expect(windowed(sandbox.requests, ALERTS).filter((r) => r.query["created_at[lte]"] !== undefined).length).toBeGreaterThan(WINDOW_PAGES);
  });

  it("fails the kind when a window's paging repeats its cursor", async () => {
    const sandbox = await startWindowSandbox();
    const { db } = openTestDb();
    // Once the windows are being read, every next page names the cursor it was requested with.
    const progress = recordProgress((event) => {
      if (event.type === "kind" && event.pages === WINDOW_PAGES + 5) sandbox.setPageFault(ALERTS, { type: "repeat-cursor" });
    });
    const summary = await runExtract(db, configWithPageSize(sandbox, 2), { only: ["alerts"], progress });
    expect(summary.kinds.map((k) => k.status)).toEqual(["failed"]);
    expect(summary.kinds[0]?.error).toContain("the API is stuck on it");
    const stuck = sandbox.requests.filter((r) => r.query["after"] !== undefined).at(-1);
    expect(stuck?.query["created_at[gte]"] ?? stuck?.query["created_at[lte]"]).toBeDefined();
  });

  it("keeps several windows' requests in flight at once under latency", async () => {
    const latencyMs = 50;
    const sandbox = await startWindowSandbox({ latencyMs });
    const { db } = openTestDb();
    const summary = await runExtract(db, configWithPageSize(sandbox, 2), { only: ["alerts"] });
    expect(summary.kinds.map((k) => k.status)).toEqual(["complete"]);
    const requests = windowed(sandbox.requests, ALERTS);
    // A request still waits out its latency when one that arrived less than latencyMs later is served:
    // count, for each request, the other windows' requests that arrived while it was in flight.
    const key = (r: RecordedRequest) => `${r.query["created_at[gte]"] ?? ""}~${r.query["created_at[lte]"] ?? ""}`;
    const overlapping = requests.map((r) => new Set(requests.filter((o) => o !== r && o.at >= r.at && o.at < r.at + latencyMs && key(o) !== key(r)).map(key)).size);
    expect(Math.max(...overlapping)).toBeGreaterThanOrEqual(3);
  });
});
