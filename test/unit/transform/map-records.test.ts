import { describe, expect, it } from "vitest";
import { describeJqFailure } from "../../../src/transform/map-records";

describe("describeJqFailure", () => {
  it.each([
    {
      name: "input nested beyond jq's parsing depth",
      stderr: "parse error: Exceeds depth limit for parsing at line 1, column 275",
      expected: "jq cannot parse the record: it is nested deeper than the 256 levels jq 1.6 and 1.7 read (an object counts two levels)",
    },
    {
      name: "any other parse error, with jq's words",
      stderr: "parse error: Invalid \\uXXXX\\uXXXX surrogate pair escape at line 1, column 9",
      expected: "jq cannot parse the record: parse error: Invalid \\uXXXX\\uXXXX surrogate pair escape at line 1, column 9",
    },
    {
      name: "a parse error jq reports with its position",
      stderr: "jq: error (at <stdin>:3): parse error: Unfinished JSON term at EOF at line 4, column 0",
      expected: "jq cannot parse the record: jq: error (at <stdin>:3): parse error: Unfinished JSON term at EOF at line 4, column 0",
    },
    {
      name: "a runtime error",
      stderr: 'jq: error (at <stdin>:0): Cannot index number with "id"',
      expected: 'jq failed on the record: jq: error (at <stdin>:0): Cannot index number with "id"',
    },
    {
      name: "output that is not what the program prints",
      stderr: "the mapping program printed 0 lines for 1 records",
      expected: "jq failed on the record: the mapping program printed 0 lines for 1 records",
    },
  ])("says why for $name", ({ stderr, expected }) => {
    expect(describeJqFailure(stderr)).toBe(expected);
  });
});
