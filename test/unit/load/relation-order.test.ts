import { describe, expect, it } from "vitest";
import { orderBlueprintLevels } from "../../../src/load/relation-order";

describe("orderBlueprintLevels", () => {
  it.each([
    {
      name: "puts targets before the blueprints that relate to them",
      relations: { followUp: ["incident"], incident: ["user", "severity"], user: [], severity: [] },
      expected: [["severity", "user"], ["incident"], ["followUp"]],
    },
    {
      name: "keeps a cycle on one level, after its targets and before its sources",
      relations: { a: ["b", "base"], b: ["a"], base: [], top: ["a"] },
      expected: [["base"], ["a", "b"], ["top"]],
    },
    {
      name: "ignores self-relations and targets outside the set",
      relations: { team: ["team", "_user"], user: ["team"] },
      expected: [["team"], ["user"]],
    },
    {
      name: "places a blueprint after its deepest target",
      relations: { a: [], b: ["a"], c: ["a", "b"] },
      expected: [["a"], ["b"], ["c"]],
    },
    { name: "returns nothing for no blueprints", relations: {}, expected: [] },
  ])("$name", ({ relations, expected }) => {
    const table = relations as Record<string, string[]>;
    expect(orderBlueprintLevels(Object.keys(table), (blueprint) => table[blueprint] ?? [])).toEqual(expected);
  });
});
