import { describe, expect, it } from "vitest";
import { decideRelationCheck, hashInPortByBlueprint, type RelationCheckChanges } from "../../../src/transform/relation-check-inputs";

const IN_PORT = new Map([
  ["user", "u1"],
  ["team", "t1"],
]);
const NOW: RelationCheckChanges = { inputsHash: "i1", inPort: IN_PORT, createMissingRelatedEntities: true, remappedWhole: false };
const LAST = { inputsHash: "i1", inPort: IN_PORT };

describe("decideRelationCheck: which relations must be read again?", () => {
  it.each([
    { name: "none: nothing staged changed and Port holds the same targets", now: NOW, last: { atStart: LAST, standing: true }, expected: { scope: "keep" } },
    { name: "those that may have changed: records changed", now: NOW, last: { atStart: LAST, standing: false }, expected: { scope: "changed", inPortChanged: [] } },
    {
      name: "those that may have changed: Port's users changed",
      now: { ...NOW, inPort: new Map([...IN_PORT, ["user", "u2"]]) },
      last: { atStart: LAST, standing: true },
      expected: { scope: "changed", inPortChanged: ["user"] },
    },
    { name: "all: never checked", now: NOW, last: { atStart: undefined, standing: false }, expected: { scope: "all" } },
    { name: "all: other kinds, relations or option", now: { ...NOW, inputsHash: "i2" }, last: { atStart: LAST, standing: true }, expected: { scope: "all" } },
    { name: "all: a kind mapped in full", now: { ...NOW, remappedWhole: true }, last: { atStart: LAST, standing: false }, expected: { scope: "all" } },
    { name: "all: hold-backs may cascade", now: { ...NOW, createMissingRelatedEntities: false }, last: { atStart: LAST, standing: false }, expected: { scope: "all" } },
    {
      name: "none, even when hold-backs may cascade, while nothing changed",
      now: { ...NOW, createMissingRelatedEntities: false },
      last: { atStart: LAST, standing: true },
      expected: { scope: "keep" },
    },
  ])("$name", ({ now, last, expected }) => {
    expect(decideRelationCheck(now, last)).toEqual(expected);
  });
});

describe("hashInPortByBlueprint", () => {
  const rows = [
    { blueprint: "team", identifier: "a" },
    { blueprint: "user", identifier: "a" },
    { blueprint: "user", identifier: "b" },
  ];

  it("hashes each target blueprint apart, one Port holds none of too", () => {
    const hashes = hashInPortByBlueprint(["user", "team", "severity"], rows);
    expect([...hashes.keys()]).toEqual(["user", "team", "severity"]);
    expect(hashes.get("team")).not.toBe(hashes.get("user"));
    expect(hashInPortByBlueprint(["user", "team", "severity"], rows.slice(0, 2)).get("team")).toBe(hashes.get("team"));
    expect(hashInPortByBlueprint(["user", "team", "severity"], rows.slice(0, 2)).get("user")).not.toBe(hashes.get("user"));
  });

  it("ignores identifiers of blueprints no relation points at", () => {
    expect(hashInPortByBlueprint(["user"], [...rows, { blueprint: "alert", identifier: "x" }])).toEqual(hashInPortByBlueprint(["user"], rows));
  });
});
