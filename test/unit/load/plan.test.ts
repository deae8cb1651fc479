import { describe, expect, it } from "vitest";
import type { ResourceMapping } from "../../../src/model/mapping";
import {
  decideDeleteBlock,
  decideExtractBlock,
  decideSnapshotFate,
  isDeepEqual,
  listChangedFields,
  listFeedingKinds,
  listScopeBlueprints,
  planLoad,
  readLiteralBlueprint,
  type PlanInput,
  type SnapshotTally,
  type StagedTally,
} from "../../../src/load/plan";

// The set arithmetic (which entity is a create, an update, unchanged, held back or a deletion) is
// SQLite's, tested in test/integration/load/load-plan.test.ts; these tests cover what is decided from its counts.
const staged = (counts: Partial<StagedTally> = {}): StagedTally => ({ blueprint: "user", kind: "/v2/users", creates: 0, updates: 0, unchanged: 0, heldBack: 0, ...counts });
const pushed = (entities: number, deletions: number, blueprint = "user"): SnapshotTally => ({ blueprint, entities, deletions, unmapped: 0, heldBack: 0 });

const plan = (over: Partial<PlanInput>) =>
  planLoad({
    blueprints: ["user"],
    staged: [],
    snapshot: [],
    selectedKinds: new Set(["/v2/users", "/v2/more-users"]),
    extractBlock: () => undefined,
    threshold: 0.9,
    allowMassDelete: false,
    ...over,
  })[0];

const resource = (kind: string, blueprint: string): ResourceMapping =>
  ({ kind, mappings: { blueprint } }) as unknown as ResourceMapping;

describe("planLoad", () => {
  it.each([
    {
      name: "carries the counts of one kind over",
      staged: [staged({ creates: 3, updates: 2, unchanged: 7, heldBack: 1 })],
      snapshot: [pushed(10, 1)],
      expected: { creates: 3, updates: 2, deletes: 1, unchanged: 7, heldBack: 1, deletesWithheld: 0 },
    },
    {
      name: "adds up the selected kinds feeding one blueprint",
      staged: [staged({ creates: 1, unchanged: 4 }), staged({ kind: "/v2/more-users", creates: 2, updates: 1, heldBack: 2 })],
      snapshot: [],
      expected: { creates: 3, updates: 1, deletes: 0, unchanged: 4, heldBack: 2 },
    },
    {
      name: "pushes nothing of the kinds not selected",
      staged: [staged({ kind: "/v2/other", creates: 5, updates: 5, unchanged: 5, heldBack: 5 })],
      snapshot: [pushed(10, 0)],
      expected: { creates: 0, updates: 0, deletes: 0, unchanged: 0, heldBack: 0 },
    },
    {
      name: "counts nothing of other blueprints",
      staged: [staged({ blueprint: "team", creates: 5 })],
      snapshot: [pushed(10, 5, "team")],
      expected: { creates: 0, updates: 0, deletes: 0, unchanged: 0, heldBack: 0 },
    },
    {
      name: "plans nothing for a blueprint neither staged nor in the snapshot",
      staged: [],
      snapshot: [],
      expected: { creates: 0, updates: 0, deletes: 0, unchanged: 0, heldBack: 0, deletesWithheld: 0 },
    },
  ])("$name", ({ staged: tallies, snapshot, expected }) => {
    expect(plan({ staged: tallies, snapshot })).toMatchObject(expected);
  });

  it.each(["extract-incomplete", "extract-incremental"] as const)("withholds deletions of a blueprint whose extracts say %s", (block) => {
    const result = plan({ snapshot: [pushed(1, 1)], extractBlock: () => block });
    expect(result).toMatchObject({ deletes: 0, deletesWithheld: 1, deleteBlock: block });
  });

  it("withholds deletions over the threshold and sends them with allowMassDelete", () => {
    const snapshot = [pushed(4, 3)];
    const tallies = [staged({ unchanged: 1 })];
    expect(plan({ staged: tallies, snapshot, threshold: 0.5 })).toMatchObject({ deletes: 0, deletesWithheld: 3, deleteBlock: "threshold" });
    expect(plan({ staged: tallies, snapshot, threshold: 0.5, allowMassDelete: true })).toMatchObject({ deletes: 3, deletesWithheld: 0 });
    expect(plan({ staged: tallies, snapshot, threshold: 0.5, allowMassDelete: true })).not.toHaveProperty("deleteBlock");
  });

  it("applies the threshold per blueprint, not across blueprints", () => {
    const results = planLoad({
      blueprints: ["severity", "user"],
      staged: [staged({ unchanged: 100 })],
      snapshot: [pushed(100, 0), pushed(3, 3, "severity")],
      selectedKinds: new Set(["/v2/users", "/v1/severities"]),
      extractBlock: () => undefined,
      threshold: 0.9,
      allowMassDelete: false,
    });
    expect(results.map((result) => [result.blueprint, result.deletes, result.deleteBlock])).toEqual([
      ["severity", 0, "threshold"],
      ["user", 0, undefined],
    ]);
  });

  it("plans each blueprint once, in the order given", () => {
    const results = planLoad({
      blueprints: ["user", "team", "user"],
      staged: [],
      snapshot: [],
      selectedKinds: new Set(),
      extractBlock: () => undefined,
      threshold: 0.9,
      allowMassDelete: false,
    });
    expect(results.map((result) => result.blueprint)).toEqual(["user", "team"]);
  });
});

// The deletion rule: an entity is deleted only when its source record is absent from a
// complete read. Each case is one entity Port holds, described by what SQLite finds for it
// (db/queries/load-plan.ts sorts the snapshot rows into these categories).
describe("the deletion rule", () => {
  const UNMAPPED = { entities: 1, deletions: 0, unmapped: 1, heldBack: 0 };
  const HELD_BACK = { entities: 1, deletions: 0, unmapped: 0, heldBack: 1 };
  // One of the blueprint's four entities, so that the threshold (0.9) never decides unless the case says so.
  const GONE = { entities: 4, deletions: 1, unmapped: 0, heldBack: 0 };
  it.each([
    { name: "jq cannot parse its record: kept", snapshot: UNMAPPED, staged: {}, expected: { deletes: 0, kept: 1, deletesWithheld: 0 } },
    { name: "its record's identifier expression fails: kept", snapshot: UNMAPPED, staged: {}, expected: { deletes: 0, kept: 1, deletesWithheld: 0 } },
    { name: "its record's blueprint expression fails: kept", snapshot: UNMAPPED, staged: {}, expected: { deletes: 0, kept: 1, deletesWithheld: 0 } },
    { name: "jq errors on its record: kept", snapshot: UNMAPPED, staged: {}, expected: { deletes: 0, kept: 1, deletesWithheld: 0 } },
    { name: "validation holds its new version back: kept", snapshot: HELD_BACK, staged: { heldBack: 1 }, expected: { deletes: 0, updates: 0, kept: 1, heldBack: 1 } },
    { name: "a missing relation target holds it back: kept", snapshot: HELD_BACK, staged: { heldBack: 1 }, expected: { deletes: 0, updates: 0, kept: 1, heldBack: 1 } },
    { name: "its record is absent from a complete read: deleted", snapshot: GONE, staged: {}, expected: { deletes: 1, kept: 0, deletesWithheld: 0 } },
    { name: "its record now maps to another identifier (renamed): the old one deleted, the new one created", snapshot: GONE, staged: { creates: 1 }, expected: { creates: 1, deletes: 1, kept: 0 } },
    { name: "the selector no longer keeps its record (false): deleted", snapshot: GONE, staged: {}, expected: { deletes: 1, kept: 0 } },
    {
      name: "its record is absent but an extract feeding it did not complete: withheld",
      snapshot: GONE,
      staged: {},
      block: "extract-incomplete" as const,
      expected: { deletes: 0, kept: 0, deletesWithheld: 1, deleteBlock: "extract-incomplete" },
    },
    {
      name: "its record is absent from an incremental read: withheld until the next full read",
      snapshot: GONE,
      staged: {},
      block: "extract-incremental" as const,
      expected: { deletes: 0, kept: 0, deletesWithheld: 1, deleteBlock: "extract-incremental" },
    },
    {
      name: "its record is absent but the kind's pages held items that could not be stored: withheld",
      snapshot: GONE,
      staged: {},
      block: "extract-rejected" as const,
      expected: { deletes: 0, kept: 0, deletesWithheld: 1, deleteBlock: "extract-rejected" },
    },
    {
      name: "its record is absent, with more deletions than the threshold allows: withheld",
      snapshot: { entities: 2, deletions: 2, unmapped: 0, heldBack: 0 },
      staged: {},
      threshold: 0.5,
      expected: { deletes: 0, kept: 0, deletesWithheld: 2, deleteBlock: "threshold" },
    },
    {
      name: "its record cannot be mapped while an extract feeding it did not complete: kept, not withheld",
      snapshot: UNMAPPED,
      staged: {},
      block: "extract-incomplete" as const,
      expected: { deletes: 0, kept: 1, deletesWithheld: 0 },
    },
    {
      name: "kept entities do not count towards the threshold",
      snapshot: { entities: 4, deletions: 1, unmapped: 3, heldBack: 0 },
      staged: {},
      threshold: 0.3,
      expected: { deletes: 1, kept: 3, deletesWithheld: 0 },
    },
  ])("$name", ({ snapshot, staged: counts, block, threshold, expected }) => {
    const result = plan({ staged: [staged(counts)], snapshot: [{ blueprint: "user", ...snapshot }], extractBlock: () => block, threshold: threshold ?? 0.9 });
    expect(result).toMatchObject(expected);
    if (!("deleteBlock" in expected)) expect(result).not.toHaveProperty("deleteBlock");
  });

  it.each([
    { category: "staged" as const, block: undefined, fate: "sync" },
    { category: "staged" as const, block: "threshold" as const, fate: "sync" },
    { category: "held-back" as const, block: undefined, fate: "keep" },
    { category: "held-back" as const, block: "extract-incomplete" as const, fate: "keep" },
    { category: "unmapped" as const, block: undefined, fate: "keep" },
    { category: "unmapped" as const, block: "threshold" as const, fate: "keep" },
    { category: "gone" as const, block: undefined, fate: "delete" },
    { category: "gone" as const, block: "extract-incremental" as const, fate: "withhold" },
  ])("decides $fate for a $category entity when the deletions are blocked by $block", ({ category, block, fate }) => {
    expect(decideSnapshotFate(category, block)).toBe(fate);
  });
});

describe("decideDeleteBlock", () => {
  const INCOMPLETE = "extract-incomplete" as const;
  const INCREMENTAL = "extract-incremental" as const;
  it.each([
    { name: "nothing to delete is never blocked", deletions: 0, snapshotCount: 0, block: INCOMPLETE, threshold: 0, allow: false, expected: undefined },
    { name: "an incomplete extract blocks even with allowMassDelete", deletions: 1, snapshotCount: 100, block: INCOMPLETE, threshold: 0.9, allow: true, expected: INCOMPLETE },
    { name: "an incremental extract blocks even with allowMassDelete", deletions: 1, snapshotCount: 100, block: INCREMENTAL, threshold: 0.9, allow: true, expected: INCREMENTAL },
    { name: "an incremental extract blocks before the threshold does", deletions: 10, snapshotCount: 10, block: INCREMENTAL, threshold: 0, allow: false, expected: INCREMENTAL },
    { name: "exactly at the threshold deletes (Ocean's check is inclusive)", deletions: 9, snapshotCount: 10, block: undefined, threshold: 0.9, allow: false, expected: undefined },
    { name: "just over the threshold blocks", deletions: 10, snapshotCount: 10, block: undefined, threshold: 0.9, allow: false, expected: "threshold" },
    { name: "threshold 0 blocks any deletion", deletions: 1, snapshotCount: 1000, block: undefined, threshold: 0, allow: false, expected: "threshold" },
    { name: "threshold 1 allows deleting everything", deletions: 10, snapshotCount: 10, block: undefined, threshold: 1, allow: false, expected: undefined },
    { name: "allowMassDelete lifts the threshold", deletions: 10, snapshotCount: 10, block: undefined, threshold: 0.5, allow: true, expected: undefined },
  ])("$name", ({ deletions, snapshotCount, block, threshold, allow, expected }) => {
    expect(decideDeleteBlock({ deletions, snapshotCount, extractBlock: block, threshold, allowMassDelete: allow })).toBe(expected);
  });
});

describe("readLiteralBlueprint", () => {
  it.each([
    { expression: '"incidentioUser"', expected: "incidentioUser" },
    { expression: '  "incidentioUser" ', expected: "incidentioUser" },
    { expression: '.type | "x" + .', expected: undefined },
    { expression: 'if .a then "x" else "y" end', expected: undefined },
    { expression: '"with\\"escape"', expected: undefined },
  ])("reads $expression as $expected", ({ expression, expected }) => {
    expect(readLiteralBlueprint(expression)).toBe(expected);
  });
});

describe("listFeedingKinds", () => {
  const resources = [resource("/v2/users", '"user"'), resource("/v2/teams", '"team"'), resource("/v2/things", '.kind + "x"')];

  it.each([
    { name: "a literal blueprint is fed by its kind and by computed ones", blueprint: "user", stagedKinds: [], expected: ["/v2/things", "/v2/users"] },
    { name: "kinds already staged under the blueprint count too", blueprint: "team", stagedKinds: ["/v9/legacy"], expected: ["/v2/teams", "/v2/things", "/v9/legacy"] },
  ])("$name", ({ blueprint, stagedKinds, expected }) => {
    expect(listFeedingKinds(blueprint, resources, stagedKinds)).toEqual(expected);
  });
});

describe("decideExtractBlock", () => {
  const full = (status: string) => ({ status, mode: "full" });
  const incremental = (status: string) => ({ status, mode: "incremental" });
  it.each([
    { name: "all complete in full", kinds: ["a", "b"], latest: { a: full("complete"), b: full("complete") }, expected: undefined },
    { name: "one failed", kinds: ["a", "b"], latest: { a: full("complete"), b: full("failed") }, expected: "extract-incomplete" },
    { name: "one still running (a crashed extract)", kinds: ["a"], latest: { a: full("running") }, expected: "extract-incomplete" },
    { name: "one never extracted", kinds: ["a", "b"], latest: { a: full("complete") }, expected: "extract-incomplete" },
    { name: "no kinds at all", kinds: [], latest: {}, expected: "extract-incomplete" },
    { name: "one complete but incremental", kinds: ["a", "b"], latest: { a: full("complete"), b: incremental("complete") }, expected: "extract-incremental" },
    { name: "a failed incremental counts as incomplete", kinds: ["a", "b"], latest: { a: incremental("complete"), b: incremental("failed") }, expected: "extract-incomplete" },
    { name: "one complete with rejected items", kinds: ["a", "b"], latest: { a: full("complete"), b: { ...full("complete"), rejected: 2 } }, expected: "extract-rejected" },
    { name: "one failed while another rejected items", kinds: ["a", "b"], latest: { a: { ...full("complete"), rejected: 1 }, b: full("failed") }, expected: "extract-incomplete" },
    { name: "all complete in full with none rejected", kinds: ["a"], latest: { a: { ...full("complete"), rejected: 0 } }, expected: undefined },
  ])("$name → $expected", ({ kinds, latest, expected }) => {
    expect(decideExtractBlock(kinds, new Map(Object.entries(latest)))).toBe(expected);
  });
});

describe("listScopeBlueprints", () => {
  it("covers literal blueprints of the selected resources and blueprints their staged entities carry", () => {
    const selected = [resource("/v2/users", '"user"'), resource("/v2/things", ".blueprint")];
    const tallies = [staged({ blueprint: "thingA", kind: "/v2/things" }), staged({ blueprint: "other", kind: "/v2/other" })];
    expect(listScopeBlueprints(selected, tallies)).toEqual(["thingA", "user"]);
  });
});

describe("listChangedFields", () => {
  it.each([
    { name: "no change", before: { title: "a", properties: { x: 1 } }, after: { title: "a", properties: { x: 1 } }, expected: [] },
    { name: "title", before: { title: "a" }, after: { title: "b" }, expected: ["title"] },
    { name: "one property", before: { properties: { x: 1, y: 2 } }, after: { properties: { x: 1, y: 3 } }, expected: ["properties.y"] },
    { name: "a property added and a relation removed", before: { properties: {}, relations: { r: "1" } }, after: { properties: { n: "v" }, relations: {} }, expected: ["properties.n", "relations.r"] },
    { name: "null and absent are the same", before: { properties: { x: null } }, after: { properties: {} }, expected: [] },
    { name: "nested values compare structurally", before: { properties: { o: { a: 1, b: [1, 2] } } }, after: { properties: { o: { b: [1, 2], a: 1 } } }, expected: [] },
    { name: "identifier and blueprint are not fields", before: { identifier: "a", blueprint: "x" }, after: { identifier: "b", blueprint: "y" }, expected: [] },
  ])("$name", ({ before, after, expected }) => {
    expect(listChangedFields(before, after)).toEqual(expected);
  });
});

describe("isDeepEqual", () => {
  it.each([
    { left: [1, 2], right: [2, 1], expected: false },
    { left: { a: 1 }, right: { a: 1, b: undefined }, expected: false },
    { left: null, right: {}, expected: false },
    { left: [], right: {}, expected: false },
    { left: "1", right: 1, expected: false },
    { left: { a: [{ b: null }] }, right: { a: [{ b: null }] }, expected: true },
  ])("isDeepEqual($left, $right) is $expected", ({ left, right, expected }) => {
    expect(isDeepEqual(left, right)).toBe(expected);
  });
});
