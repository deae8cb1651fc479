import { describe, expect, it } from "vitest";
import { MAX_DISTINCT, MAX_FIELDS, observeRecord, type ValueStats } from "../../../src/discover/value-stats";
import { statsOf } from "../../helpers/discover-stats";

describe("value stats", () => {
  it("counts nulls apart from values and records each JSON type once", () => {
    const stats = statsOf(["a", null, 3, undefined, true, { x: 1 }, [1]]);
    expect([stats.count, stats.nulls, [...stats.types].sort()]).toEqual([5, 2, ["array", "boolean", "number", "object", "string"]]);
  });

  it("counts how often each distinct string occurs", () => {
    expect([...statsOf(["live", "closed", "live"]).strings]).toEqual([
      ["live", 2],
      ["closed", 1],
    ]);
  });

  it("keeps at most MAX_DISTINCT distinct strings and says when there were more", () => {
    const stats = statsOf(Array.from({ length: MAX_DISTINCT + 5 }, (_, i) => `value-${i}`));
    expect([stats.strings.size, stats.hasMoreStrings]).toEqual([MAX_DISTINCT, true]);
  });

  it.each([
    { values: ["2023-01-01T00:00:00Z", "2024-02-29T10:00:00.5+01:00"], expected: [true, false, false] },
    { values: ["https://example.com/a", "http://example.com"], expected: [false, true, false] },
    { values: ["a@example.com", "b@example.org"], expected: [false, false, true] },
    { values: ["2023-01-01T00:00:00Z", "https://example.com"], expected: [false, false, false] },
    { values: ["a@example.com", ""], expected: [false, false, false] },
  ])("tracks whether every string is a date-time, url or email: $values", ({ values, expected }) => {
    const stats = statsOf(values);
    expect([stats.areDateTimes, stats.areWebUrls, stats.areEmails]).toEqual(expected);
  });

  it("collects the string ids of objects, and counts objects without one", () => {
    const stats = statsOf([{ id: "A" }, { id: "B", name: "b" }, { id: "" }, { name: "no id" }]);
    expect([stats.objects, stats.objectsWithId, [...stats.objectIds]]).toEqual([4, 2, ["A", "B"]]);
  });

  it("follows the elements of a field's arrays one level deep", () => {
    const stats = statsOf([["x", "y"], [], null, [["nested"]]]);
    const items = stats.items as ValueStats;
    expect([items.count, [...items.types].sort(), [...items.strings.keys()], items.items]).toEqual([3, ["array", "string"], ["x", "y"], undefined]);
  });

  it("measures the longest value as JSON text", () => {
    expect(statsOf(["abc", "a"]).maxChars).toBe(5);
    expect(statsOf([{ a: [1, 2] }]).maxChars).toBe(JSON.stringify({ a: [1, 2] }).length);
  });

  it("gathers each record field in the order fields first appear", () => {
    const fields = new Map<string, ValueStats>();
    observeRecord(fields, { id: "1", name: "a" });
    observeRecord(fields, { id: "2", rank: 3, name: null });
    expect([...fields.keys()]).toEqual(["id", "name", "rank"]);
    expect([fields.get("id")?.count, fields.get("name")?.count, fields.get("name")?.nulls]).toEqual([2, 1, 1]);
  });

  it("stops following new fields once a record has hundreds of them", () => {
    const fields = new Map<string, ValueStats>();
    observeRecord(fields, Object.fromEntries(Array.from({ length: MAX_FIELDS + 50 }, (_, i) => [`key${i}`, i])));
    expect(fields.size).toBe(MAX_FIELDS);
  });
});
