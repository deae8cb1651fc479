import { describe, expect, it } from "vitest";
import { parseSingleJsonValue } from "../../../src/jq/jq-runner";

describe("parseSingleJsonValue", () => {
  it.each([
    { name: "an object", stdout: '{"a":1}', expected: { a: 1 } },
    { name: "null", stdout: "null", expected: null },
    { name: "a string holding an escaped newline", stdout: '"a\\nb"', expected: "a\nb" },
    { name: "no output", stdout: "", expected: undefined },
  ])("parses $name", ({ stdout, expected }) => {
    expect(parseSingleJsonValue(stdout)).toEqual(expected);
  });

  it("refuses output holding several values", () => {
    expect(() => parseSingleJsonValue("1\n2")).toThrow(/more than one value/);
  });
});
