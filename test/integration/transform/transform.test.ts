import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import { confirmSnapshotRows, markSnapshotPending } from "../../../db/queries/snapshot-ledger";
import { deleteRawRecordsNotSeenIn, upsertRawRecords } from "../../../db/queries/raw-records";
import type { JqRunner } from "../../../src/jq/jq-runner";
import type { Blueprint } from "../../../src/model/blueprint";
import type { ResourceMapping } from "../../../src/model/mapping";
import type { ProgressEvent } from "../../../src/model/progress";
import { sha256Hex } from "../../../src/sha256";
import { transform } from "../../../src/transform";
import { openTestDb } from "../../helpers/open-test-db";
import { createTestJqRunner } from "../../helpers/test-jq";
import { makeBlueprint, makeResource, seedRawRecords } from "../../helpers/transform-fixtures";

const THING = makeBlueprint("thing", { name: { type: "string" }, size: { type: "number" }, tags: { type: "array" }, note: { type: "string" } });
const USER = makeBlueprint("user", { email: { type: "string" } });
const TICKET = makeBlueprint("ticket", {}, { owner: { target: "user", required: false, many: false }, watchers: { target: "user", required: false, many: true } });

interface Setup {
  readonly db: StagingDb;
  readonly jq: JqRunner;
}

async function setUp(): Promise<Setup> {
  return { db: openTestDb().db, jq: await createTestJqRunner() };
}

async function runTransform(
  { db, jq }: Setup,
  resources: readonly ResourceMapping[],
  options: { blueprints?: readonly Blueprint[]; createMissingRelatedEntities?: boolean; runId?: number; signal?: AbortSignal; events?: ProgressEvent[] } = {},
) {
  return transform(
    { db, jq, progress: { report: (event) => options.events?.push(event) }, signal: options.signal },
    {
      runId: options.runId ?? 1,
      resources,
      blueprints: options.blueprints ?? [THING, USER, TICKET],
      createMissingRelatedEntities: options.createMissingRelatedEntities ?? true,
    },
  );
}

async function stagedEntities(db: StagingDb): Promise<Record<string, unknown>[]> {
  const rows = await db.selectFrom("staged_entities").select("entity_json").orderBy("blueprint").orderBy("identifier").execute();
  return rows.map((row) => JSON.parse(row.entity_json) as Record<string, unknown>);
}

async function mappingErrors(db: StagingDb) {
  return db.selectFrom("mapping_errors").select(["kind", "record_id", "field", "expression", "message"]).orderBy("id").execute();
}

describe("transform: Ocean's mapping semantics", () => {
  it("keeps the first output of an expression that yields several", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", tags: ["x", "y", "z"] }]);
    await runTransform(setup, [makeResource({ mappings: { properties: { note: ".tags[]" } } })]);
    expect(await stagedEntities(setup.db)).toEqual([{ identifier: "a", blueprint: "thing", properties: { note: "x" }, relations: {} }]);
  });

  it("maps a record only when the selector yields exactly true, and records the selectors that yield no boolean", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [
      { id: "yes", keep: true },
      { id: "no", keep: false },
      { id: "string", keep: "true" },
      { id: "one", keep: 1 },
      { id: "none" },
    ]);
    const summary = await runTransform(setup, [makeResource({ query: ".keep" })]);
    expect((await stagedEntities(setup.db)).map((e) => e["identifier"])).toEqual(["yes"]);
    expect(summary.kinds[0]).toMatchObject({ records: 5, entities: 1, filtered: 1, mappingErrors: 3 });
    expect(await mappingErrors(setup.db)).toEqual([
      { kind: "/v2/things", record_id: "none", field: "selector.query", expression: ".keep", message: "expected a boolean, got null" },
      { kind: "/v2/things", record_id: "one", field: "selector.query", expression: ".keep", message: "expected a boolean, got 1" },
      { kind: "/v2/things", record_id: "string", field: "selector.query", expression: ".keep", message: 'expected a boolean, got "true"' },
    ]);
  });

  it("nulls a field that fails on one record, records it, and leaves the other fields and records intact", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [
      { id: "a", name: "A", meta: { size: 2 } },
      { id: "b", name: "B", meta: "broken" },
      { id: "c", name: "C", meta: { size: 5 } },
    ]);
    const summary = await runTransform(setup, [makeResource({ mappings: { title: ".name", properties: { name: ".name", size: ".meta.size" } } })]);
    expect(await stagedEntities(setup.db)).toEqual([
      { identifier: "a", blueprint: "thing", title: "A", properties: { name: "A", size: 2 }, relations: {} },
      { identifier: "b", blueprint: "thing", title: "B", properties: { name: "B", size: null }, relations: {} },
      { identifier: "c", blueprint: "thing", title: "C", properties: { name: "C", size: 5 }, relations: {} },
    ]);
    expect(await mappingErrors(setup.db)).toEqual([
      { kind: "/v2/things", record_id: "b", field: "properties.size", expression: ".meta.size", message: 'Cannot index string with string "size"' },
    ]);
    expect(summary.kinds[0]).toMatchObject({ entities: 3, mappingErrors: 1, heldBack: 0 });
  });

  it("skips and counts entities whose identifier comes out null or empty", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", key: "k" }, { id: "b", key: "" }, { id: "c" }]);
    const summary = await runTransform(setup, [makeResource({ mappings: { identifier: ".key" } })]);
    expect((await stagedEntities(setup.db)).map((e) => e["identifier"])).toEqual(["k"]);
    expect(summary.kinds[0]).toMatchObject({ records: 3, entities: 1, skipped: 2, mappingErrors: 0 });
  });

  it("rewrites single-quoted literals as Ocean does", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", status: "firing" }]);
    await runTransform(setup, [
      makeResource({ query: ".status == 'firing'", mappings: { blueprint: "'thing'", properties: { note: ".missing // 'none'" } } }),
    ]);
    expect(await stagedEntities(setup.db)).toEqual([{ identifier: "a", blueprint: "thing", properties: { note: "none" }, relations: {} }]);
  });

  it("leaves absent mapping keys out and sends keys that evaluate to null as null", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a" }]);
    await runTransform(setup, [makeResource({ mappings: { title: ".name", properties: { name: ".name" } } })]);
    expect(await stagedEntities(setup.db)).toEqual([{ identifier: "a", blueprint: "thing", title: null, properties: { name: null }, relations: {} }]);
  });

  it("makes one entity per item of itemsToParse, merged into its record under itemsToParseName without the parsed array", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [
      { id: "team-1", name: "Payments", members: [{ id: "u1", email: "a@example.com" }, { id: "u2" }] },
      { id: "team-2", name: "Empty", members: [] },
      { id: "team-3", name: "Odd", members: "nobody" },
    ]);
    const summary = await runTransform(setup, [
      makeResource({
        itemsToParse: ".members",
        itemsToParseName: "member",
        mappings: {
          identifier: ".member.id",
          blueprint: '"user"',
          title: '.name + "/" + .member.id',
          properties: { email: "if has(\"members\") then \"parent array kept\" else .member.email end" },
        },
      }),
    ]);
    expect(await stagedEntities(setup.db)).toEqual([
      { identifier: "u1", blueprint: "user", title: "Payments/u1", properties: { email: "a@example.com" }, relations: {} },
      { identifier: "u2", blueprint: "user", title: "Payments/u2", properties: { email: null }, relations: {} },
    ]);
    expect(await mappingErrors(setup.db)).toEqual([
      {
        kind: "/v2/things",
        record_id: "team-3",
        field: "itemsToParse",
        expression: ".members",
        message: "expected an array, got string; the record gives no entity",
      },
    ]);
    expect(summary.kinds[0]).toMatchObject({ records: 3, entities: 2 });
  });

  it("does not let `input` in an expression read the next record of the batch", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a" }, { id: "b" }]);
    await runTransform(setup, [makeResource({ mappings: { properties: { note: "input.id" } } })]);
    expect((await stagedEntities(setup.db)).map((e) => [e["identifier"], (e["properties"] as Record<string, unknown>)["note"]])).toEqual([
      ["a", null],
      ["b", null],
    ]);
    expect((await mappingErrors(setup.db)).map((e) => e.message)).toEqual(["No more inputs", "No more inputs"]);
  });

  it("reports a record that is not an object instead of merging items into it", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", list: [{ id: "a1" }] }]);
    await upsertRawRecords(setup.db, [{ kind: "/v2/things", parent_key: "", record_id: "b", payload: '[{"id":"b1"}]', payload_hash: "x", run_id: 1, fetched_at: "x" }]);
    await runTransform(setup, [makeResource({ itemsToParse: ".list? // .", mappings: { identifier: ".item.id" } })]);
    expect((await stagedEntities(setup.db)).map((e) => e["identifier"])).toEqual(["a1"]);
    expect(await mappingErrors(setup.db)).toEqual([
      { kind: "/v2/things", record_id: "b", field: "itemsToParse", expression: ".list? // .", message: "the record is not an object, so no item can be merged into it" },
    ]);
  });

  it("maps the other records of a batch when jq cannot read one of them", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a" }, { id: "c" }]);
    // Extract stores only valid JSON; a damaged staging file is the one way a record can stop jq.
    await upsertRawRecords(setup.db, [{ kind: "/v2/things", parent_key: "", record_id: "b", payload: '{"id": "b", oops}', payload_hash: "x", run_id: 1, fetched_at: "x" }]);
    await runTransform(setup, [makeResource()]);
    expect((await stagedEntities(setup.db)).map((e) => e["identifier"])).toEqual(["a", "c"]);
    expect(await mappingErrors(setup.db)).toEqual([
      { kind: "/v2/things", record_id: "b", field: "record", expression: "(the whole mapping)", message: expect.stringContaining("parse error") },
    ]);
  });
});

/** A record stored as its exact JSON text (extract keeps the API's text), under id `id`. */
async function seedRawText(db: StagingDb, id: string, payload: string): Promise<void> {
  await upsertRawRecords(db, [{ kind: "/v2/things", parent_key: "", record_id: id, payload, payload_hash: sha256Hex(payload), run_id: 1, fetched_at: "x" }]);
}

async function unmappedRecords(db: StagingDb) {
  return db.selectFrom("unmapped_records").select(["kind", "record_id", "reason"]).orderBy("record_id").execute();
}

/** A record `depth` levels deep as jq's parser counts them: its object takes two (the key is stacked too), each array one. */
const nested = (depth: number): string => `{"id":"deep","deep":${"[".repeat(depth - 2)}${"]".repeat(depth - 2)}}`;

describe("transform: records that cannot be mapped", () => {
  it.each([
    { name: "jq cannot parse it (damaged text)", payload: '{"id": "b", oops}', resource: {}, reason: /^jq cannot parse the record: parse error: / },
    { name: "it is nested deeper than jq's 256 levels", payload: nested(257), resource: {}, reason: /^jq cannot parse the record: it is nested deeper than the 256 levels jq 1.6 and 1.7 read/ },
    { name: "its identifier expression fails", payload: '{"id":"b","key":"text"}', resource: { mappings: { identifier: ".key.id" } }, reason: /^the identifier expression \(\.key\.id\) failed: Cannot index string/ },
    { name: "its blueprint expression fails", payload: '{"id":"b","kind":5}', resource: { mappings: { blueprint: '"thing" + .kind' } }, reason: /^the blueprint expression \("thing" \+ \.kind\) failed: string .* cannot be added/ },
    { name: "its blueprint is not a string", payload: '{"id":"b","kind":5}', resource: { mappings: { blueprint: ".kind" } }, reason: /^the blueprint expression \(\.kind\) failed: blueprint must be a string, got 5/ },
    { name: "its selector fails", payload: '{"id":"b","keep":"yes"}', resource: { query: '.keep | test(1)' }, reason: /^the selector \(\.keep \| test\(1\)\) failed: / },
    { name: "its selector yields no boolean", payload: '{"id":"b"}', resource: { query: ".keep" }, reason: /^the selector \(\.keep\) failed: expected a boolean, got null/ },
    { name: "its itemsToParse fails", payload: '{"id":"b","list":"text"}', resource: { itemsToParse: ".list[]", mappings: { identifier: ".item.id" } }, reason: /^the itemsToParse expression \(\.list\[\]\) failed: / },
    { name: "jq fails on it (not an object, with itemsToParse)", payload: '[{"id":"b1"}]', resource: { itemsToParse: ".list? // .", mappings: { identifier: ".item.id" } }, reason: /^the itemsToParse expression \(\.list\? \/\/ \.\) failed: the record is not an object/ },
  ])("lists the record with its reason when $name, and stages nothing of it", async ({ payload, resource, reason }) => {
    const setup = await setUp();
    await seedRawText(setup.db, "b", payload);
    const summary = await runTransform(setup, [makeResource(resource)]);
    const rows = await unmappedRecords(setup.db);
    expect(rows).toEqual([{ kind: "/v2/things", record_id: "b", reason: expect.stringMatching(reason) }]);
    expect(await stagedEntities(setup.db)).toEqual([]);
    expect(summary.kinds[0]).toMatchObject({ records: 1, entities: 0, unmapped: 1 });
  });

  it.each([
    { name: "its identifier is null", payload: '{"id":"b"}', resource: { mappings: { identifier: ".key" } } },
    { name: "its selector is false", payload: '{"id":"b","keep":false}', resource: { query: ".keep" } },
    { name: "its itemsToParse gives no array", payload: '{"id":"b","list":null}', resource: { itemsToParse: ".list", mappings: { identifier: ".item.id" } } },
    { name: "a property expression fails (the property is null)", payload: '{"id":"b","meta":"text"}', resource: { mappings: { properties: { size: ".meta.size" } } } },
  ])("does not list the record when $name", async ({ payload, resource }) => {
    const setup = await setUp();
    await seedRawText(setup.db, "b", payload);
    const summary = await runTransform(setup, [makeResource(resource)]);
    expect(await unmappedRecords(setup.db)).toEqual([]);
    expect(summary.kinds[0]).toMatchObject({ records: 1, unmapped: 0 });
  });

  it("maps a record nested exactly 256 levels deep, the most jq 1.6 and 1.7 parse", async () => {
    const setup = await setUp();
    await seedRawText(setup.db, "deep", nested(256));
    await runTransform(setup, [makeResource()]);
    expect((await stagedEntities(setup.db)).map((entity) => entity["identifier"])).toEqual(["deep"]);
    expect(await unmappedRecords(setup.db)).toEqual([]);
  });

  it("maps a record with lone surrogate escapes, reading each as U+FFFD, whatever the jq version", async () => {
    const setup = await setUp();
    await seedRawText(setup.db, "s", String.raw`{"id":"s","name":"x\u0000\ud800","note":"\\ud800 \udfff"}`);
    await runTransform(setup, [makeResource({ mappings: { title: ".name", properties: { note: ".note" } } })]);
    expect(await stagedEntities(setup.db)).toEqual([
      { identifier: "s", blueprint: "thing", title: "x\u0000\ufffd", properties: { note: "\\ud800 \ufffd" }, relations: {} },
    ]);
    expect(await unmappedRecords(setup.db)).toEqual([]);
  });

  it("replaces the kind's unmapped records on each transform", async () => {
    const setup = await setUp();
    await seedRawText(setup.db, "b", '{"id":"b","key":"text"}');
    await runTransform(setup, [makeResource({ mappings: { identifier: ".key.id" } })]);
    expect(await unmappedRecords(setup.db)).toHaveLength(1);
    await runTransform(setup, [makeResource()], { runId: 2 });
    expect(await unmappedRecords(setup.db)).toEqual([]);
  });
});

describe("transform: validation against the blueprints", () => {
  it("holds back an entity whose identifier violates Port's pattern, with the reason", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "ok" }, { id: "not ok" }]);
    const summary = await runTransform(setup, [makeResource()]);
    const rows = await setup.db.selectFrom("staged_entities").select(["identifier", "held_back_reason"]).orderBy("identifier").execute();
    expect(rows).toEqual([
      { identifier: "not ok", held_back_reason: expect.stringMatching(/^identifier "not ok" does not match Port's pattern/) },
      { identifier: "ok", held_back_reason: null },
    ]);
    expect(summary.kinds[0]).toMatchObject({ entities: 2, heldBack: 1 });
  });

  it("holds back entities with values of the wrong type, but not those with null values", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", size: "big" }, { id: "b", size: null }, { id: "c", size: 3 }]);
    await runTransform(setup, [makeResource({ mappings: { properties: { size: ".size" } } })]);
    const rows = await setup.db.selectFrom("staged_entities").select(["identifier", "held_back_reason"]).orderBy("identifier").execute();
    expect(rows).toEqual([
      { identifier: "a", held_back_reason: 'property "size" must be number, got "big"' },
      { identifier: "b", held_back_reason: null },
      { identifier: "c", held_back_reason: null },
    ]);
  });
});

describe("transform: duplicates, determinism and replacement", () => {
  it("keeps the first record of a duplicate identifier and records the others", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "r1", key: "same", name: "first" }, { id: "r2", key: "same", name: "second" }]);
    await runTransform(setup, [makeResource({ mappings: { identifier: ".key", title: ".name" } })]);
    expect(await stagedEntities(setup.db)).toEqual([{ identifier: "same", blueprint: "thing", title: "first", properties: {}, relations: {} }]);
    expect(await mappingErrors(setup.db)).toEqual([
      {
        kind: "/v2/things",
        record_id: "r2",
        field: "identifier",
        expression: ".key",
        message: 'duplicate identifier "same" of blueprint thing: /v2/things record r1 already stages it, so this record\'s entity is not staged',
      },
    ]);
  });

  it("gives identical rows and hashes when run twice", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, name: `n${i}`, size: i % 3 === 0 ? "x" : i })));
    await seedRawRecords(setup.db, "/v2/tickets", [{ id: "k1", owner: "t1" }]);
    const resources = [
      makeResource({ mappings: { title: ".name", properties: { size: ".size", name: ".name" } } }),
      makeResource({ kind: "/v2/tickets", name: "tickets", mappings: { blueprint: '"ticket"', relations: { owner: ".owner" } } }),
    ];
    const snapshot = async () => ({
      staged: await setup.db.selectFrom("staged_entities").selectAll().orderBy("blueprint").orderBy("identifier").execute(),
      errors: await setup.db.selectFrom("mapping_errors").select(["kind", "record_id", "field", "message"]).orderBy("id").execute(),
      issues: await setup.db.selectFrom("relation_issues").select(["kind", "identifier", "relation", "target_identifier"]).orderBy("id").execute(),
    });
    await runTransform(setup, resources);
    const first = await snapshot();
    await runTransform(setup, resources, { runId: 2 });
    expect(await snapshot()).toEqual(first);
    expect(first.staged).toHaveLength(31);
  });

  it("replaces only the transformed kind's rows", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a" }, { id: "b" }]);
    await seedRawRecords(setup.db, "/v2/users", [{ id: "u1" }]);
    const things = makeResource();
    const users = makeResource({ kind: "/v2/users", name: "users", mappings: { blueprint: '"user"' } });
    await runTransform(setup, [things, users]);
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a" }], { runId: 2 });
    await deleteRawRecordsNotSeenIn(setup.db, "/v2/things", 2);
    await runTransform(setup, [things], { runId: 2 });
    expect((await stagedEntities(setup.db)).map((e) => `${e["blueprint"]}/${e["identifier"]}`)).toEqual(["thing/a", "user/u1"]);
  });

  it("leaves a kind's previous rows in place when stopped while mapping it", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", name: "old" }]);
    await runTransform(setup, [makeResource({ mappings: { title: ".name" } })]);
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a", name: "new" }]);
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const stopping = {
      report: (event: ProgressEvent) => {
        events.push(event);
        if (event.type === "kind" && event.state === "running") controller.abort();
      },
    };
    const summary = await transform(
      { db: setup.db, jq: setup.jq, progress: stopping, signal: controller.signal },
      { runId: 2, resources: [makeResource({ mappings: { title: ".name" } })], blueprints: [THING], createMissingRelatedEntities: true },
    );
    expect(summary.kinds).toEqual([]);
    expect((await stagedEntities(setup.db))[0]?.["title"]).toBe("old");
    expect(events.at(-1)).toEqual({ type: "stage-end", stage: "transform", ok: false });
  });
});

describe("transform: relations", () => {
  const tickets = makeResource({ kind: "/v2/tickets", name: "tickets", mappings: { blueprint: '"ticket"', relations: { owner: ".owner", watchers: ".watchers" } } });
  const users = makeResource({ kind: "/v2/users", name: "users", mappings: { blueprint: '"user"' } });

  async function seedTickets(setup: Setup): Promise<void> {
    await seedRawRecords(setup.db, "/v2/users", [{ id: "u1" }]);
    await seedRawRecords(setup.db, "/v2/tickets", [
      { id: "k1", owner: "u1", watchers: ["u1"] },
      { id: "k2", owner: "ghost", watchers: ["u1", "phantom"] },
      { id: "k3", owner: "known-to-port", watchers: [] },
    ]);
    await confirmSnapshotRows(setup.db, "user", [{ identifier: "known-to-port", hash: "h", entityJson: "{}" }], { runId: 0, at: "2026-01-01T00:00:00Z" });
    // A create Port has not confirmed yet does not count as there.
    await markSnapshotPending(setup.db, "user", [{ identifier: "ghost", entityJson: "{}" }], { runId: 0, at: "2026-01-01T00:00:00Z" });
  }

  async function issues(db: StagingDb) {
    return db.selectFrom("relation_issues").select(["kind", "identifier", "relation", "target_blueprint", "target_identifier"]).orderBy("id").execute();
  }

  it("records targets that are neither staged nor in Port, and still sends the entity when Port creates missing ones", async () => {
    const setup = await setUp();
    await seedTickets(setup);
    const summary = await runTransform(setup, [users, tickets]);
    expect(await issues(setup.db)).toEqual([
      { kind: "/v2/tickets", identifier: "k2", relation: "owner", target_blueprint: "user", target_identifier: "ghost" },
      { kind: "/v2/tickets", identifier: "k2", relation: "watchers", target_blueprint: "user", target_identifier: "phantom" },
    ]);
    expect(await setup.db.selectFrom("staged_entities").select("identifier").where("held_back_reason", "is not", null).execute()).toEqual([]);
    expect(summary.kinds.find((k) => k.name === "tickets")).toMatchObject({ danglingRelations: 2, heldBack: 0 });
  });

  it("holds back entities with missing targets when Port must not create them, and those pointing at them", async () => {
    const setup = await setUp();
    await seedTickets(setup);
    await seedRawRecords(setup.db, "/v2/subtasks", [{ id: "s1", parent: "k2" }, { id: "s2", parent: "k1" }]);
    const subtasks = makeResource({ kind: "/v2/subtasks", name: "subtasks", mappings: { blueprint: '"subtask"', relations: { parent: ".parent" } } });
    const subtask = makeBlueprint("subtask", {}, { parent: { target: "ticket", required: false, many: false } });
    const summary = await runTransform(setup, [users, tickets, subtasks], {
      createMissingRelatedEntities: false,
      blueprints: [USER, TICKET, subtask],
    });
    const held = await setup.db.selectFrom("staged_entities").select(["identifier", "held_back_reason"]).where("held_back_reason", "is not", null).orderBy("identifier").execute();
    expect(held).toEqual([
      {
        identifier: "k2",
        held_back_reason: "relation targets are neither staged nor in Port, and createMissingRelatedEntities is false: owner -> user/ghost, watchers -> user/phantom",
      },
      {
        identifier: "s1",
        held_back_reason: "relation targets are neither staged nor in Port, and createMissingRelatedEntities is false: parent -> ticket/k2",
      },
    ]);
    expect(summary.kinds.map((k) => [k.name, k.heldBack, k.danglingRelations])).toEqual([
      ["users", 0, 0],
      ["tickets", 1, 2],
      ["subtasks", 1, 1],
    ]);
  });
});

describe("transform: progress and summary", () => {
  it("reports progress per kind and sums entities per blueprint", async () => {
    const setup = await setUp();
    await seedRawRecords(setup.db, "/v2/things", [{ id: "a" }, { id: "b" }]);
    await seedRawRecords(setup.db, "/v2/users", [{ id: "u1" }]);
    const events: ProgressEvent[] = [];
    const summary = await runTransform(setup, [makeResource(), makeResource({ kind: "/v2/users", name: "users", mappings: { blueprint: '"user"' } })], { events });
    expect(summary.blueprints).toEqual({ thing: 2, user: 1 });
    expect(events[0]).toEqual({ type: "stage-start", stage: "transform", kinds: ["/v2/things", "/v2/users"] });
    expect(events.filter((e) => e.type === "kind" && e.state === "done")).toEqual([
      { type: "kind", stage: "transform", kind: "/v2/things", records: 2, entities: 2, state: "done" },
      { type: "kind", stage: "transform", kind: "/v2/users", records: 1, entities: 1, state: "done" },
    ]);
    expect(events.at(-1)).toEqual({ type: "stage-end", stage: "transform", ok: true });
  });
});
