import { describe, expect, it } from "vitest";
import { findDependents, formatEntityKey } from "../../../src/load/dependents";

const targets = new Map([
  ["commander", "user"],
  ["parent", "incident"],
  ["owners", "user"],
]);
const row = (identifier: string, relations: Record<string, unknown>) => ({ identifier, entity: { identifier, relations } });

describe("findDependents", () => {
  it.each([
    { name: "a single relation to a deleted entity", rows: [row("i1", { commander: "u1" }), row("i2", { commander: "u2" })], gone: [["user", "u1"]], expected: ["i1"] },
    { name: "one identifier of a many-relation", rows: [row("i1", { owners: ["u5", "u1"] })], gone: [["user", "u1"]], expected: ["i1"] },
    { name: "a relation of the same name to another blueprint does not count", rows: [row("i1", { commander: "u1" })], gone: [["team", "u1"]], expected: [] },
    { name: "relations the blueprint does not define are ignored", rows: [row("i1", { other: "u1" })], gone: [["user", "u1"]], expected: [] },
    {
      name: "chains inside the blueprint are followed",
      rows: [row("i3", { parent: "i2" }), row("i2", { parent: "i1" }), row("i1", { commander: "u1" }), row("i4", { parent: null })],
      gone: [["user", "u1"]],
      expected: ["i3", "i2", "i1"],
    },
    { name: "entities already gone are not listed again", rows: [row("i1", { commander: "u1" })], gone: [["user", "u1"], ["incident", "i1"]], expected: [] },
    { name: "null and missing relations are nobody's dependents", rows: [row("i1", { commander: null }), { identifier: "i2", entity: {} }], gone: [["user", "u1"]], expected: [] },
  ])("$name", ({ rows, gone, expected }) => {
    const keys = new Set(gone.map(([blueprint, identifier]) => formatEntityKey(blueprint as string, identifier as string)));
    expect(findDependents("incident", rows, targets, keys)).toEqual(expected);
  });
});
