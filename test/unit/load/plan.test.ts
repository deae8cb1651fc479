import { describe, expect, it } from "vitest";
import type { ResourceMapping } from "../../../src/model/mapping";
import {
  decideDeleteBlock,
  decideExtractBlock,
  isDeepEqual,
  listChangedFields,
  listFeedingKinds,
  listScopeBlueprints,
  planLoad,
  readLiteralBlueprint,
  type PlanInput,
  type SnapshotKey,
  type StagedKey,
} from "../../../src/load/plan";

const staged = (identifier: string, hash: string, over: Partial<StagedKey> = {}): StagedKey => ({
  blueprint: "user",
  identifier,
  kind: "/v2/users",
  hash,
  heldBack: false,
  ...over,
});
const pushed = (identifier: string, hash: string, blueprint = "user"): SnapshotKey => ({ blueprint, identifier, hash });

const plan = (over: Partial<PlanInput>) =>
  planLoad({
    blueprints: ["user"],
    staged: [],
    snapshot: [],
    selectedKinds: new Set(["/v2/users"]),
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
      name: "creates entities Port does not hold",
      staged: [staged("a", "h1")],
      snapshot: [],
      expected: { create: ["a"], update: [], delete: [], unchanged: 0 },
    },
    {
      name: "updates entities whose hash differs from the pushed one",
      staged: [staged("a", "h2")],
      snapshot: [pushed("a", "h1")],
      expected: { create: [], update: ["a"], delete: [], unchanged: 0 },
    },
    {
      name: "leaves entities alone whose hash matches",
      staged: [staged("a", "h1")],
      snapshot: [pushed("a", "h1")],
      expected: { create: [], update: [], delete: [], unchanged: 1 },
    },
    {
      name: "deletes snapshot entities nothing stages any more",
      staged: [staged("a", "h1")],
      snapshot: [pushed("a", "h1"), pushed("b", "h1")],
      expected: { create: [], update: [], delete: ["b"], unchanged: 1 },
    },
    {
      name: "sorts identifiers so batches repeat from run to run",
      staged: [staged("c", "1"), staged("a", "1"), staged("b", "1")],
      snapshot: [],
      expected: { create: ["a", "b", "c"], update: [], delete: [], unchanged: 0 },
    },
  ])("$name", ({ staged: stagedKeys, snapshot, expected }) => {
    expect(plan({ staged: stagedKeys, snapshot })).toMatchObject(expected);
  });

  it("neither pushes nor deletes a held-back entity", () => {
    const result = plan({
      staged: [staged("a", "h2", { heldBack: true }), staged("b", "h9", { heldBack: true })],
      snapshot: [pushed("a", "h1")],
    });
    expect(result).toMatchObject({ create: [], update: [], delete: [], heldBack: 2, unchanged: 0 });
  });

  it("pushes only entities of the selected kinds but protects every staged entity from deletion", () => {
    const result = plan({
      staged: [staged("a", "h2"), staged("b", "h2", { kind: "/v2/other" })],
      snapshot: [pushed("a", "h1"), pushed("b", "h1")],
    });
    expect(result).toMatchObject({ update: ["a"], delete: [], unchanged: 0 });
  });

  it.each(["extract-incomplete", "extract-incremental"] as const)("withholds deletions of a blueprint whose extracts say %s", (block) => {
    const result = plan({ snapshot: [pushed("a", "h1")], extractBlock: () => block });
    expect(result).toMatchObject({ delete: [], deletesWithheld: 1, deleteBlock: block });
  });

  it("withholds deletions over the threshold and sends them with allowMassDelete", () => {
    const snapshot = [pushed("a", "1"), pushed("b", "1"), pushed("c", "1"), pushed("d", "1")];
    const stagedKeys = [staged("a", "1")];
    expect(plan({ staged: stagedKeys, snapshot, threshold: 0.5 })).toMatchObject({ delete: [], deletesWithheld: 3, deleteBlock: "threshold" });
    expect(plan({ staged: stagedKeys, snapshot, threshold: 0.5, allowMassDelete: true })).toMatchObject({ delete: ["b", "c", "d"], deletesWithheld: 0 });
    expect(plan({ staged: stagedKeys, snapshot, threshold: 0.5, allowMassDelete: true })).not.toHaveProperty("deleteBlock");
  });

  it("applies the threshold per blueprint, not across blueprints", () => {
    const results = planLoad({
      blueprints: ["severity", "user"],
      staged: [...Array.from({ length: 100 }, (_, i) => staged(`u${i}`, "1"))],
      snapshot: [...Array.from({ length: 100 }, (_, i) => pushed(`u${i}`, "1")), ...["s1", "s2", "s3"].map((id) => pushed(id, "1", "severity"))],
      selectedKinds: new Set(["/v2/users", "/v1/severities"]),
      extractBlock: () => undefined,
      threshold: 0.9,
      allowMassDelete: false,
    });
    expect(results.map((result) => [result.blueprint, result.delete.length, result.deleteBlock])).toEqual([
      ["severity", 0, "threshold"],
      ["user", 0, undefined],
    ]);
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
  ])("$name → $expected", ({ kinds, latest, expected }) => {
    expect(decideExtractBlock(kinds, new Map(Object.entries(latest)))).toBe(expected);
  });
});

describe("listScopeBlueprints", () => {
  it("covers literal blueprints of the selected resources and blueprints their staged entities carry", () => {
    const selected = [resource("/v2/users", '"user"'), resource("/v2/things", ".blueprint")];
    const stagedKeys = [staged("t", "1", { blueprint: "thingA", kind: "/v2/things" }), staged("x", "1", { blueprint: "other", kind: "/v2/other" })];
    expect(listScopeBlueprints(selected, stagedKeys)).toEqual(["thingA", "user"]);
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
