import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import { dropSnapshotRelations, indexSnapshotRelations, listDependents, type EntityRef, type RelationDefinition } from "../../../db/queries/snapshot-relations";
import { openTestDb } from "../../helpers/open-test-db";

const RELATIONS: readonly RelationDefinition[] = [
  { blueprint: "incident", name: "commander", target: "user" },
  { blueprint: "follow_up", name: "incident", target: "incident" },
  { blueprint: "follow_up", name: "after", target: "follow_up" },
  { blueprint: "team", name: "owners", target: "user" },
  { blueprint: "team", name: "on-call.incident", target: "incident" },
];

async function pushEntities(db: StagingDb, entities: readonly (EntityRef & { relations?: unknown })[]): Promise<void> {
  await db
    .insertInto("port_snapshot")
    .values(
      entities.map((entity) => ({
        blueprint: entity.blueprint,
        identifier: entity.identifier,
        state: "confirmed" as const,
        hash: "1",
        entity_json: JSON.stringify({ identifier: entity.identifier, ...(entity.relations === undefined ? {} : { relations: entity.relations }) }),
        run_id: 1,
        pushed_at: "2024-01-01T00:00:00.000Z",
      })),
    )
    .execute();
}

const sorted = (refs: readonly EntityRef[]) => refs.map((ref) => `${ref.blueprint}/${ref.identifier}`).sort();

describe("listDependents", () => {
  // i1 → u1, i2 → u2, f1 → i1, f2 → f1 (a chain inside one blueprint), t1 → u1 (many) and i1.
  const catalog = [
    { blueprint: "user", identifier: "u1" },
    { blueprint: "user", identifier: "u2" },
    { blueprint: "incident", identifier: "i1", relations: { commander: "u1" } },
    { blueprint: "incident", identifier: "i2", relations: { commander: "u2" } },
    { blueprint: "follow_up", identifier: "f1", relations: { incident: "i1", after: null } },
    { blueprint: "follow_up", identifier: "f2", relations: { incident: null, after: "f1" } },
    { blueprint: "team", identifier: "t1", relations: { owners: ["u5", "u1"], "on-call.incident": "i1" } },
  ];

  it.each([
    { name: "a leaf has no dependents", blueprint: "follow_up", roots: ["f2"], expected: [] },
    { name: "direct dependents", blueprint: "user", roots: ["u2"], expected: ["incident/i2"] },
    { name: "dependents of dependents, across blueprints and inside one, each once", blueprint: "user", roots: ["u1"], expected: ["follow_up/f1", "follow_up/f2", "incident/i1", "team/t1"] },
    { name: "dependents of several roots at once", blueprint: "incident", roots: ["i1", "i2"], expected: ["follow_up/f1", "follow_up/f2", "team/t1"] },
    { name: "nothing for an entity nobody relates to", blueprint: "user", roots: ["u9"], expected: [] },
    { name: "nothing for an identifier of another blueprint", blueprint: "team", roots: ["u1"], expected: [] },
    { name: "nothing for no roots", blueprint: "user", roots: [], expected: [] },
  ])("finds $name", async ({ blueprint, roots, expected }) => {
    const { db } = openTestDb();
    await pushEntities(db, catalog);
    await indexSnapshotRelations(db, RELATIONS);

    expect(sorted(await listDependents(db, blueprint, roots))).toEqual(expected);
  });

  it.each([
    { name: "a relation the blueprint does not define", relations: { other: "u1" } },
    { name: "null, missing or non-string values", relations: { commander: null, owners: [3, null, ["u1"]] } },
    { name: "an object where an identifier belongs", relations: { owners: { id: "u1" } } },
    { name: "an entity without relations", relations: undefined },
  ])("follows nothing from $name", async ({ relations }) => {
    const { db } = openTestDb();
    await pushEntities(db, [
      { blueprint: "user", identifier: "u1" },
      { blueprint: "team", identifier: "t1", relations },
      { blueprint: "incident", identifier: "i1", relations },
    ]);
    await indexSnapshotRelations(db, RELATIONS);

    expect(await listDependents(db, "user", ["u1"])).toEqual([]);
  });

  it("ends on a cycle, the root coming back as its own dependent", async () => {
    const { db } = openTestDb();
    await pushEntities(db, [
      { blueprint: "follow_up", identifier: "f1", relations: { after: "f2" } },
      { blueprint: "follow_up", identifier: "f2", relations: { after: "f1" } },
    ]);
    await indexSnapshotRelations(db, RELATIONS);

    expect(sorted(await listDependents(db, "follow_up", ["f1"]))).toEqual(["follow_up/f1", "follow_up/f2"]);
  });

  it("sees the snapshot as it was when indexed, and a new index replaces the old", async () => {
    const { db } = openTestDb();
    await pushEntities(db, [{ blueprint: "incident", identifier: "i1", relations: { commander: "u1" } }]);
    await indexSnapshotRelations(db, RELATIONS);
    await pushEntities(db, [{ blueprint: "incident", identifier: "i2", relations: { commander: "u1" } }]);

    expect(sorted(await listDependents(db, "user", ["u1"]))).toEqual(["incident/i1"]);
    await indexSnapshotRelations(db, RELATIONS);
    expect(sorted(await listDependents(db, "user", ["u1"]))).toEqual(["incident/i1", "incident/i2"]);
    await dropSnapshotRelations(db);
    await expect(listDependents(db, "user", ["u1"])).rejects.toThrow(/no such table/);
  });
});
