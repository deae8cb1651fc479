import { describe, expect, it } from "vitest";
import { OLD_GENERATION_CEILING_BYTES, shouldCollect } from "../../../src/cli/memory-ceiling";

describe("shouldCollect", () => {
  const ceiling = OLD_GENERATION_CEILING_BYTES;
  it.each([
    { name: "under the ceiling, never", bytes: ceiling - 1, now: 10_000, last: undefined, expected: false },
    { name: "at the ceiling, the first time", bytes: ceiling, now: 10_000, last: undefined, expected: true },
    { name: "over it, a second after the last collection", bytes: ceiling * 2, now: 10_000, last: 9000, expected: true },
    { name: "over it, but within a second of the last collection", bytes: ceiling * 2, now: 10_000, last: 9500, expected: false },
  ])("$name", ({ bytes, now, last, expected }) => {
    expect(shouldCollect(bytes, now, last)).toBe(expected);
  });
});
