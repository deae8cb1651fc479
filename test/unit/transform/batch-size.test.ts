import { describe, expect, it } from "vitest";
import { sizeNextBatch } from "../../../src/transform/batch-size";

describe("sizeNextBatch", () => {
  it.each([
    { name: "aims at 1 MiB of payload", bytes: 100 * 4096, records: 100, expected: 256 },
    { name: "reads at most 1,000 small records", bytes: 1000 * 100, records: 1000, expected: 1000 },
    { name: "reads at least 10 huge records", bytes: 10 * 1_000_000, records: 10, expected: 10 },
    { name: "survives an empty batch", bytes: 0, records: 0, expected: 1000 },
  ])("$name", ({ bytes, records, expected }) => {
    expect(sizeNextBatch(bytes, records)).toBe(expected);
  });
});
