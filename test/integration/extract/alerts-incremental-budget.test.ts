import { describe, expect, it } from "vitest";
import { finishExtractStatus, startExtractStatus } from "../../../db/queries/extract-status";
import { upsertRawRecords, type RawRecordRow } from "../../../db/queries/raw-records";
import { hashPayload } from "../../../src/extract/records";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, runExtract, startSandbox } from "./harness";

const ALERTS = "/v2/alerts";
const MILLION = 1_000_000;
// An hourly run in which nothing changed should cost next to nothing: at most 1% of the hour's 72,000
// requests (1,200 a minute).
const BUDGET = 720;

describe("an hourly incremental alerts read where nothing changed, at 10^6 alerts", () => {
  it(`costs one request for today's alerts and about one per 50 open alerts, read in created_at windows: at most ${BUDGET}`, async () => {
    const sandbox = await startSandbox({
      seed: 1,
      openAlerts: "few",
      scale: { users: 10, alert_sources: 60, schedules: 1, alerts: MILLION, incidents: 10, catalog_types: 1, catalog_entries: 10, severities: 4, teams: 2, follow_ups: 2 },
    });
    const { db } = openTestDb();
    // The staging file after the last complete full read, an hour ago: reading 10^6 alerts here would
    // take 20,000 requests, and only the alerts stored as open decide what is read by ID; resolved
    // ones are never read again until the next full read.
    const open = [...sandbox.dataset.records("alerts", { statusNotIn: ["resolved"] })];
    const fetchedAt = new Date(Date.now() - 3_600_000).toISOString();
    const rows: RawRecordRow[] = open.map((alert) => {
      const payload = JSON.stringify(alert);
      return { kind: ALERTS, parent_key: "", record_id: String(alert["id"]), payload, payload_hash: hashPayload(payload), run_id: 1, fetched_at: fetchedAt };
    });
    await upsertRawRecords(db, rows);
    await startExtractStatus(db, { runId: 1, kind: ALERTS, mode: "full", startedAt: fetchedAt });
    await finishExtractStatus(db, 1, ALERTS, { counters: { pages: MILLION / 50, records: MILLION, requests: MILLION / 50, rejected: 0 }, finishedAt: fetchedAt, outcome: { status: "complete" } });

    sandbox.requests.length = 0;
    const summary = await runExtract(db, configFor(sandbox), { runId: 2, only: ["alerts"] });
    const [alerts] = summary.kinds;
    expect(alerts).toMatchObject({ mode: "incremental", status: "complete", records: open.length });
    const requests = sandbox.requests.filter((request) => request.path.startsWith(ALERTS));
    expect(requests.filter((request) => request.path !== ALERTS)).toEqual([]);
    // The open alerts are read as created_at windows (a chain of hundreds of pages would wait out each
    // request's latency in turn); the windows' first pages and partly filled last pages cost a few more.
    const openList = requests.filter((request) => request.query["status[not_in]"] === "resolved");
    expect(openList.every((request) => "created_at[gte]" in request.query || "created_at[lte]" in request.query)).toBe(true);
    expect(requests.length).toBeGreaterThanOrEqual(1 + Math.ceil(open.length / 50));
    expect(requests.length).toBeLessThanOrEqual(1.1 * (1 + Math.ceil(open.length / 50)));
    expect(alerts?.requests).toBe(requests.length);
    expect(requests.length).toBeLessThanOrEqual(BUDGET);
  }, 120_000);
});
