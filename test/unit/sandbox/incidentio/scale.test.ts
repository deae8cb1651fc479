import { describe, expect, it } from "vitest";
import { listCountProblems, presetCounts, resolveCounts, scaleCounts } from "../../../../src/sandbox/incidentio/scale";

describe("scaleCounts", () => {
  it("multiplies every count but severities", () => {
    const scaled = scaleCounts("large", 5);
    expect(scaled).toMatchObject({ alerts: 1_000_000, incidents: 100_000, users: 25_000, severities: 4, catalog_types: 250 });
    expect(scaled.catalog_entries).toEqual(Array.from({ length: 250 }, () => 1000));
  });

  it("repeats per-type entry counts for the new catalog types", () => {
    expect(scaleCounts("demo", 2).catalog_entries).toEqual([128, 116, 142, 94, 128, 116, 142, 94]);
  });

  it("never scales a present kind down to nothing", () => {
    expect(scaleCounts("tiny", 0.01)).toMatchObject({ alert_sources: 1, teams: 1, catalog_types: 1, catalog_entries: [1] });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses a factor of %s", (factor) => {
    expect(() => scaleCounts("tiny", factor)).toThrow(RangeError);
  });
});

describe("listCountProblems", () => {
  it.each([
    { name: "a preset", counts: presetCounts("demo"), expected: [] },
    { name: "alerts without alert sources", counts: { ...presetCounts("tiny"), alert_sources: 0 }, expected: ["alerts: records reference alert_sources, which has none"] },
    {
      name: "follow-ups without incidents",
      counts: { ...presetCounts("tiny"), incidents: 0 },
      expected: ["follow_ups: records reference incidents, which has none"],
    },
    { name: "a negative count", counts: { ...presetCounts("tiny"), teams: -2 }, expected: ["teams: must be a non-negative integer, got -2"] },
    { name: "a fractional entry count", counts: { ...presetCounts("tiny"), catalog_entries: [1.5] }, expected: ["catalog_entries: must be a non-negative integer, got 1.5"] },
  ])("listCountProblems: $name", ({ counts, expected }) => {
    expect(listCountProblems(counts)).toEqual(expected);
  });
});

describe("resolveCounts", () => {
  it("spells out one entry count per catalog type", () => {
    expect(resolveCounts({ ...presetCounts("tiny"), catalog_types: 3, catalog_entries: 5 }).catalog_entries).toEqual([5, 5, 5]);
    expect(resolveCounts({ ...presetCounts("tiny"), catalog_types: 3, catalog_entries: [4] }).catalog_entries).toEqual([4, 0, 0]);
  });

  it("throws listing every problem", () => {
    expect(() => resolveCounts({ ...presetCounts("tiny"), users: 0, alert_sources: 0 })).toThrowErrorMatchingInlineSnapshot(`
      [RangeError: invalid dataset counts:
      alerts: records reference alert_sources, which has none
      incidents: records reference users, which has none
      schedules: records reference users, which has none
      follow_ups: records reference users, which has none]
    `);
  });
});
