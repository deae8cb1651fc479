import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import { upsertRawRecords } from "../../../db/queries/raw-records";
import { confirmSnapshotRows } from "../../../db/queries/snapshot-ledger";
import type { JqRunner } from "../../../src/jq/jq-runner";
import type { Blueprint } from "../../../src/model/blueprint";
import type { ResourceMapping } from "../../../src/model/mapping";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import type { RemapReason, TransformKindSummary, TransformSummary } from "../../../src/model/summary";
import { sha256Hex } from "../../../src/sha256";
import { transform } from "../../../src/transform";
import { openTestDb } from "../../helpers/open-test-db";
import { createTestJqRunner } from "../../helpers/test-jq";
import { makeBlueprint, makeResource } from "../../helpers/transform-fixtures";

const THINGS = "/v2/things";
const USERS = "/v2/users";

/** What the transform is given, besides the raw records: changed step by step. */
interface World {
  readonly records: Map<string, Map<string, Record<string, unknown>>>;
  resources: readonly ResourceMapping[];
  blueprints: readonly Blueprint[];
  /** Users Port is known to hold (relation targets found there). */
  readonly inPort: Set<string>;
}

const USER_BLUEPRINT = makeBlueprint("user", { email: { type: "string", format: "email" } });
const THING_BLUEPRINT = makeBlueprint(
  "thing",
  { size: { type: "number" } },
  { owner: { target: "user", required: false, many: false }, maker: { target: "user", required: false, many: false } },
);

function thingsResource(title = ".name"): ResourceMapping {
  return makeResource({
    kind: THINGS,
    name: "things",
    query: ".hidden != true",
    // ascii_downcase fails on a number: the record is unmapped.
    mappings: { identifier: ".key | ascii_downcase", blueprint: '"thing"', title, properties: { size: ".size | tonumber" }, relations: { owner: ".owner", maker: ".maker" } },
  });
}

const USERS_RESOURCE = makeResource({ index: 1, kind: USERS, name: "users", mappings: { identifier: ".id", blueprint: '"user"', properties: { email: ".email" } } });

function createWorld(): World {
  const users = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < 20; i += 1) users.set(`u${i}`, { id: `u${i}`, email: i === 3 ? "not an address" : `u${i}@example.com` });
  const things = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < 100; i += 1) {
    // Owners u20..u24 are not users, and u3 is held back (its email): their things are held back.
    // Makers are a staged user or one only Port holds: unlike owner, maker starts without issues, so
    // each step below that touches it shows which change alone makes the check read it again.
    const thing: Record<string, unknown> = { id: `t${String(i).padStart(3, "0")}`, key: `T${i}`, name: `thing ${i}`, size: i, owner: `u${i % 25}`, maker: i % 2 === 0 ? "u0" : "p1" };
    if (i === 5) thing["size"] = "x";
    if (i === 7) thing["key"] = "";
    if (i === 8) thing["hidden"] = true;
    if (i === 9) thing["key"] = 9;
    things.set(thing["id"] as string, thing);
  }
  return { records: new Map([[THINGS, things], [USERS, users]]), resources: [thingsResource(), USERS_RESOURCE], blueprints: [THING_BLUEPRINT, USER_BLUEPRINT], inPort: new Set(["p1"]) };
}

/** Stores the world's records as a complete read would leave them (the ones gone are deleted), and what Port holds. */
async function storeRecords(db: StagingDb, world: World): Promise<void> {
  await db.deleteFrom("port_snapshot").execute();
  const inPort = [...world.inPort].map((identifier) => ({ identifier, entityJson: "{}", hash: "h" }));
  await confirmSnapshotRows(db, "user", inPort, { runId: 0, at: "2026-01-01T00:00:00Z" });
  await db.deleteFrom("raw_records").execute();
  for (const [kind, records] of world.records) {
    await upsertRawRecords(
      db,
      [...records.entries()].map(([id, record]) => {
        const payload = JSON.stringify(record);
        return { kind, parent_key: "", record_id: id, payload, payload_hash: sha256Hex(payload), run_id: 1, fetched_at: "2026-01-01T00:00:00Z" };
      }),
    );
  }
}

async function runTransform(db: StagingDb, jq: JqRunner, world: World, options: { runId: number; createMissing: boolean; fullRefresh?: boolean | undefined }): Promise<TransformSummary> {
  return transform(
    { db, jq, progress: SILENT_PROGRESS },
    { runId: options.runId, resources: world.resources, blueprints: world.blueprints, createMissingRelatedEntities: options.createMissing, fullRefresh: options.fullRefresh },
  );
}

/** Every row the transform writes, without the run ids and row ids that say when and in which order. */
async function readOutcome(db: StagingDb) {
  return {
    staged: await db
      .selectFrom("staged_entities")
      .select(["blueprint", "identifier", "kind", "record_id", "entity_json", "hash", "held_back_reason"])
      .orderBy("blueprint")
      .orderBy("identifier")
      .execute(),
    mappingErrors: await db
      .selectFrom("mapping_errors")
      .select(["kind", "record_id", "field", "expression", "message"])
      .orderBy("kind")
      .orderBy("record_id")
      .orderBy("field")
      .orderBy("message")
      .execute(),
    relationIssues: await db
      .selectFrom("relation_issues")
      .select(["kind", "blueprint", "identifier", "relation", "target_blueprint", "target_identifier"])
      .orderBy("kind")
      .orderBy("blueprint")
      .orderBy("identifier")
      .orderBy("relation")
      .orderBy("target_identifier")
      .execute(),
    unmapped: await db.selectFrom("unmapped_records").select(["kind", "record_id", "reason"]).orderBy("kind").orderBy("record_id").execute(),
  };
}

function withoutRemapping({ mapped: _mapped, remapped: _remapped, durationMs: _durationMs, ...counts }: TransformKindSummary) {
  return counts;
}

interface Step {
  readonly name: string;
  readonly change: (world: World) => void;
  readonly fullRefresh?: boolean;
  /** Per kind: records mapped, and why all were when they were. */
  readonly expected: Readonly<Record<string, { mapped: number; remapped?: RemapReason }>>;
  /** The last relation check still holds, so this run's transform does not check relations again. */
  readonly keepsRelationCheck?: boolean;
}

const things = (world: World) => world.records.get(THINGS) as Map<string, Record<string, unknown>>;
const setThing = (world: World, id: string, change: Record<string, unknown>) => things(world).set(id, { ...things(world).get(id), ...change });
const users = (world: World) => world.records.get(USERS) as Map<string, Record<string, unknown>>;
const STAGED_USERS = Array.from({ length: 20 }, (_, i) => `u${i}`).filter((id) => id !== "u3");

const STEPS: readonly Step[] = [
  { name: "the first run", change: () => undefined, expected: { [THINGS]: { mapped: 100, remapped: "first-transform" }, [USERS]: { mapped: 20, remapped: "first-transform" } } },
  { name: "no change", change: () => undefined, expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  { name: "a changed thing's maker is missing", change: (world) => void setThing(world, "t020", { maker: "u99" }), expected: { [THINGS]: { mapped: 1 }, [USERS]: { mapped: 0 } } },
  { name: "its maker is back", change: (world) => void setThing(world, "t020", { maker: "u0" }), expected: { [THINGS]: { mapped: 1 }, [USERS]: { mapped: 0 } } },
  { name: "Port loses a maker", change: (world) => void world.inPort.delete("p1"), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  { name: "Port holds it again", change: (world) => void world.inPort.add("p1"), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  // What a load does: Port comes to hold the pushable staged users (u3 is held back). No relation's target changes.
  { name: "Port confirms the staged users", change: (world) => STAGED_USERS.forEach((id) => world.inPort.add(id)), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } }, keepsRelationCheck: true },
  { name: "Port lets go of them", change: (world) => STAGED_USERS.forEach((id) => world.inPort.delete(id)), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } }, keepsRelationCheck: true },
  {
    name: "a maker turns invalid",
    change: (world) => void users(world).set("u0", { id: "u0", email: "not an address either" }),
    expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 1 } },
  },
  { name: "it is valid again", change: (world) => void users(world).set("u0", { id: "u0", email: "u0@example.com" }), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 1 } } },
  {
    name: "2% of the things changed",
    change: (world) => {
      things(world).set("t010", { ...things(world).get("t010"), name: "renamed" });
      things(world).set("t011", { ...things(world).get("t011"), size: "y" });
    },
    expected: { [THINGS]: { mapped: 2 }, [USERS]: { mapped: 0 } },
  },
  {
    name: "a target turns invalid, so things pointing at it lose it",
    change: (world) => void users(world).set("u2", { id: "u2", email: "not an address either" }),
    expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 1 } },
  },
  { name: "a thing deleted", change: (world) => void things(world).delete("t012"), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  {
    name: "a missing target is staged",
    change: (world) => void users(world).set("u20", { id: "u20", email: "u20@example.com" }),
    expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 1 } },
  },
  { name: "a target is deleted", change: (world) => void users(world).delete("u1"), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  { name: "Port gains a missing target", change: (world) => void world.inPort.add("u21"), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  { name: "Port loses it again", change: (world) => void world.inPort.delete("u21"), expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  { name: "a new record", change: (world) => void things(world).set("t500", { id: "t500", key: "T500", owner: "u1" }), expected: { [THINGS]: { mapped: 1 }, [USERS]: { mapped: 0 } } },
  {
    name: "one resource's mapping edited",
    change: (world) => void (world.resources = [thingsResource(".name | ascii_upcase"), USERS_RESOURCE]),
    expected: { [THINGS]: { mapped: 100, remapped: "mapping-changed" }, [USERS]: { mapped: 0 } },
  },
  {
    name: "a blueprint edited",
    change: (world) => void (world.blueprints = [THING_BLUEPRINT, makeBlueprint("user", { email: { type: "string" } })]),
    expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 20, remapped: "mapping-changed" } },
  },
  {
    name: "a changed thing takes another's identifier",
    change: (world) => void things(world).set("t013", { ...things(world).get("t013"), key: "t14" }),
    expected: { [THINGS]: { mapped: 100, remapped: "duplicate-identifiers" }, [USERS]: { mapped: 0 } },
  },
  { name: "no change while a duplicate stands", change: () => undefined, expected: { [THINGS]: { mapped: 100, remapped: "duplicate-identifiers" }, [USERS]: { mapped: 0 } } },
  {
    name: "the duplicate gone",
    change: (world) => void things(world).set("t013", { ...things(world).get("t013"), key: "T13" }),
    expected: { [THINGS]: { mapped: 100, remapped: "duplicate-identifiers" }, [USERS]: { mapped: 0 } },
  },
  { name: "no change again", change: () => undefined, expected: { [THINGS]: { mapped: 0 }, [USERS]: { mapped: 0 } } },
  { name: "a full refresh", change: () => undefined, fullRefresh: true, expected: { [THINGS]: { mapped: 100, remapped: "full-refresh" }, [USERS]: { mapped: 20, remapped: "full-refresh" } } },
];

describe("transform: only what changed", () => {
  it.each([{ createMissing: false }, { createMissing: true }])(
    "stages, step by step, exactly what a transform from scratch stages, mapping only what changed (createMissingRelatedEntities $createMissing)",
    async ({ createMissing }) => {
    const jq = await createTestJqRunner();
    const world = createWorld();
    const kept = openTestDb().db;
    for (const [index, step] of STEPS.entries()) {
      step.change(world);
      await storeRecords(kept, world);
      const checkedBefore = (await kept.selectFrom("relation_checks").select("run_id").executeTakeFirst())?.run_id;
      const summary = await runTransform(kept, jq, world, { runId: index + 1, createMissing, fullRefresh: step.fullRefresh });
      const scratch = openTestDb().db;
      await storeRecords(scratch, world);
      const reference = await runTransform(scratch, jq, world, { runId: index + 1, createMissing });

      expect(await readOutcome(kept), step.name).toEqual(await readOutcome(scratch));
      expect(summary.kinds.map(withoutRemapping), step.name).toEqual(reference.kinds.map(withoutRemapping));
      expect(summary.blueprints, step.name).toEqual(reference.blueprints);
      const checkedBy = (await kept.selectFrom("relation_checks").select("run_id").executeTakeFirst())?.run_id;
      if (step.keepsRelationCheck) expect(checkedBy, step.name).toBe(checkedBefore);
      const remapping = Object.fromEntries(summary.kinds.map((kind) => [kind.kind, { mapped: kind.mapped, ...(kind.remapped ? { remapped: kind.remapped } : {}) }]));
      expect(remapping, step.name).toEqual(step.expected);
    }
  },
  );

  it("exercises what it claims: held-back, dangling, unmapped, skipped, filtered and duplicate outcomes", async () => {
    const jq = await createTestJqRunner();
    const world = createWorld();
    things(world).set("t013", { ...things(world).get("t013"), key: "t14" });
    const db = openTestDb().db;
    await storeRecords(db, world);
    const summary = await runTransform(db, jq, world, { runId: 1, createMissing: false });
    expect(summary.kinds.find((kind) => kind.kind === THINGS)).toMatchObject({ skipped: 1, filtered: 1, unmapped: 1, danglingRelations: 24, heldBack: 24 });
    expect(summary.kinds.find((kind) => kind.kind === USERS)).toMatchObject({ heldBack: 1 });
    const { mappingErrors } = await readOutcome(db);
    expect(mappingErrors.map((error) => error.message)).toContainEqual(expect.stringMatching(/^duplicate identifier "t14"/));
  });
});
