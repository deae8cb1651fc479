import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors";
import { hashPayload } from "../../../src/extract/records";
import type { DatasetCounts } from "../../../src/sandbox/incidentio/scale";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, countByKind, PORT_PAGE_ENV, recordProgress, runExtract, startSandbox } from "./harness";

// Enough records that most kinds span several pages under the shipped mapping's page sizes, including
// catalog entries of three types over several pages each (500 ends on an exactly-full page).
const COUNTS: DatasetCounts = {
  users: 30,
  alert_sources: 8,
  schedules: 5,
  alerts: 130,
  incidents: 320,
  catalog_types: 3,
  catalog_entries: [600, 500, 260],
  severities: 4,
  teams: 12,
  follow_ups: 300,
};

describe("extract against the Incident.io sandbox", () => {
  it("stores every record of every kind of the shipped mapping, exactly the sandbox's counts", async () => {
    const sandbox = await startSandbox({ scale: COUNTS });
    const { db } = openTestDb();
    const progress = recordProgress();
    const summary = await runExtract(db, configFor(sandbox), { progress });

    const { dataset } = sandbox;
    const expected = {
      "/v2/users": dataset.count("users", { includeInactive: true }),
      "/v2/alert_sources": dataset.count("alert_sources"),
      "/v2/schedules": dataset.count("schedules"),
      "/v2/alerts": dataset.count("alerts"),
      "/v2/incidents": dataset.count("incidents"),
      "/v3/catalog_types": dataset.count("catalog_types"),
      "/v3/catalog_entries?catalog_type_id={catalog_type_id}": dataset.count("catalog_entries"),
      "/v1/severities": dataset.count("severities"),
      "/v3/teams": dataset.count("teams"),
      "/v3/follow_ups": dataset.count("follow_ups"),
    };
    expect(await countByKind(db)).toEqual(expected);
    expect(expected["/v2/alerts"]).toBe(130);
    expect(expected["/v3/catalog_entries?catalog_type_id={catalog_type_id}"]).toBe(1360);
    expect(summary.kinds.map((k) => [k.kind, k.status, k.records])).toEqual(Object.entries(expected).map(([kind, count]) => [kind, "complete", count]));

    const perType = await db
      .selectFrom("raw_records")
      .select(["parent_key", (eb) => eb.fn.countAll<number>().as("count")])
      .where("kind", "=", "/v3/catalog_entries?catalog_type_id={catalog_type_id}")
      .groupBy("parent_key")
      .execute();
    const typeIds = [0, 1, 2].map((index) => dataset.idAt("catalog_types", index));
    expect(Object.fromEntries(perType.map((row) => [row.parent_key, Number(row.count)]))).toEqual({
      [typeIds[0] as string]: 600,
      [typeIds[1] as string]: 500,
      [typeIds[2] as string]: 260,
    });
    const entryRequests = sandbox.requests.filter((r) => r.path === "/v3/catalog_entries");
    expect(entryRequests).toHaveLength(3 + 3 + 2);
    expect(new Set(entryRequests.map((r) => r.query["page_size"]))).toEqual(new Set(["250"]));

    const entry = await db.selectFrom("raw_records").select(["parent_key", "payload"]).where("kind", "like", "/v3/catalog_entries%").limit(1).executeTakeFirstOrThrow();
    expect((JSON.parse(entry.payload) as { __catalog_type_id: string }).__catalog_type_id).toBe(entry.parent_key);
    // Records are stored as the API wrote them (compact), which is what serializing them gives, and hashed as stored.
    const stored = await db.selectFrom("raw_records").select(["payload", "payload_hash"]).execute();
    for (const row of stored) {
      expect(row.payload).toBe(JSON.stringify(JSON.parse(row.payload)));
      expect(row.payload_hash).toBe(hashPayload(row.payload));
    }

    const statuses = await db.selectFrom("extract_status").selectAll().where("run_id", "=", 1).execute();
    expect(statuses.every((s) => s.status === "complete" && s.mode === "full" && s.finished_at !== null && s.error === null)).toBe(true);
    expect(statuses.find((s) => s.kind === "/v2/alerts")).toMatchObject({ pages: 3, records: 130, requests: 3 });

    expect(progress.events[0]).toEqual({ type: "stage-start", stage: "extract", kinds: Object.keys(expected) });
    expect(progress.events.at(-1)).toEqual({ type: "stage-end", stage: "extract", ok: true });
    expect(progress.events).toContainEqual({ type: "kind", stage: "extract", kind: "/v2/alerts", pages: 3, records: 130, state: "done" });
  });

  it("still extracts alerts with Port's page's environment, whose global page size of 100 the API refuses", async () => {
    const sandbox = await startSandbox({ scale: COUNTS });
    const { db } = openTestDb();
    const summary = await runExtract(db, configFor(sandbox, { env: PORT_PAGE_ENV }), { only: ["alerts", "users"] });
    expect(summary.kinds.map((k) => [k.name, k.status, k.records])).toEqual([
      ["users", "complete", sandbox.dataset.count("users", { includeInactive: true })],
      ["alerts", "complete", 130],
    ]);
    const alertPages = sandbox.requests.filter((r) => r.path === "/v2/alerts");
    expect(alertPages.map((r) => r.query["page_size"])).toEqual(["50", "50", "50"]);
    expect(alertPages.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("sends no paging parameters to the endpoints that take none", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    const { db } = openTestDb();
    await runExtract(db, configFor(sandbox), { only: ["alert_sources", "severities", "catalog_types"] });
    const queries = sandbox.requests.map((r) => [r.path, r.query]);
    expect(queries).toHaveLength(3);
    expect(queries).toEqual(expect.arrayContaining([["/v2/alert_sources", {}], ["/v1/severities", {}], ["/v3/catalog_types", {}]]));
  });

  it("fetches a shared parent endpoint once and fans out over it, running jq only where the expressions need it", async () => {
    const sandbox = await startSandbox({ scale: COUNTS });
    const { db } = openTestDb();
    const mapping = `
resources:
  - kind: /v3/catalog_entries?catalog_type_id={catalog_type_id}
    selector:
      query: "true"
      data_path: .catalog_entries
      pagination: { type: cursor, page_size: 250 }
      path_parameters:
        catalog_type_id:
          endpoint: /v3/catalog_types
          data_path: .catalog_types
          field: .id
          pagination: { type: none }
    port:
      entity:
        mappings: { identifier: .id, title: .name, blueprint: '"incidentioCatalogEntry"' }
  - kind: /v3/catalog_types/{catalog_type_id}
    selector:
      query: "true"
      data_path: "[.catalog_type]"
      pagination: { type: none }
      path_parameters:
        catalog_type_id:
          endpoint: /v3/catalog_types
          data_path: .catalog_types
          field: .id
          filter: (.name | length) > 0
          pagination: { type: none }
    port:
      entity:
        mappings: { identifier: .id, title: .name, blueprint: '"incidentioCatalogType"' }
`;
    const summary = await runExtract(db, configFor(sandbox, { mapping }));
    expect(summary.kinds.map((k) => [k.name, k.status, k.records])).toEqual([
      ["catalog_entries", "complete", 1360],
      ["{catalog_type_id}", "complete", 3],
    ]);
    expect(sandbox.requests.filter((r) => r.path === "/v3/catalog_types")).toHaveLength(1);
    const shown = await db.selectFrom("raw_records").select(["record_id", "parent_key", "payload"]).where("kind", "=", "/v3/catalog_types/{catalog_type_id}").execute();
    expect(shown.map((row) => row.record_id).sort()).toEqual([0, 1, 2].map((i) => sandbox.dataset.idAt("catalog_types", i)).sort());
    for (const row of shown) expect(JSON.parse(row.payload)).toMatchObject({ id: row.parent_key, __catalog_type_id: row.parent_key });
  });

  it("fails a kind whose page is an object when no data_path is set, naming the array to point at", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    const { db } = openTestDb();
    const mapping = `
resources:
  - kind: /v1/severities
    selector: { query: "true", pagination: { type: none } }
    port:
      entity:
        mappings: { identifier: .id, title: .name, blueprint: '"incidentioSeverity"' }
  - kind: /v3/teams
    selector: { query: "true", data_path: .teams, pagination: { type: cursor, page_size: 250 } }
    port:
      entity:
        mappings: { identifier: .id, title: .name, blueprint: '"incidentioTeam"' }
`;
    const summary = await runExtract(db, configFor(sandbox, { mapping }));
    expect(summary.kinds.map((k) => [k.name, k.status])).toEqual([
      ["severities", "failed"],
      ["teams", "complete"],
    ]);
    expect(summary.kinds[0]?.error).toMatchInlineSnapshot(
      `"GET /v1/severities: a page of /v1/severities is an object, not an array of records: set data_path to .severities"`,
    );
    const status = await db.selectFrom("extract_status").selectAll().where("kind", "=", "/v1/severities").executeTakeFirstOrThrow();
    expect(status).toMatchObject({ status: "failed", endpoint: "/v1/severities", cursor: null, http_status: null });
  });

  it("rejects a mapping with Port's page's catalog entries route, naming /v3/catalog_entries", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    const mapping = `
resources:
  - kind: /v3/catalog_types/{catalog_type_id}/entries
    selector:
      query: "true"
      data_path: .catalog_entries
      path_parameters:
        catalog_type_id:
          endpoint: /v3/catalog_types
          data_path: .catalog_types
          field: .id
    port:
      entity:
        mappings: { identifier: .id, title: .name, blueprint: '"incidentioCatalogEntry"' }
`;
    const failure = (() => {
      try {
        return configFor(sandbox, { mapping });
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).message).toContain('use kind "/v3/catalog_entries?catalog_type_id={catalog_type_id}"');
    expect(sandbox.requests).toHaveLength(0);
  });
});
