import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import type { DatasetCounts } from "../../../src/sandbox/incidentio/scale";
import { checkIntegrity, queryStagingFile, startSyncWorld, type CliOutcome, type SyncWorld } from "../../helpers/sync-world";

// Three pages of alerts (the shipped mapping reads 50 a page), everything else tiny.
const SCALE: DatasetCounts = {
  users: 6,
  alert_sources: 3,
  schedules: 2,
  alerts: 150,
  incidents: 6,
  catalog_types: 1,
  catalog_entries: [3],
  severities: 3,
  teams: 2,
  follow_ups: 4,
};
const ALERTS = "/v2/alerts";
const PAGE_SIZE = 50;

interface ExtractStatusRow {
  readonly kind: string;
  readonly status: string;
  readonly endpoint: string | null;
  readonly cursor: string | null;
  readonly error: string | null;
}

interface MappingErrorRow {
  readonly record_id: string;
  readonly field: string;
  readonly message: string;
}

async function startWorld(): Promise<SyncWorld> {
  return startSyncWorld({ incidentIo: { seed: 11, scale: SCALE } });
}

/** The alerts as the API pages them: each page's records and its `after`. */
function alertPages(world: SyncWorld): { records: JsonObject[]; after: string | undefined }[] {
  const pages = [];
  let after: string | undefined;
  for (let count = 0; count < 100; count += 1) {
    const page = world.incidentIo.dataset.page("alerts", { pageSize: PAGE_SIZE, ...(after === undefined ? {} : { after }) });
    pages.push({ records: page.records, after: page.after });
    if (page.after === undefined || page.records.length === 0) break;
    after = page.after;
  }
  return pages;
}

function pageBody(records: readonly unknown[], after: string | undefined): JsonObject {
  return { alerts: records as JsonObject[], pagination_meta: { page_size: PAGE_SIZE, ...(after === undefined ? {} : { after }) } };
}

/** Serves `body` for the next alerts page request (after `skip` untouched ones). */
function serveAlertsPage(world: SyncWorld, body: JsonObject, skip = 0): void {
  world.incidentIo.faults.add({ route: `GET ${ALERTS}`, skip, fault: { type: "status", status: 200, body } });
}

function portIdentifiers(world: SyncWorld, blueprint: string): string[] {
  return world.port.entities(blueprint).map((entity) => entity.identifier).sort();
}

function sourceAlertIds(world: SyncWorld): string[] {
  return [...world.incidentIo.dataset.records("alerts")].map((record) => record["id"] as string).sort();
}

/** Every identifier any request to Port carried in an entity body. */
function identifiersSentToPort(world: SyncWorld): Set<string> {
  const sent = new Set<string>();
  for (const request of world.port.requests) {
    const body = request.body as { entities?: { identifier?: unknown }[] } | undefined;
    for (const entity of body?.entities ?? []) sent.add(String(entity.identifier));
  }
  return sent;
}

/** The product neither crashed (an unexpected error) nor left the staging file damaged. */
function expectNoCrash(world: SyncWorld, outcome: CliOutcome): void {
  expect(outcome.stderr).not.toMatch(/unexpected error/);
  expect([0, 1]).toContain(outcome.code);
  expect(checkIntegrity(world.dbPath)).toBe("ok");
}

/**
 * A clean full run after the bad input: exit 0, and Port holds exactly the source's alerts, once each.
 * Full, since the alerts the bad input touched need not have changed since, and an incremental read
 * reads only new, open and newly closed alerts.
 */
async function expectNextRunRecovers(world: SyncWorld): Promise<void> {
  world.incidentIo.faults.clear();
  const next = await world.cli(["run", "--only", "alerts", "--full-refresh"]);
  expect(next.code, `${next.stdout}\n${next.stderr}`).toBe(0);
  expect(portIdentifiers(world, "incidentioAlert")).toEqual(sourceAlertIds(world));
  expect(checkIntegrity(world.dbPath)).toBe("ok");
}

function alertsStatus(world: SyncWorld): ExtractStatusRow {
  const rows = queryStagingFile<ExtractStatusRow>(
    world.dbPath,
    "select kind, status, endpoint, cursor, error from extract_status where kind = ? order by run_id desc limit 1",
    ALERTS,
  );
  return rows[0] as ExtractStatusRow;
}

function alertMappingErrors(world: SyncWorld): MappingErrorRow[] {
  return queryStagingFile<MappingErrorRow>(world.dbPath, "select record_id, field, message from mapping_errors where kind = ? order by id", ALERTS);
}

function heldBack(world: SyncWorld, blueprint: string): Map<string, string> {
  const rows = queryStagingFile<{ identifier: string; held_back_reason: string }>(
    world.dbPath,
    "select identifier, held_back_reason from staged_entities where blueprint = ? and held_back_reason is not null",
    blueprint,
  );
  return new Map(rows.map((row) => [row.identifier, row.held_back_reason]));
}

describe("bad API payloads", () => {
  it("fails only the alerts kind, naming endpoint and cursor, when a page holds a string where the list belongs; nothing is deleted", async () => {
    const world = await startWorld();
    expect((await world.cli(["run"])).code).toBe(0);
    const before = portIdentifiers(world, "incidentioAlert");

    serveAlertsPage(world, { alerts: "not a list", pagination_meta: { page_size: PAGE_SIZE } }, 2);
    world.incidentIo.requests.length = 0;
    const faulted = await world.cli(["run", "--json", "--full-refresh"]);
    expectNoCrash(world, faulted);
    expect(faulted.code).toBe(1);
    const cursor = world.incidentIo.requests.filter((r) => r.path === ALERTS)[2]?.query["after"];
    expect(cursor).toEqual(expect.any(String));
    expect(alertsStatus(world)).toMatchObject({ status: "failed", endpoint: ALERTS, cursor });
    expect(alertsStatus(world).error).toMatch(/data_path \.alerts gave a string/);
    const summary = JSON.parse(faulted.stdout) as { extract: { kinds: { kind: string; status: string }[] } };
    expect(summary.extract.kinds.filter((k) => k.status === "failed").map((k) => k.kind)).toEqual([ALERTS]);
    expect(portIdentifiers(world, "incidentioAlert")).toEqual(before);
    expect(world.port.writes.filter((w) => w.op === "delete")).toEqual([]);

    await expectNextRunRecovers(world);
  });

  it("lists items that are null, numbers, strings or arrays, or have a null id, as rejected, fails the run without deleting, and holds back entities with values of the wrong type", async () => {
    const world = await startWorld();
    expect((await world.cli(["run", "--only", "alerts"])).code).toBe(0);
    const before = portIdentifiers(world, "incidentioAlert");
    const [first] = alertPages(world);
    const [a, b, c, d] = first?.records ?? [];
    const wrongId = { ...a, id: 5 };
    const nullId = { ...b, id: null };
    const wrongFields = { ...c, title: { nested: true }, created_at: 42, attributes: "not a list" };
    const nullFields = { ...d, title: null, description: null, status: null, attributes: null, alert_source_id: null };
    // Appended to the first page: the later copies of c and d win over the originals.
    world.incidentIo.setPageFault(ALERTS, { type: "extra-items", items: [null, 7, "text", [], wrongId, nullId, wrongFields, nullFields] as JsonObject[] });

    const faulted = await world.cli(["run", "--only", "alerts", "--full-refresh"]);
    expectNoCrash(world, faulted);
    expect(faulted.code).toBe(1);
    expect(faulted.stdout + faulted.stderr).toContain("extract alerts: 5 items were not stored");
    const status = queryStagingFile<{ status: string; rejected: number }>(world.dbPath, "select status, rejected from extract_status where kind = ? order by run_id desc limit 1", ALERTS);
    expect(status).toEqual([{ status: "complete", rejected: 5 }]);
    const rejected = queryStagingFile<{ endpoint: string; cursor: string | null; position: number; reason: string }>(
      world.dbPath,
      "select endpoint, cursor, position, reason from rejected_items order by id",
    );
    expect(rejected.map((r) => [r.endpoint, r.cursor, r.position - PAGE_SIZE, r.reason])).toEqual([
      [ALERTS, null, 0, "the item is null, not an object"],
      [ALERTS, null, 1, "the item is a number, not an object"],
      [ALERTS, null, 2, "the item is a string, not an object"],
      [ALERTS, null, 3, "the item is an array, not an object"],
      [ALERTS, null, 5, "the record's id is null, not a string or a number"],
    ]);
    // A rejected item might be the record of an entity Port holds: nothing is deleted.
    expect(world.port.writes.filter((w) => w.op === "delete")).toEqual([]);
    expect(portIdentifiers(world, "incidentioAlert")).toEqual(expect.arrayContaining(before));
    const held = heldBack(world, "incidentioAlert");
    expect(held.get("5")).toMatch(/identifier must be a string/);
    expect(held.get(c?.["id"] as string)).toMatch(/title must be a string/);
    expect(identifiersSentToPort(world).has("5")).toBe(false);
    // Nulls where values are expected are mapped as nulls and pushed.
    expect(world.port.entity("incidentioAlert", d?.["id"] as string)).toMatchObject({ properties: { description: null, status: null } });

    world.incidentIo.setPageFault(ALERTS, undefined);
    await expectNextRunRecovers(world);
  });

  it("stores and maps a 5 MB string; Port's refusal of the oversized entity is recorded with its identifier, and the run after recovers", async () => {
    const world = await startWorld();
    const [target] = world.incidentIo.dataset.records("alerts");
    const id = target?.["id"] as string;
    const original = target?.["description"] as JsonObject[keyof JsonObject];
    world.incidentIo.dataset.update("alerts", id, { description: "\u00e9".repeat(2_500_000) });

    const faulted = await world.cli(["run", "--only", "alerts"]);
    expectNoCrash(world, faulted);
    expect(faulted.code).toBe(1);
    const [stored] = queryStagingFile<{ bytes: number }>(world.dbPath, "select length(cast(payload as blob)) as bytes from raw_records where record_id = ?", id);
    expect(stored?.bytes).toBeGreaterThan(5_000_000);
    const refused = queryStagingFile<{ identifier: string; status: number; message: string }>(world.dbPath, "select identifier, status, message from load_errors");
    expect(refused).toEqual([{ identifier: id, status: 413, message: expect.stringMatching(/too large/) }]);
    expect(faulted.stdout).toContain(`incidentioAlert/${id}: 413`);

    world.incidentIo.dataset.update("alerts", id, { description: original ?? null });
    await expectNextRunRecovers(world);
  });

  it("fails the kind naming the page when a record is nested 10,000 levels deep, and stores no secret at any depth", async () => {
    const world = await startWorld();
    const [first, second] = alertPages(world);
    const [head, ...rest] = second?.records ?? [];
    // JSON.stringify cannot write this much nesting, so the page is written by hand.
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const text = JSON.stringify(pageBody([{ ...head, deep: "DEEP" }, ...rest], second?.after)).replace('"DEEP"', deep);
    world.incidentIo.faults.add({ route: `GET ${ALERTS}`, skip: 1, fault: { type: "raw", status: 200, text } });
    world.incidentIo.requests.length = 0;

    const faulted = await world.cli(["run", "--only", "alerts"]);
    expectNoCrash(world, faulted);
    expect(faulted.code).toBe(1);
    expect(alertsStatus(world)).toMatchObject({ status: "failed", endpoint: ALERTS, cursor: first?.after });
    expect(alertsStatus(world).error).toMatch(new RegExp(`record ${String(head?.["id"])} is nested too deeply to store`));

    // Deep, but within what can be stored: a secret at the bottom is dropped; jq 1.6 refuses the depth
    // (a recorded mapping error for that record), jq 1.7 maps it.
    let nested: unknown = { secret_token: "DEEP-SECRET-VALUE", kept: true };
    for (let level = 0; level < 1_000; level += 1) nested = { level: nested };
    const deepRecord: Record<string, unknown> = { ...first?.records[0], nested };
    serveAlertsPage(world, pageBody([deepRecord, ...(first?.records.slice(1) ?? [])], first?.after));
    const second2 = await world.cli(["run", "--only", "alerts"]);
    expectNoCrash(world, second2);
    const payloads = queryStagingFile<{ payload: string }>(world.dbPath, "select payload from raw_records");
    expect(payloads.some((row) => row.payload.includes('"kept":true'))).toBe(true);
    expect(payloads.some((row) => row.payload.includes("DEEP-SECRET-VALUE"))).toBe(false);
    const deepId = deepRecord["id"] as string;
    const mapped = world.port.entity("incidentioAlert", deepId) !== undefined;
    const recorded = alertMappingErrors(world).some((e) => e.record_id === deepId && e.field === "record");
    expect(mapped || recorded).toBe(true);

    await expectNextRunRecovers(world);
  });

  it("keeps unicode intact: RTL, emoji, combining marks and NUL round-trip to Port; lone surrogates are mapped or recorded; emoji ids are held back", async () => {
    const world = await startWorld();
    const [first] = alertPages(world);
    const [rtl, emoji, combining, nul, lone, emojiId, ...rest] = first?.records ?? [];
    const titles = {
      rtl: "\u202eשלום \u0645\u0631\u062d\u0628\u0627\u202c",
      emoji: "🔥 disk full 👩🏽‍🚒 \ud83d\ude92",
      combining: "Ame\u0301lie Zoe\u0308 a\u0300\u0301\u0302\u0303",
      nul: "before\u0000after",
    };
    const records = [
      { ...rtl, title: titles.rtl },
      { ...emoji, title: titles.emoji },
      { ...combining, title: titles.combining },
      { ...nul, title: titles.nul },
      { ...lone, title: "LONE", description: "LOW" },
      { ...emojiId, id: "01ALERT🔥" },
      ...rest,
    ];
    // Lone surrogates only as JSON escapes, exactly as an API would send them.
    const text = JSON.stringify(pageBody(records, first?.after)).replace('"LONE"', '"\\ud800 lone high"').replace('"LOW"', '"lone low \\udfff"');
    world.incidentIo.faults.add({ route: `GET ${ALERTS}`, fault: { type: "raw", status: 200, text } });

    const faulted = await world.cli(["run", "--only", "alerts"]);
    expectNoCrash(world, faulted);
    expect(alertsStatus(world).status).toBe("complete");
    expect(world.port.entity("incidentioAlert", rtl?.["id"] as string)?.title).toBe(titles.rtl);
    expect(world.port.entity("incidentioAlert", emoji?.["id"] as string)?.title).toBe(titles.emoji);
    expect(world.port.entity("incidentioAlert", combining?.["id"] as string)?.title).toBe(titles.combining);
    expect(world.port.entity("incidentioAlert", nul?.["id"] as string)?.title).toBe(titles.nul);
    const loneId = lone?.["id"] as string;
    const loneMapped = world.port.entity("incidentioAlert", loneId) !== undefined;
    const loneRecorded = alertMappingErrors(world).some((e) => e.record_id === loneId && e.field === "record" && /surrogate/.test(e.message));
    expect(loneMapped || loneRecorded).toBe(true);
    expect(heldBack(world, "incidentioAlert").get("01ALERT🔥")).toMatch(/does not match Port's pattern/);
    expect(identifiersSentToPort(world).has("01ALERT🔥")).toBe(false);

    await expectNextRunRecovers(world);
  });

  it("stores a record repeated within a page and across pages once, the last copy winning, and Port gets it once", async () => {
    const world = await startWorld();
    const [first, second] = alertPages(world);
    const [one, ...rest] = first?.records ?? [];
    const [nextPageHead] = second?.records ?? [];
    const records = [
      { ...one, title: "first copy" },
      { ...one, title: "second copy" },
      { ...nextPageHead, title: "early copy from page 1" },
      ...rest.slice(1),
    ];
    serveAlertsPage(world, pageBody(records, first?.after));

    const outcome = await world.cli(["run", "--only", "alerts"]);
    expectNoCrash(world, outcome);
    expect(outcome.code).toBe(0);
    const ids = queryStagingFile<{ record_id: string }>(world.dbPath, "select record_id from raw_records where kind = ?", ALERTS).map((r) => r.record_id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(world.port.entity("incidentioAlert", one?.["id"] as string)?.title).toBe("second copy");
    expect(world.port.entity("incidentioAlert", nextPageHead?.["id"] as string)?.title).toBe(nextPageHead?.["title"]);
    const upserts = world.port.writes.filter((w) => w.blueprint === "incidentioAlert" && w.op !== "delete").map((w) => w.identifier);
    expect(upserts.length).toBe(new Set(upserts).size);

    await expectNextRunRecovers(world);
  });
});
