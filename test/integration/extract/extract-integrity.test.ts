import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import type { RecordedRequest } from "../../../src/sandbox/shared/request-log";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, countByKind, recordProgress, runExtract, startSandbox } from "./harness";

const ALERTS = "/v2/alerts";

function requestsTo(requests: readonly RecordedRequest[], path: string): RecordedRequest[] {
  return requests.filter((r) => r.path === path);
}

async function readStatus(db: StagingDb, runId: number, kind: string) {
  return db.selectFrom("extract_status").selectAll().where("run_id", "=", runId).where("kind", "=", kind).executeTakeFirstOrThrow();
}

describe("extract when the API's paging cannot be trusted", () => {
  it("fails the kind on a page that comes back with the cursor it was requested with, naming endpoint and cursor, and deletes nothing", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    const { db } = openTestDb();
    const config = configFor(sandbox);
    await runExtract(db, config, { runId: 1, only: ["alerts"] });
    const before = await countByKind(db);

    sandbox.requests.length = 0;
    sandbox.setPageFault(ALERTS, { type: "repeat-cursor" });
    // A full read: an incremental one would page the created_at and open lists instead.
    const summary = await runExtract(db, config, { runId: 2, only: ["alerts"], fullRefresh: true });

    const cursor = requestsTo(sandbox.requests, ALERTS)[1]?.query["after"] as string;
    expect(requestsTo(sandbox.requests, ALERTS)).toHaveLength(2);
    expect(summary.kinds[0]).toMatchObject({ status: "failed" });
    expect(summary.kinds[0]?.error).toBe(
      `GET ${ALERTS} (cursor ${cursor}): the page came back with the cursor it was requested with (${cursor}): the API is stuck on it, so the list cannot be read to its end`,
    );
    expect(await readStatus(db, 2, ALERTS)).toMatchObject({ status: "failed", endpoint: ALERTS, cursor, http_status: null });
    expect(await countByKind(db)).toEqual(before);
  });

  it("fails the kind on a cursor cycle A → B → A, naming the cursor that came back", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    sandbox.setPageFault(ALERTS, { type: "cursor-cycle" });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox), { only: ["alerts"] });

    const [, toB, toA] = requestsTo(sandbox.requests, ALERTS).map((r) => r.query["after"] as string | undefined);
    expect(requestsTo(sandbox.requests, ALERTS)).toHaveLength(3);
    expect(summary.kinds[0]?.status).toBe("failed");
    expect(summary.kinds[0]?.error).toContain(`GET ${ALERTS} (cursor ${toA}): the page names cursor ${toB}, which was already requested`);
    expect(await readStatus(db, 1, ALERTS)).toMatchObject({ status: "failed", endpoint: ALERTS, cursor: toA });
  });

  it("stops endless new cursors at the page bound, quickly, and fails the kind", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    sandbox.setPageFault("/v3/teams", { type: "endless-cursors" });
    const { db } = openTestDb();
    const started = Date.now();
    const summary = await runExtract(db, configFor(sandbox, { env: { ETL_PAGE_BOUND_MIN_PAGES: "5", ETL_PAGE_BOUND_FIRST_READ_PAGES: "5" } }), { only: ["teams"] });

    expect(Date.now() - started).toBeLessThan(5000);
    expect(requestsTo(sandbox.requests, "/v3/teams")).toHaveLength(5);
    expect(summary.kinds[0]).toMatchObject({ status: "failed", pages: 4 });
    expect(summary.kinds[0]?.error).toMatch(/^GET \/v3\/teams \(cursor endless-4\): more than 5 pages, the bound for this kind/);
  });

  it("scales the page bound with the pages of the kind's last complete full read", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    const { db } = openTestDb();
    const complete = await runExtract(db, configFor(sandbox), { runId: 1, only: ["alerts"] });
    const pages = complete.kinds[0]?.pages ?? 0;
    expect(pages).toBeGreaterThan(1);

    sandbox.requests.length = 0;
    sandbox.setPageFault(ALERTS, { type: "endless-cursors" });
    const endless = await runExtract(db, configFor(sandbox, { env: { ETL_PAGE_BOUND_MIN_PAGES: "1", ETL_PAGE_BOUND_FACTOR: "2" } }), { runId: 2, only: ["alerts"], fullRefresh: true });
    expect(endless.kinds[0]?.status).toBe("failed");
    expect(requestsTo(sandbox.requests, ALERTS)).toHaveLength(2 * pages);
  });

  it("keeps the legitimate ends: a cursor on an exactly-full last page followed by an empty page completes", async () => {
    const sandbox = await startSandbox({ scale: { users: 3, alert_sources: 1, schedules: 1, alerts: 100, incidents: 1, catalog_types: 1, catalog_entries: 1, severities: 1, teams: 1, follow_ups: 1 } });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox, { env: { ETL_PAGE_BOUND_MIN_PAGES: "3", ETL_PAGE_BOUND_FIRST_READ_PAGES: "3" } }), { only: ["alerts"] });
    expect(summary.kinds[0]).toMatchObject({ status: "complete", pages: 3, records: 100 });
  });
});

describe("extract of items that cannot be records", () => {
  it("lists null items and items without a usable id in rejected_items, counts them, and stores the rest", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    sandbox.setPageFault("/v2/users", { type: "extra-items", items: [null, { name: "no id" }, { id: "", name: "empty id" }, "text"] });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox), { only: ["users"] });

    expect(summary.kinds[0]).toMatchObject({ status: "complete", records: sandbox.dataset.count("users", { includeInactive: true }), rejected: 4 });
    expect(await readStatus(db, 1, "/v2/users")).toMatchObject({ status: "complete", rejected: 4 });
    const rejected = await db.selectFrom("rejected_items").select(["run_id", "kind", "parent_key", "endpoint", "cursor", "position", "reason"]).orderBy("position").execute();
    const records = sandbox.dataset.count("users", { includeInactive: true });
    expect(rejected).toEqual([
      { run_id: 1, kind: "/v2/users", parent_key: "", endpoint: "/v2/users", cursor: null, position: records, reason: "the item is null, not an object" },
      { run_id: 1, kind: "/v2/users", parent_key: "", endpoint: "/v2/users", cursor: null, position: records + 1, reason: "the record has no id" },
      { run_id: 1, kind: "/v2/users", parent_key: "", endpoint: "/v2/users", cursor: null, position: records + 2, reason: "the record's id is empty" },
      { run_id: 1, kind: "/v2/users", parent_key: "", endpoint: "/v2/users", cursor: null, position: records + 3, reason: "the item is a string, not an object" },
    ]);
    expect((await countByKind(db))["/v2/users"]).toBe(records);
  });

  it("keeps only the latest read's rejected items of a kind, so the list does not grow run after run", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    sandbox.setPageFault("/v2/users", { type: "extra-items", items: [null] });
    const { db } = openTestDb();
    await runExtract(db, configFor(sandbox), { runId: 1, only: ["users"] });
    await runExtract(db, configFor(sandbox), { runId: 2, only: ["users"] });

    const rejected = await db.selectFrom("rejected_items").select(["run_id", "reason"]).execute();
    expect(rejected).toEqual([{ run_id: 2, reason: "the item is null, not an object" }]);
  });
});

describe("extract of /v3/follow_ups where the API does not serve it", () => {
  it("reads /v2/follow_ups instead and says so in the kind's summary", async () => {
    const sandbox = await startSandbox({ scale: "tiny", notServed: ["/v3/follow_ups"] });
    const { db } = openTestDb();
    const progress = recordProgress();
    const summary = await runExtract(db, configFor(sandbox), { only: ["follow_ups"], progress });

    expect(summary.kinds[0]).toMatchObject({ status: "complete", records: sandbox.dataset.count("follow_ups"), pages: 1 });
    expect(summary.kinds[0]?.warning).toBe("/v3/follow_ups answered 404, so follow-ups were read from the deprecated /v2/follow_ups (removed on 31 December 2026)");
    expect(progress.events.filter((event) => event.type === "warning")).toEqual([]);
    expect(sandbox.requests.map((r) => [r.path, r.status])).toEqual([
      ["/v3/follow_ups", 404],
      ["/v2/follow_ups", 200],
    ]);
    expect((await countByKind(db))["/v3/follow_ups"]).toBe(sandbox.dataset.count("follow_ups"));
  });
});
