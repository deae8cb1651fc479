import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../../src/cli/args";

describe("parseCommandLine", () => {
  it.each([
    { name: "reads incidents and follow-ups incrementally unless told otherwise", argv: ["run"], expected: false },
    { name: "asks for a full extract with --full-refresh", argv: ["run", "--full-refresh"], expected: true },
    { name: "takes --full-refresh on etl extract too", argv: ["extract", "--full-refresh"], expected: true },
  ])("$name", ({ argv, expected }) => {
    expect(parseCommandLine(argv).fullRefresh).toBe(expected);
  });
});
