import { describe, expect, it } from "vitest";
import { sizeNextBatch } from "../../../src/transform/batch-size";

describe("sizeNextBatch", () => {
  it.each([
    { name: "aims at 8 MiB of payload", chars: 1000 * 3355, records: 1000, expected: 2500 },
    { name: "reads at most 5,000 small records", chars: 1000 * 100, records: 1000, expected: 5000 },
    { name: "reads at least 1,000 huge records", chars: 10 * 1_000_000, records: 10, expected: 1000 },
    { name: "survives an empty batch", chars: 0, records: 0, expected: 5000 },
  ])("$name", ({ chars, records, expected }) => {
    expect(sizeNextBatch(chars, records)).toBe(expected);
  });
});
