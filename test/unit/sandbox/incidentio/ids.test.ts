import { describe, expect, it } from "vitest";
import { decodeBase32, decodeRecordId, encodeBase32, encodeRecordId, ID_LENGTH, MAX_INDEX, tagOf } from "../../../../src/sandbox/incidentio/ids";

describe("encodeBase32", () => {
  it.each([
    { value: 0, width: 2, expected: "00" },
    { value: 31, width: 1, expected: "Z" },
    { value: 32, width: 2, expected: "10" },
    { value: 1023, width: 2, expected: "ZZ" },
    { value: 1024, width: 3, expected: "100" },
    { value: 1_700_000_000_000, width: 10, expected: "01HF7YAT00" },
  ])("writes $value in $width digits as $expected", ({ value, width, expected }) => {
    expect(encodeBase32(value, width)).toBe(expected);
    expect(decodeBase32(expected)).toBe(value);
  });

  it.each([
    { name: "a value too large for the width", value: 32, width: 1 },
    { name: "a negative value", value: -1, width: 2 },
    { name: "a fraction", value: 1.5, width: 2 },
  ])("refuses $name", ({ value, width }) => {
    expect(() => encodeBase32(value, width)).toThrow(RangeError);
  });
});

describe("decodeBase32", () => {
  it.each([
    { text: "01hf7yat00", expected: 1_700_000_000_000 },
    { text: "0U", expected: undefined },
    { text: "0I", expected: undefined },
    { text: "-1", expected: undefined },
  ])("reads $text as $expected (lower case allowed, letters outside Crockford's alphabet refused)", ({ text, expected }) => {
    expect(decodeBase32(text)).toBe(expected);
  });
});

describe("encodeRecordId / decodeRecordId", () => {
  const key = 42;

  it.each([
    { tag: 1, index: 0 },
    { tag: 4, index: 199_999 },
    { tag: 29, index: 7 },
    { tag: 1023, index: MAX_INDEX },
  ])("round-trips tag $tag, index $index", ({ tag, index }) => {
    const id = encodeRecordId({ timeMs: 1_700_000_000_000, tag, index, check: 12345 }, key);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id).toHaveLength(ID_LENGTH);
    expect(decodeRecordId(id, key)).toEqual({ timeMs: 1_700_000_000_000, tag, index, check: 12345 });
  });

  it("gives the same index different IDs under different tags", () => {
    const ids = [1, 2, 3].map((tag) => encodeRecordId({ timeMs: 1_700_000_000_000, tag, index: 5, check: 0 }, key));
    expect(new Set(ids).size).toBe(3);
  });

  it("sorts IDs by their time part whatever the index", () => {
    const later = encodeRecordId({ timeMs: 1_700_000_000_001, tag: 1, index: 0, check: 0 }, key);
    const earlier = encodeRecordId({ timeMs: 1_700_000_000_000, tag: 1, index: 9_999, check: 0 }, key);
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it.each([
    { name: "too short", id: "01HF7YAT00" },
    { name: "too long", id: "01HJK7N8000000000000000000X" },
    { name: "a character outside the alphabet", id: "01HJK7N800U000000000000000" },
  ])("refuses an ID that is $name", ({ id }) => {
    expect(decodeRecordId(id, key)).toBeUndefined();
  });

  it("refuses an index too large for the ID", () => {
    expect(() => encodeRecordId({ timeMs: 0, tag: 1, index: MAX_INDEX + 1, check: 0 }, key)).toThrow(RangeError);
  });
});

describe("tagOf", () => {
  it("gives every served kind its own tag", () => {
    const kinds = ["users", "alert_sources", "schedules", "alerts", "incidents", "catalog_types", "catalog_entries", "severities", "teams", "follow_ups"] as const;
    expect(new Set(kinds.map(tagOf)).size).toBe(kinds.length);
  });
});
