import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import type { DatasetCounts } from "../../../src/sandbox/incidentio/scale";
import type { RecordedRequest } from "../../../src/sandbox/shared/request-log";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, countByKind, runExtract, startSandbox } from "./harness";

const COUNTS: DatasetCounts = {
  users: 20,
  alert_sources: 3,
  schedules: 3,
  alerts: 60,
  incidents: 600,
  catalog_types: 1,
  catalog_entries: [5],
  severities: 3,
  teams: 6,
  follow_ups: 400,
};
const INCIDENTS = "/v2/incidents";
const FOLLOW_UPS = "/v3/follow_ups";
const KINDS = ["incidents", "follow_ups", "teams"];

function requestsTo(requests: readonly RecordedRequest[], path: string): RecordedRequest[] {
  return requests.filter((request) => request.path === path);
}

async function readRaw(db: StagingDb, kind: string, recordId: string) {
  return db.selectFrom("raw_records").select(["payload", "run_id"]).where("kind", "=", kind).where("record_id", "=", recordId).executeTakeFirst();
}

async function readStatus(db: StagingDb, runId: number, kind: string) {
  return db.selectFrom("extract_status").selectAll().where("run_id", "=", runId).where("kind", "=", kind).executeTakeFirstOrThrow();
}

describe("incremental extract against the Incident.io sandbox", () => {
  it("reads only the incidents and follow-ups changed since the last complete extract and merges them, deleting nothing", async () => {
    const sandbox = await startSandbox({ scale: COUNTS });
    const { dataset } = sandbox;
    const { db } = openTestDb();
    const config = configFor(sandbox);
    const first = await runExtract(db, config, { runId: 1, only: KINDS });
    expect(first.kinds.map((k) => [k.name, k.mode])).toEqual([
      ["incidents", "full"],
      ["teams", "full"],
      ["follow_ups", "full"],
    ]);
    const before = await countByKind(db);

    const renamed = dataset.idAt("incidents", 10);
    const removedIncident = dataset.idAt("incidents", 20);
    const retitled = dataset.idAt("follow_ups", 30);
    const removedFollowUp = dataset.idAt("follow_ups", 40);
    const removedTeam = dataset.idAt("teams", 2);
    dataset.update("incidents", renamed, { name: "Renamed since the last run" });
    dataset.remove("incidents", removedIncident);
    const addedIncident = String(dataset.add("incidents", { name: "Opened since the last run" })["id"]);
    dataset.update("follow_ups", retitled, { title: "Retitled since the last run" });
    dataset.remove("follow_ups", removedFollowUp);
    dataset.remove("teams", removedTeam);
    sandbox.requests.length = 0;

    const second = await runExtract(db, config, { runId: 2, only: KINDS });

    const run1 = { incidents: await readStatus(db, 1, INCIDENTS), followUps: await readStatus(db, 1, FOLLOW_UPS) };
    const lookbackMs = config.incremental.lookbackMinutes * 60_000;
    const incidentsSince = new Date(Date.parse(run1.incidents.started_at) - lookbackMs).toISOString().slice(0, 10);
    const followUpsSince = new Date(Date.parse(run1.followUps.started_at) - lookbackMs).toISOString();
    expect(second.kinds.map((k) => [k.name, k.status, k.mode, k.since, k.records])).toEqual([
      ["incidents", "complete", "incremental", incidentsSince, 2],
      ["teams", "complete", "full", undefined, COUNTS.teams - 1],
      ["follow_ups", "complete", "incremental", followUpsSince, 1],
    ]);
    expect(requestsTo(sandbox.requests, INCIDENTS).map((r) => r.query["updated_at[gte]"])).toEqual([incidentsSince]);
    expect(requestsTo(sandbox.requests, FOLLOW_UPS).map((r) => r.query["updated_at[gte]"])).toEqual([followUpsSince]);
    expect(requestsTo(sandbox.requests, "/v3/teams").every((r) => r.query["updated_at[gte]"] === undefined)).toBe(true);
    expect(await readStatus(db, 2, INCIDENTS)).toMatchObject({ mode: "incremental", since: incidentsSince, status: "complete", records: 2 });
    expect(await readStatus(db, 2, FOLLOW_UPS)).toMatchObject({ mode: "incremental", since: followUpsSince, status: "complete", records: 1 });
    expect(await readStatus(db, 2, "/v3/teams")).toMatchObject({ mode: "full", since: null });

    // Merged: the changed records are replaced, the added one is new, the deleted ones are still there
    // (an incremental read cannot see deletions), and a full kind lost its deleted record.
    expect(await countByKind(db)).toEqual({ ...before, [INCIDENTS]: (before[INCIDENTS] ?? 0) + 1, "/v3/teams": (before["/v3/teams"] ?? 0) - 1 });
    expect(JSON.parse((await readRaw(db, INCIDENTS, renamed))?.payload ?? "{}")).toMatchObject({ name: "Renamed since the last run" });
    expect(await readRaw(db, INCIDENTS, addedIncident)).toMatchObject({ run_id: 2 });
    expect(await readRaw(db, INCIDENTS, removedIncident)).toMatchObject({ run_id: 1 });
    expect(JSON.parse((await readRaw(db, FOLLOW_UPS, retitled))?.payload ?? "{}")).toMatchObject({ title: "Retitled since the last run" });
    expect(await readRaw(db, FOLLOW_UPS, removedFollowUp)).toMatchObject({ run_id: 1 });

    const third = await runExtract(db, config, { runId: 3, only: KINDS, fullRefresh: true });
    expect(third.kinds.map((k) => [k.name, k.mode, k.since])).toEqual([
      ["incidents", "full", undefined],
      ["teams", "full", undefined],
      ["follow_ups", "full", undefined],
    ]);
    expect(await readRaw(db, INCIDENTS, removedIncident)).toBeUndefined();
    expect(await readRaw(db, FOLLOW_UPS, removedFollowUp)).toBeUndefined();
    expect(await countByKind(db)).toEqual({ [INCIDENTS]: dataset.count("incidents"), [FOLLOW_UPS]: dataset.count("follow_ups"), "/v3/teams": dataset.count("teams") });
  });

  it("reads from the start of the last complete extract, so a failed incremental read is made up for next time", async () => {
    const sandbox = await startSandbox({ scale: COUNTS });
    const { dataset } = sandbox;
    const { db } = openTestDb();
    const config = configFor(sandbox);
    await runExtract(db, config, { runId: 1, only: ["follow_ups"] });
    const changed = dataset.idAt("follow_ups", 7);
    dataset.update("follow_ups", changed, { title: "Changed before a failed run" });
    // A 403 (not a 404, which /v2/follow_ups would stand in for) fails the read without a retry.
    sandbox.faults.add({ route: "GET /v3/follow_ups", fault: { type: "status", status: 403 } });
    const failed = await runExtract(db, config, { runId: 2, only: ["follow_ups"] });
    expect(failed.kinds.map((k) => [k.mode, k.status])).toEqual([["incremental", "failed"]]);

    sandbox.requests.length = 0;
    const retried = await runExtract(db, config, { runId: 3, only: ["follow_ups"] });
    const run1 = await readStatus(db, 1, FOLLOW_UPS);
    const since = new Date(Date.parse(run1.started_at) - config.incremental.lookbackMinutes * 60_000).toISOString();
    expect(retried.kinds.map((k) => [k.mode, k.status, k.since, k.records])).toEqual([["incremental", "complete", since, 1]]);
    expect(JSON.parse((await readRaw(db, FOLLOW_UPS, changed))?.payload ?? "{}")).toMatchObject({ title: "Changed before a failed run" });
  });

  it("runs a full extract every ETL_FULL_REFRESH_EVERY_RUNS runs, which alone prunes deleted records", async () => {
    const sandbox = await startSandbox({ scale: COUNTS });
    const { db } = openTestDb();
    const config = configFor(sandbox, { env: { ETL_FULL_REFRESH_EVERY_RUNS: "3" } });
    const removed = sandbox.dataset.idAt("incidents", 3);
    const modes: string[] = [];
    for (let runId = 1; runId <= 7; runId += 1) {
      if (runId === 2) sandbox.dataset.remove("incidents", removed);
      const summary = await runExtract(db, config, { runId, only: ["incidents"] });
      modes.push(summary.kinds[0]?.mode ?? "");
      if (runId === 3) expect(await readRaw(db, INCIDENTS, removed)).toBeDefined();
      if (runId === 4) expect(await readRaw(db, INCIDENTS, removed)).toBeUndefined();
    }
    expect(modes).toEqual(["full", "incremental", "incremental", "full", "incremental", "incremental", "full"]);
  });

  it("makes at least 20 times fewer incident requests than a full read when 1% of the incidents changed", async () => {
    const sandbox = await startSandbox({ scale: { ...COUNTS, incidents: 10_000, follow_ups: 10 } });
    const { dataset } = sandbox;
    const { db } = openTestDb();
    const config = configFor(sandbox);
    const full = await runExtract(db, config, { runId: 1, only: ["incidents"] });
    const fullRequests = requestsTo(sandbox.requests, INCIDENTS).length;
    const listed = (await db.selectFrom("raw_records").select("record_id").where("kind", "=", INCIDENTS).orderBy("record_id").execute()).map((row) => row.record_id);
    const changed = listed.filter((_, index) => index % 100 === 0);
    for (const id of changed) dataset.update("incidents", id, { summary: "Changed in this hour" });

    sandbox.requests.length = 0;
    const incremental = await runExtract(db, config, { runId: 2, only: ["incidents"] });
    const incrementalRequests = requestsTo(sandbox.requests, INCIDENTS).length;

    expect(full.kinds[0]).toMatchObject({ mode: "full", status: "complete", records: dataset.count("incidents") });
    expect(incremental.kinds[0]).toMatchObject({ mode: "incremental", status: "complete", records: changed.length });
    expect(incrementalRequests * 20).toBeLessThanOrEqual(fullRequests);
    expect([incrementalRequests, fullRequests]).toEqual([1, Math.floor(listed.length / 250) + 1]);
  }, 60_000);
});
