import { describe, expect, it } from "vitest";
import { interpretRecordOutput, isTruthy } from "../../../src/transform/interpret-output";
import { buildMappingProgram } from "../../../src/transform/program";
import { makeResource } from "../../helpers/transform-fixtures";

// Fields in output order: identifier, blueprint, title, properties.size, relations.owner.
const PROGRAM = buildMappingProgram(
  makeResource({ mappings: { blueprint: ".type", title: ".name", properties: { size: ".size" }, relations: { owner: ".owner" } } }),
);
// A literal blueprint is not printed: it is the same for every record.
const LITERAL = buildMappingProgram(makeResource({ mappings: { blueprint: "'thing'", properties: { size: "3" } } }));
const ITEMS = buildMappingProgram(makeResource({ itemsToParse: ".members" }));

describe("isTruthy", () => {
  it.each([
    { value: null, expected: false },
    { value: false, expected: false },
    { value: 0, expected: false },
    { value: "", expected: false },
    { value: [], expected: false },
    { value: {}, expected: false },
    { value: "a", expected: true },
    { value: 7, expected: true },
    { value: true, expected: true },
    { value: [0], expected: true },
    { value: { a: null }, expected: true },
  ])("treats $value as $expected, like Python", ({ value, expected }) => {
    expect(isTruthy(value)).toBe(expected);
  });
});

describe("interpretRecordOutput", () => {
  it("builds the entity from each field's first value", () => {
    const output = [null, [[true], ["a"], ["thing"], ["A"], [3], ["u1"]]];
    expect(interpretRecordOutput(PROGRAM, output)).toEqual({
      entities: [{ identifier: "a", blueprint: "thing", optional: { title: "A" }, properties: { size: 3 }, relations: { owner: "u1" } }],
      filtered: 0,
      skipped: 0,
      problems: [],
    });
  });

  it("reads an object record's plain keys bare, after the bare true that marks them", () => {
    const output = [null, [true, "a", "thing", null, 3, { id: "u1" }]];
    expect(interpretRecordOutput(PROGRAM, output).entities).toEqual([
      { identifier: "a", blueprint: "thing", optional: { title: null }, properties: { size: 3 }, relations: { owner: { id: "u1" } } },
    ]);
  });

  it("reads a bare value that looks like a wrapped one as the value itself", () => {
    const output = [null, [true, "a", "thing", ["A"], { e: "not an error" }, []]];
    const { entities, problems } = interpretRecordOutput(PROGRAM, output);
    expect(entities[0]).toMatchObject({ optional: { title: ["A"] }, properties: { size: { e: "not an error" } }, relations: { owner: [] } });
    expect(problems).toEqual([]);
  });

  it("fills in literal fields without jq printing them", () => {
    expect(interpretRecordOutput(LITERAL, [null, [[true], ["a"]]]).entities).toEqual([
      { identifier: "a", blueprint: "thing", optional: {}, properties: { size: 3 }, relations: {} },
    ]);
  });

  it("sends a field with no output as null without a problem", () => {
    const { entities, problems } = interpretRecordOutput(PROGRAM, [null, [[true], ["a"], ["thing"], [], [], []]]);
    expect(entities[0]).toEqual({ identifier: "a", blueprint: "thing", optional: { title: null }, properties: { size: null }, relations: { owner: null } });
    expect(problems).toEqual([]);
  });

  it("nulls a failing field and reports it with its expression", () => {
    const { entities, problems } = interpretRecordOutput(PROGRAM, [null, [[true], ["a"], ["thing"], ["A"], { e: "Cannot index number" }, ["u1"]]]);
    expect(entities[0]?.properties).toEqual({ size: null });
    expect(problems).toEqual([{ field: "properties.size", expression: ".size", message: "Cannot index number" }]);
  });

  it.each([
    { name: "false filters the entity out", selector: [false], filtered: 1, problems: [] },
    { name: "an error is a problem", selector: { e: "boom" }, filtered: 0, problems: ["boom"] },
    { name: "no output is a problem", selector: [], filtered: 0, problems: ["the selector produced no output; it must yield a boolean"] },
    { name: "a string is a problem", selector: ["true"], filtered: 0, problems: ['expected a boolean, got "true"'] },
    { name: "a number is a problem", selector: [1], filtered: 0, problems: ["expected a boolean, got 1"] },
    { name: "null is a problem", selector: [null], filtered: 0, problems: ["expected a boolean, got null"] },
  ])("maps nothing when the selector is not true: $name", ({ selector, filtered, problems }) => {
    const result = interpretRecordOutput(PROGRAM, [null, [selector]]);
    expect(result.entities).toEqual([]);
    expect(result.filtered).toBe(filtered);
    expect(result.problems.map((p) => p.message)).toEqual(problems);
    expect(result.problems.every((p) => p.field === "selector.query" && p.expression === "true")).toBe(true);
    // A selector that is not a boolean says nothing about the record: its entity must not look deleted.
    expect(result.failure).toBe(problems.length === 0 ? undefined : `the selector (true) failed: ${problems[0] ?? ""}`);
  });

  it.each([
    { name: "a null identifier", identifier: [null], blueprint: ["thing"] },
    { name: "an empty identifier", identifier: [""], blueprint: ["thing"] },
    { name: "an identifier with no output", identifier: [], blueprint: ["thing"] },
    { name: "a zero identifier", identifier: [0], blueprint: ["thing"] },
    { name: "an empty blueprint", identifier: ["a"], blueprint: [""] },
    { name: "a null blueprint", identifier: ["a"], blueprint: [null] },
  ])("skips the entity for $name", ({ identifier, blueprint }) => {
    const result = interpretRecordOutput(PROGRAM, [null, [[true], identifier, blueprint, ["A"], [1], ["u"]]]);
    expect(result.entities).toEqual([]);
    expect(result.skipped).toBe(1);
    expect(result.failure).toBeUndefined();
  });

  it.each([
    { name: "a failing identifier", identifier: { e: "x" }, blueprint: ["thing"], failure: "the identifier expression (.id) failed: x" },
    { name: "a failing blueprint", identifier: ["a"], blueprint: { e: "y" }, failure: "the blueprint expression (.type) failed: y" },
    { name: "both failing (the first named)", identifier: { e: "x" }, blueprint: { e: "y" }, failure: "the identifier expression (.id) failed: x" },
  ])("fails the record rather than skipping the entity for $name", ({ identifier, blueprint, failure }) => {
    const result = interpretRecordOutput(PROGRAM, [null, [[true], identifier, blueprint, ["A"], [1], ["u"]]]);
    expect(result.entities).toEqual([]);
    expect(result.skipped).toBe(0);
    expect(result.failure).toBe(failure);
  });

  it("fails the record when one of its items fails, and still maps the others", () => {
    const result = interpretRecordOutput(ITEMS, [null, [[true], ["m1"]], [[true], { e: "boom" }]]);
    expect(result.entities.map((e) => e.identifier)).toEqual(["m1"]);
    expect(result.failure).toBe("the identifier expression (.id) failed: boom");
  });

  it("reads one entity per item of itemsToParse", () => {
    const result = interpretRecordOutput(ITEMS, [null, [[true], ["m1"]], [[false]], [[true], [null]]]);
    expect(result.entities.map((e) => e.identifier)).toEqual(["m1"]);
    expect([result.filtered, result.skipped]).toEqual([1, 1]);
  });

  it.each([
    {
      name: "fails (the record fails)",
      status: { e: "Cannot iterate over null" },
      message: "Cannot iterate over null",
      failure: { failure: "the itemsToParse expression (.members) failed: Cannot iterate over null" },
    },
    { name: "gives an object", status: { t: "object" }, message: "expected an array, got object; the record gives no entity", failure: {} },
    { name: "gives nothing", status: { t: "null" }, message: "expected an array, got null; the record gives no entity", failure: {} },
  ])("reports the record when itemsToParse $name", ({ status, message, failure }) => {
    expect(interpretRecordOutput(ITEMS, [status])).toEqual({
      entities: [],
      filtered: 0,
      skipped: 0,
      problems: [{ field: "itemsToParse", expression: ".members", message }],
      ...failure,
    });
  });

  it("refuses output that the program cannot have printed", () => {
    expect(() => interpretRecordOutput(PROGRAM, { a: 1 })).toThrow(/unexpected jq program output/);
    expect(() => interpretRecordOutput(PROGRAM, [null, [[true], "bare"]])).toThrow(/unexpected jq program output/);
    expect(() => interpretRecordOutput(PROGRAM, [null, [true, "a", "thing"]])).toThrow(/unexpected jq program output/);
  });
});
