import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import type { ProgressEvent } from "../../../src/model/progress";
import type { RecordedRequest } from "../../../src/sandbox/shared/request-log";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, countByKind, makeTempDir, recordProgress, runExtract, startSandbox } from "./harness";

// Four catalog types of three pages each (250 a page), for fan-out failures.
const TINY_WITH_ENTRIES = {
  users: 3,
  alert_sources: 1,
  schedules: 1,
  alerts: 3,
  incidents: 3,
  catalog_types: 4,
  catalog_entries: 700,
  severities: 2,
  teams: 1,
  follow_ups: 1,
};
const KINDS = ["users", "alerts", "incidents", "teams", "catalog_types", "catalog_entries"];

function requestsTo(requests: readonly RecordedRequest[], path: string): RecordedRequest[] {
  return requests.filter((r) => r.path === path);
}

describe("extract when the API misbehaves", () => {
  it("waits out a 429 for at least its Retry-After in seconds, then completes", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    sandbox.faults.add({ route: "GET /v2/alerts", skip: 1, fault: { type: "status", status: 429, retryAfter: { seconds: 1, form: "seconds" } } });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox), { only: ["alerts"] });
    expect(summary.kinds[0]).toMatchObject({ status: "complete", records: sandbox.dataset.count("alerts"), requests: 8 });
    const alerts = requestsTo(sandbox.requests, "/v2/alerts");
    const limited = alerts.findIndex((r) => r.status === 429);
    expect(limited).toBe(1);
    const retry = alerts[limited + 1] as RecordedRequest;
    expect(retry.query["after"]).toBe(alerts[limited]?.query["after"]);
    expect(retry.at - (alerts[limited] as RecordedRequest).at).toBeGreaterThanOrEqual(1000);
  });

  it("waits out a 429 until its Retry-After date, then completes", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    sandbox.faults.add({ route: "GET /v2/incidents", fault: { type: "status", status: 429, retryAfter: { seconds: 2, form: "http-date" } } });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox), { only: ["incidents"] });
    expect(summary.kinds[0]).toMatchObject({ status: "complete", records: sandbox.dataset.count("incidents") });
    const [limited, retry] = requestsTo(sandbox.requests, "/v2/incidents") as [RecordedRequest, RecordedRequest];
    expect(limited.status).toBe(429);
    // The header names a whole second at least 2 s after the 429 was sent, which is no earlier than this.
    expect(retry.at).toBeGreaterThanOrEqual(Math.floor((limited.at + 2000) / 1000) * 1000);
  });

  it("retries a 503 and a reset connection, and every kind completes", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    sandbox.faults.add({ route: "GET /v2/incidents", times: 2, fault: { type: "status", status: 503 } });
    sandbox.faults.add({ route: "GET /v3/teams", fault: { type: "reset" } });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox), { only: KINDS });
    expect(summary.kinds.every((k) => k.status === "complete")).toBe(true);
    expect(requestsTo(sandbox.requests, "/v2/incidents").map((r) => r.status)).toEqual([503, 503, 200]);
    expect(requestsTo(sandbox.requests, "/v3/teams").map((r) => r.status)).toEqual([0, 200]);
    expect((await countByKind(db))["/v2/incidents"]).toBe(sandbox.dataset.count("incidents"));
    expect(summary.kinds.find((k) => k.name === "incidents")?.requests).toBe(3);
  });

  it("fails only the kind whose page is malformed, naming the endpoint and cursor, and keeps its records", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    const { db } = openTestDb();
    const config = configFor(sandbox);
    await runExtract(db, config, { runId: 1, only: KINDS });
    const before = await countByKind(db);

    sandbox.requests.length = 0;
    sandbox.faults.add({ route: "GET /v2/alerts", skip: 2, fault: { type: "malformed" } });
    // A full read: an incremental one would page the created_at and open lists instead.
    const summary = await runExtract(db, config, { runId: 2, only: KINDS, fullRefresh: true });

    const cursor = requestsTo(sandbox.requests, "/v2/alerts")[2]?.query["after"] as string;
    expect(cursor).toMatch(/^\w+$/);
    const alerts = summary.kinds.find((k) => k.name === "alerts");
    expect(alerts).toMatchObject({ status: "failed", pages: 2 });
    expect(alerts?.error).toBe(`GET /v2/alerts (cursor ${cursor}): 200: malformed JSON in the response (26 bytes)`);
    expect(summary.kinds.filter((k) => k.name !== "alerts").every((k) => k.status === "complete")).toBe(true);
    const status = await db.selectFrom("extract_status").selectAll().where("run_id", "=", 2).where("kind", "=", "/v2/alerts").executeTakeFirstOrThrow();
    expect(status).toMatchObject({ status: "failed", endpoint: "/v2/alerts", cursor, http_status: 200, pages: 2, records: 100 });
    // The failed read deleted nothing: the pages it did not reach still hold run 1's records.
    expect(await countByKind(db)).toEqual(before);
    const runs = await db.selectFrom("raw_records").select("run_id").distinct().where("kind", "=", "/v2/alerts").orderBy("run_id").execute();
    expect(runs.map((r) => r.run_id)).toEqual([1, 2]);
  });

  it("fails a fanned-out kind when one parent's pages fail, naming that parent, and stops its other streams", async () => {
    const sandbox = await startSandbox({ scale: { ...TINY_WITH_ENTRIES } });
    sandbox.faults.add({ route: "GET /v3/catalog_entries", skip: 1, fault: { type: "status", status: 404 } });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox), { only: ["catalog_types", "catalog_entries"] });
    expect(summary.kinds.map((k) => [k.name, k.status])).toEqual([
      ["catalog_types", "complete"],
      ["catalog_entries", "failed"],
    ]);
    const failed = sandbox.requests.filter((r) => r.path === "/v3/catalog_entries" && r.status === 404)[0];
    const parent = failed?.query["catalog_type_id"] as string;
    expect(summary.kinds[1]?.error).toMatch(new RegExp(`^catalog_type_id ${parent}: GET /v3/catalog_entries(?: \\(cursor \\w+\\))?: 404: `));
    const status = await db.selectFrom("extract_status").selectAll().where("kind", "like", "/v3/catalog_entries%").executeTakeFirstOrThrow();
    expect(status).toMatchObject({ status: "failed", endpoint: "/v3/catalog_entries", http_status: 404 });
    // Every stream stops at its next page: far fewer requests than the 4 types x 3 pages a full read takes.
    expect(sandbox.requests.filter((r) => r.path === "/v3/catalog_entries").length).toBeLessThan(12);
  });

  it("deletes the records a complete extract no longer sees, and only those", async () => {
    const sandbox = await startSandbox({ scale: "demo" });
    const { db } = openTestDb();
    const config = configFor(sandbox);
    await runExtract(db, config, { runId: 1, only: ["teams", "catalog_entries"] });
    const team = sandbox.dataset.idAt("teams", 3);
    const entry = sandbox.dataset.idAt("catalog_entries", 5);
    sandbox.dataset.remove("teams", team);
    sandbox.dataset.remove("catalog_entries", entry);
    const before = await countByKind(db);

    const summary = await runExtract(db, config, { runId: 2, only: ["teams", "catalog_entries"] });
    expect(summary.kinds.map((k) => k.status)).toEqual(["complete", "complete"]);
    const after = await countByKind(db);
    expect(after["/v3/teams"]).toBe((before["/v3/teams"] ?? 0) - 1);
    expect(after["/v3/catalog_entries?catalog_type_id={catalog_type_id}"]).toBe((before["/v3/catalog_entries?catalog_type_id={catalog_type_id}"] ?? 0) - 1);
    const ids = await db.selectFrom("raw_records").select("record_id").where("record_id", "in", [team, entry]).execute();
    expect(ids).toEqual([]);
  });

  it("stops requesting pages when interrupted, stores the pages in hand, and marks the kind failed", async () => {
    const sandbox = await startSandbox({ scale: "demo", latencyMs: 20 });
    const { db } = openTestDb();
    const controller = new AbortController();
    const progress = recordProgress((event: ProgressEvent) => {
      if (event.type === "kind" && event.kind === "/v2/alerts" && event.pages === 1) controller.abort();
    });
    const summary = await runExtract(db, configFor(sandbox), { only: ["alerts"], progress, signal: controller.signal });
    expect(summary.kinds.map((k) => [k.name, k.status, k.pages, k.error])).toEqual([["alerts", "failed", 2, "interrupted before the extract finished"]]);
    // The page already on its way when the signal came is stored too; none is requested after it.
    expect(requestsTo(sandbox.requests, "/v2/alerts")).toHaveLength(2);
    expect((await countByKind(db))["/v2/alerts"]).toBe(100);
    const statuses = await db.selectFrom("extract_status").select(["kind", "status", "error"]).execute();
    expect(statuses.every((s) => s.status === "failed" && s.error === "interrupted before the extract finished")).toBe(true);
  });

  it("never writes the API token or any secret_token into the staging file", async () => {
    const token = "inc_live_5f0c2d9e8b7a6f5e4d3c2b1a";
    const sandbox = await startSandbox({ scale: "demo", token });
    const secrets = [...sandbox.dataset.records("alert_sources")].map((s) => s["secret_token"]).filter((s): s is string => typeof s === "string");
    expect(secrets.length).toBeGreaterThan(0);
    const path = join(makeTempDir(), "etl.sqlite");
    const opened = openDatabase(path);
    try {
      const summary = await runExtract(opened.db, configFor(sandbox, { env: { ETL_DB: path } }));
      expect(summary.kinds.every((k) => k.status === "complete")).toBe(true);
      const files = () => [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file));
      const scan = (bytes: Buffer[], needle: string) => bytes.some((b) => b.includes(Buffer.from(needle, "utf8")));
      const whileOpen = files();
      // The scan works: a value that is stored is found in the same bytes.
      expect(scan(whileOpen, String([...sandbox.dataset.records("alert_sources")][0]?.["name"]))).toBe(true);
      expect(scan(whileOpen, token)).toBe(false);
      for (const secret of secrets) expect(scan(whileOpen, secret)).toBe(false);
      await opened.close();
      const afterClose = files();
      expect(scan(afterClose, token)).toBe(false);
      for (const secret of secrets) expect(scan(afterClose, secret)).toBe(false);
    } finally {
      await opened.close().catch(() => undefined);
    }
  });
});
