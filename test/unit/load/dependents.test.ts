import { describe, expect, it } from "vitest";
import { collectDependents, formatEntityKey, listRelationKeys, parseEntityKey } from "../../../src/load/dependents";

const targets = new Map([
  ["commander", "user"],
  ["parent", "incident"],
  ["owners", "user"],
]);
const key = (blueprint: string, identifier: string) => formatEntityKey(blueprint, identifier);

describe("parseEntityKey", () => {
  it.each([
    { blueprint: "incident", identifier: "i1" },
    { blueprint: "user", identifier: "a/b:c@d" },
    { blueprint: "user", identifier: "" },
  ])("reads back the blueprint and identifier of $blueprint/$identifier", ({ blueprint, identifier }) => {
    expect(parseEntityKey(formatEntityKey(blueprint, identifier))).toEqual({ blueprint, identifier });
  });
});

describe("listRelationKeys", () => {
  it.each([
    { name: "a single relation", entity: { relations: { commander: "u1" } }, expected: [key("user", "u1")] },
    { name: "each identifier of a many-relation", entity: { relations: { owners: ["u5", "u1"] } }, expected: [key("user", "u5"), key("user", "u1")] },
    { name: "nothing for relations the blueprint does not define", entity: { relations: { other: "u1" } }, expected: [] },
    { name: "nothing for null, missing or non-string values", entity: { relations: { commander: null, owners: [3, null] } }, expected: [] },
    { name: "nothing for an entity without relations", entity: { identifier: "i1" }, expected: [] },
    { name: "nothing for something that is not an entity", entity: "i1", expected: [] },
  ])("lists $name", ({ entity, expected }) => {
    expect(listRelationKeys(entity, targets)).toEqual(expected);
  });
});

describe("collectDependents", () => {
  // i1 → u1, i2 → u2, f1 → i1, f2 → f1 (a chain inside one blueprint), t1 → u1 and i1.
  const index = new Map([
    [key("user", "u1"), new Set([key("incident", "i1"), key("team", "t1")])],
    [key("user", "u2"), new Set([key("incident", "i2")])],
    [key("incident", "i1"), new Set([key("follow_up", "f1"), key("team", "t1")])],
    [key("follow_up", "f1"), new Set([key("follow_up", "f2")])],
  ]);

  it.each([
    { name: "a leaf has no dependents", roots: [key("follow_up", "f2")], gone: [], expected: [] },
    { name: "direct dependents", roots: [key("user", "u2")], gone: [], expected: [key("incident", "i2")] },
    {
      name: "dependents of dependents, across blueprints and inside one, each once",
      roots: [key("user", "u1")],
      gone: [],
      expected: [key("incident", "i1"), key("team", "t1"), key("follow_up", "f1"), key("follow_up", "f2")],
    },
    { name: "not what is already gone, nor what only it leads to", roots: [key("user", "u1")], gone: [key("incident", "i1")], expected: [key("team", "t1")] },
    { name: "not the roots themselves", roots: [key("user", "u1"), key("incident", "i1")], gone: [], expected: [key("team", "t1"), key("follow_up", "f1"), key("follow_up", "f2")] },
    { name: "nothing for a key nobody relates to", roots: [key("user", "u9")], gone: [], expected: [] },
  ])("finds $name", ({ roots, gone, expected }) => {
    expect(collectDependents(index, roots, new Set(gone))).toEqual(expected);
  });

  it("ends on a cycle", () => {
    const cycle = new Map([
      [key("a", "1"), new Set([key("a", "2")])],
      [key("a", "2"), new Set([key("a", "1")])],
    ]);
    expect(collectDependents(cycle, [key("a", "1")], new Set())).toEqual([key("a", "2")]);
  });
});
