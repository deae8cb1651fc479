import { describe, expect, it } from "vitest";
import { compileSimpleExpression } from "../../../src/extract/simple-expression";

describe("compileSimpleExpression", () => {
  it.each([
    { expression: ".", input: { a: 1 }, expected: { a: 1 } },
    { expression: ".id", input: { id: "01H" }, expected: "01H" },
    { expression: " .catalog_types ", input: { catalog_types: [1] }, expected: [1] },
    { expression: ".a.b", input: { a: { b: 2 } }, expected: 2 },
    { expression: ".__catalog_type_id", input: { __catalog_type_id: "T" }, expected: "T" },
    { expression: ".missing", input: { a: 1 }, expected: null },
    { expression: ".a.b", input: { a: null }, expected: null },
    { expression: ".a", input: null, expected: null },
    { expression: "true", input: { a: 1 }, expected: true },
    { expression: "false", input: { a: 1 }, expected: false },
    { expression: "null", input: { a: 1 }, expected: null },
  ])("evaluates $expression like jq", ({ expression, input, expected }) => {
    expect(compileSimpleExpression(expression)?.(input)).toEqual(expected);
  });

  it.each([
    { expression: ".a", input: [1], message: 'Cannot index array with "a"' },
    { expression: ".a.b", input: { a: "text" }, message: 'Cannot index string with "b"' },
    { expression: ".a", input: 3, message: 'Cannot index number with "a"' },
  ])("fails like jq when $expression indexes a non-object", ({ expression, input, message }) => {
    expect(() => compileSimpleExpression(expression)?.(input)).toThrow(message);
  });

  it.each([".items[]", ".a | .b", ".a?", '."key"', ".items[0]", "map(.id)", ".a // .b", ".1a", ""])("leaves %j to jq", (expression) => {
    expect(compileSimpleExpression(expression)).toBeUndefined();
  });
});
