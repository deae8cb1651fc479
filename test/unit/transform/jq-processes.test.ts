import { describe, expect, it } from "vitest";
import { countJqProcesses } from "../../../src/transform/jq-processes";

describe("countJqProcesses", () => {
  it.each([
    { name: "an empty kind still gets one (the count may be stale)", records: 0, expected: 1 },
    { name: "a small kind is not worth a second start", records: 500, expected: 1 },
    { name: "up to the threshold, one", records: 2000, expected: 1 },
    { name: "past it, one a core", records: 2001, expected: 2 },
    { name: "never more than the cores", records: 1_000_000, expected: 2 },
  ])("$name", ({ records, expected }) => {
    expect(countJqProcesses(records)).toBe(expected);
  });
});
