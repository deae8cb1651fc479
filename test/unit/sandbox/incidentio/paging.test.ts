import { describe, expect, it } from "vitest";
import { countVisible, cursorAfter, parsePageSize, selectWindow, singleValue, type IndexSpace } from "../../../../src/sandbox/incidentio/paging";

const TEN: IndexSpace = { ranges: [[0, 10]] };
const EVEN: IndexSpace = { ranges: [[0, 10]], isVisible: (index) => index % 2 === 0 };
const SPLIT: IndexSpace = { ranges: [[0, 3], [10, 12]] };

describe("selectWindow", () => {
  it.each([
    { name: "first page ascending", space: TEN, order: "asc" as const, after: undefined, size: 3, expected: [0, 1, 2] },
    { name: "next page ascending", space: TEN, order: "asc" as const, after: 2, size: 3, expected: [3, 4, 5] },
    { name: "short last page ascending", space: TEN, order: "asc" as const, after: 7, size: 3, expected: [8, 9] },
    { name: "nothing after the last record", space: TEN, order: "asc" as const, after: 9, size: 3, expected: [] },
    { name: "first page descending", space: TEN, order: "desc" as const, after: undefined, size: 3, expected: [9, 8, 7] },
    { name: "next page descending", space: TEN, order: "desc" as const, after: 7, size: 3, expected: [6, 5, 4] },
    { name: "nothing after the oldest record descending", space: TEN, order: "desc" as const, after: 0, size: 3, expected: [] },
    { name: "hidden records skipped", space: EVEN, order: "asc" as const, after: undefined, size: 3, expected: [0, 2, 4] },
    { name: "a hidden cursor still resumes after its position", space: EVEN, order: "asc" as const, after: 3, size: 2, expected: [4, 6] },
    { name: "a gap between ranges crossed", space: SPLIT, order: "asc" as const, after: 1, size: 3, expected: [2, 10, 11] },
    { name: "a cursor inside the gap resumes at the next range", space: SPLIT, order: "asc" as const, after: 5, size: 3, expected: [10, 11] },
    { name: "a gap crossed descending", space: SPLIT, order: "desc" as const, after: 11, size: 3, expected: [10, 2, 1] },
    { name: "an empty space", space: { ranges: [] }, order: "asc" as const, after: undefined, size: 3, expected: [] },
    { name: "a zero page size", space: TEN, order: "asc" as const, after: undefined, size: 0, expected: [] },
  ])("selectWindow: $name", ({ space, order, after, size, expected }) => {
    expect(selectWindow(space, order, after, size)).toEqual(expected);
  });
});

describe("countVisible", () => {
  it.each([
    { name: "every index of a plain range", space: TEN, expected: 10 },
    { name: "only visible indexes", space: EVEN, expected: 5 },
    { name: "indexes of every range", space: SPLIT, expected: 5 },
    { name: "nothing in an empty range", space: { ranges: [[4, 4]] } as IndexSpace, expected: 0 },
  ])("countVisible counts $name", ({ space, expected }) => {
    expect(countVisible(space)).toBe(expected);
  });
});

describe("cursorAfter", () => {
  it.each([
    { name: "a full page hands out its last ID", ids: ["a", "b"], pageSize: 2, expected: "b" },
    { name: "a short page ends paging", ids: ["a"], pageSize: 2, expected: undefined },
    { name: "an empty page ends paging", ids: [], pageSize: 2, expected: undefined },
  ])("cursorAfter: $name", ({ ids, pageSize, expected }) => {
    expect(cursorAfter(ids, pageSize)).toBe(expected);
  });
});

describe("parsePageSize", () => {
  const optional = { max: 250, required: false };
  const required = { max: 50, required: true };
  it.each([
    { name: "absent optional size defaults to 25", raw: undefined, rule: optional, expected: 25 },
    { name: "empty optional size defaults to 25", raw: "", rule: optional, expected: 25 },
    { name: "a size at the maximum is accepted", raw: "250", rule: optional, expected: 250 },
    { name: "the last repeated value wins", raw: ["10", "20"], rule: optional, expected: 20 },
    { name: "absent required size is refused", raw: undefined, rule: required, expected: { field: "page_size", code: "is_required" } },
    { name: "a size above the maximum is refused", raw: "51", rule: required, expected: { field: "page_size", code: "invalid_value" } },
    { name: "zero is refused", raw: "0", rule: optional, expected: { field: "page_size", code: "invalid_value" } },
    { name: "a non-number is refused", raw: "ten", rule: optional, expected: { field: "page_size", code: "invalid_value" } },
    { name: "a fraction is refused", raw: "2.5", rule: optional, expected: { field: "page_size", code: "invalid_value" } },
  ])("parsePageSize: $name", ({ raw, rule, expected }) => {
    const result = parsePageSize(raw, rule);
    if (typeof expected === "number") expect(result).toBe(expected);
    else expect(result).toMatchObject(expected);
  });
});

describe("singleValue", () => {
  it.each([
    { raw: undefined, expected: undefined },
    { raw: "a", expected: "a" },
    { raw: ["a", "b"], expected: "b" },
  ])("reads $raw as $expected", ({ raw, expected }) => {
    expect(singleValue(raw)).toBe(expected);
  });
});
