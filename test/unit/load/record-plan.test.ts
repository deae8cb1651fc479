import { describe, expect, it } from "vitest";
import type { RecordEntityRow, RecordOrphanRow } from "../../../db/queries/record-entities";
import { planRecordLoad, recordKeyOf, selectDependentRelations, type RecordPlanInput } from "../../../src/load/record-plan";
import type { ExtractBlock } from "../../../src/load/plan";

const INCIDENTS = "/v2/incidents";
const entity = (recordId: string, over: Partial<RecordEntityRow> = {}): RecordEntityRow => ({
  blueprint: "incident",
  identifier: recordId,
  kind: INCIDENTS,
  recordId,
  heldBack: false,
  isCreate: false,
  isUnchanged: false,
  ...over,
});
const orphan = (recordId: string, over: Partial<RecordOrphanRow> = {}): RecordOrphanRow => ({ blueprint: "incident", identifier: recordId, kind: INCIDENTS, recordId, unmapped: false, ...over });

function plan(over: Partial<RecordPlanInput>) {
  return planRecordLoad({
    entities: [],
    orphans: [],
    confirmedGone: new Set(),
    extractBlock: () => undefined,
    snapshotCount: () => 100,
    threshold: 0.9,
    ...over,
  });
}

describe("planRecordLoad", () => {
  it.each<{ name: string; input: Partial<RecordPlanInput>; counts: Record<string, number | string>; writes: Record<string, number>; deletable: string[] }>([
    { name: "an update", input: { entities: [entity("a")] }, counts: { updates: 1 }, writes: { a: 1 }, deletable: [] },
    { name: "a create", input: { entities: [entity("a", { isCreate: true })] }, counts: { creates: 1 }, writes: { a: 1 }, deletable: [] },
    { name: "nothing for an unchanged entity", input: { entities: [entity("a", { isUnchanged: true })] }, counts: { unchanged: 1 }, writes: {}, deletable: [] },
    { name: "a held-back entity kept as pushed", input: { entities: [entity("a", { heldBack: true })] }, counts: { heldBack: 1, kept: 1 }, writes: {}, deletable: [] },
    { name: "a held-back entity never pushed", input: { entities: [entity("a", { heldBack: true, isCreate: true })] }, counts: { heldBack: 1 }, writes: {}, deletable: [] },
    { name: "the entity of a record confirmed gone deleted", input: { orphans: [orphan("a")], confirmedGone: new Set([recordKeyOf(INCIDENTS, "a")]) }, counts: { deletes: 1 }, writes: { a: 1 }, deletable: ["a"] },
    {
      name: "a confirmed absence deleted past the extracts and the threshold",
      input: { orphans: [orphan("a")], confirmedGone: new Set([recordKeyOf(INCIDENTS, "a")]), extractBlock: () => "extract-incremental", snapshotCount: () => 1 },
      counts: { deletes: 1 },
      writes: { a: 1 },
      deletable: ["a"],
    },
    { name: "an unmapped record's entity kept", input: { orphans: [orphan("a", { unmapped: true })], confirmedGone: new Set([recordKeyOf(INCIDENTS, "a")]) }, counts: { kept: 1 }, writes: {}, deletable: [] },
    { name: "a renamed entity deleted when the extracts can tell", input: { entities: [entity("a", { identifier: "a2", isCreate: true })], orphans: [orphan("a")] }, counts: { creates: 1, deletes: 1 }, writes: { a: 2 }, deletable: ["a"] },
    {
      name: "a renamed entity's deletion withheld while the kind was read incrementally",
      input: { orphans: [orphan("a")], extractBlock: (): ExtractBlock => "extract-incremental" },
      counts: { deletesWithheld: 1, deleteBlock: "extract-incremental" },
      writes: {},
      deletable: [],
    },
    { name: "a deletion over the threshold withheld", input: { orphans: [orphan("a")], snapshotCount: () => 1 }, counts: { deletesWithheld: 1, deleteBlock: "threshold" }, writes: {}, deletable: [] },
    {
      name: "a confirmed deletion sent beside a withheld one",
      input: { orphans: [orphan("a"), orphan("b")], confirmedGone: new Set([recordKeyOf(INCIDENTS, "a")]), extractBlock: () => "extract-incomplete" },
      counts: { deletes: 1, deletesWithheld: 1, deleteBlock: "extract-incomplete" },
      writes: { a: 1 },
      deletable: ["a"],
    },
  ])("plans $name", ({ input, counts, writes, deletable }) => {
    const planned = plan(input);
    expect(planned.blueprints).toEqual([{ blueprint: "incident", creates: 0, updates: 0, deletes: 0, unchanged: 0, heldBack: 0, kept: 0, deletesWithheld: 0, ...counts }]);
    expect(Object.fromEntries([...planned.writes].map(([key, planned]) => [key.split("\u0000")[1], planned.length]))).toEqual(writes);
    expect(planned.deletable.get(INCIDENTS) ?? []).toEqual(deletable);
  });

  it("plans each blueprint in play, sorted, and nothing for no records", () => {
    expect(plan({}).blueprints).toEqual([]);
    const planned = plan({ entities: [entity("a", { blueprint: "user" }), entity("b")] });
    expect(planned.blueprints.map((blueprint) => [blueprint.blueprint, blueprint.updates])).toEqual([
      ["incident", 1],
      ["user", 1],
    ]);
  });
});

describe("selectDependentRelations", () => {
  const relations = [
    { blueprint: "followUp", target: "incident", name: "incident" },
    { blueprint: "incident", target: "user", name: "commander" },
    { blueprint: "schedule", target: "user", name: "onCall" },
    { blueprint: "note", target: "followUp", name: "followUp" },
    { blueprint: "alert", target: "alertSource", name: "source" },
    { blueprint: "a", target: "b", name: "cycle" },
    { blueprint: "b", target: "a", name: "cycle" },
  ];
  it.each([
    { deleting: [], expected: [] },
    { deleting: ["schedule"], expected: [] },
    { deleting: ["incident"], expected: ["followUp.incident", "note.followUp"] },
    { deleting: ["user"], expected: ["followUp.incident", "incident.commander", "schedule.onCall", "note.followUp"] },
    { deleting: ["alertSource", "schedule"], expected: ["alert.source"] },
    { deleting: ["a"], expected: ["a.cycle", "b.cycle"] },
  ])("reaches $expected from $deleting", ({ deleting, expected }) => {
    expect(selectDependentRelations(relations, deleting).map((relation) => `${relation.blueprint}.${relation.name}`)).toEqual(expected);
  });
});
