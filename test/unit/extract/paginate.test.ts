import { describe, expect, it } from "vitest";
import type { PaginationSettings } from "../../../src/model/pagination";
import { describePosition, firstPosition, isTruthy, nextPosition, pageParams, pagingKey, readDotPath, type PagePosition } from "../../../src/extract/paginate";

const CURSOR: PaginationSettings = {
  type: "cursor",
  pageSize: 25,
  param: "after",
  sizeParam: "page_size",
  cursorPath: "pagination_meta.after",
  hasMorePath: undefined,
  startPage: 1,
};
const OFFSET: PaginationSettings = { ...CURSOR, type: "offset", param: "offset", sizeParam: "limit", pageSize: 2 };
const PAGE: PaginationSettings = { ...CURSOR, type: "page", param: "page", sizeParam: "size", pageSize: 2 };
const NONE: PaginationSettings = { ...CURSOR, type: "none", param: "", sizeParam: "" };

const meta = (after?: unknown) => ({ items: [], pagination_meta: after === undefined ? { page_size: 25 } : { after, page_size: 25 } });

describe("nextPosition with cursor paging", () => {
  const at: PagePosition = { index: 1, cursor: "A" };
  it.each([
    { name: "continues with the page's cursor", page: meta("B"), count: 25, seen: ["A"], expected: { index: 2, cursor: "B" } },
    { name: "continues on a short page that still has a cursor", page: meta("B"), count: 3, seen: ["A"], expected: { index: 2, cursor: "B" } },
    { name: "stops when the cursor is missing", page: meta(), count: 25, seen: [], expected: undefined },
    { name: "stops when the cursor is null", page: meta(null), count: 25, seen: [], expected: undefined },
    { name: "stops when the cursor is empty", page: meta(""), count: 25, seen: [], expected: undefined },
    { name: "stops when pagination_meta is absent", page: { items: [] }, count: 25, seen: [], expected: undefined },
    { name: "stops on an empty page despite a cursor", page: meta("B"), count: 0, seen: [], expected: undefined },
    { name: "stops on a cursor seen before", page: meta("A"), count: 25, seen: ["A"], expected: undefined },
    { name: "reads a numeric cursor as text", page: meta(42), count: 25, seen: [], expected: { index: 2, cursor: "42" } },
    { name: "stops on a cursor that is an object", page: meta({ x: 1 }), count: 25, seen: [], expected: undefined },
    { name: "stops when the page is an array", page: [{ id: 1 }], count: 1, seen: [], expected: undefined },
  ])("$name", ({ page, count, seen, expected }) => {
    expect(nextPosition(CURSOR, at, page, count, new Set(seen))).toEqual(expected);
  });

  it.each([
    { name: "goes on while the has-more flag is true", flag: true, expected: { index: 2, cursor: "B" } },
    { name: "stops when the has-more flag is false", flag: false, expected: undefined },
    { name: "stops when the has-more flag is missing", flag: undefined, expected: undefined },
    { name: "stops when the has-more flag is 0", flag: 0, expected: undefined },
    { name: "goes on when the has-more path is the cursor itself", flag: "B", expected: { index: 2, cursor: "B" } },
  ])("$name", ({ flag, expected }) => {
    const settings = { ...CURSOR, hasMorePath: "meta.has_more" };
    const page = { ...meta("B"), meta: flag === undefined ? {} : { has_more: flag } };
    expect(nextPosition(settings, at, page, 25, new Set())).toEqual(expected);
  });
});

describe("nextPosition with offset and page paging", () => {
  it.each([
    { name: "offset advances by the page size on a full page", settings: OFFSET, page: [1, 2], count: 2, expected: { index: 1, offset: 2 } },
    { name: "offset stops on a short page", settings: OFFSET, page: [1], count: 1, expected: undefined },
    { name: "offset stops on an empty page", settings: OFFSET, page: [], count: 0, expected: undefined },
    { name: "offset stops on has_more false", settings: OFFSET, page: { data: [1, 2], has_more: false }, count: 2, expected: undefined },
    { name: "offset stops on hasMore false", settings: OFFSET, page: { data: [1, 2], hasMore: false }, count: 2, expected: undefined },
    { name: "offset goes on with has_more true", settings: OFFSET, page: { data: [1, 2], has_more: true }, count: 2, expected: { index: 1, offset: 2 } },
    { name: "offset goes on without a flag until a short page", settings: OFFSET, page: { data: [1, 2] }, count: 2, expected: { index: 1, offset: 2 } },
    {
      name: "offset stops when a configured has-more path is missing",
      settings: { ...OFFSET, hasMorePath: "meta.more" },
      page: { data: [1, 2] },
      count: 2,
      expected: undefined,
    },
    { name: "page advances by one on a full page", settings: PAGE, page: [1, 2], count: 2, expected: { index: 1, page: 2 } },
    { name: "page stops on a short page", settings: PAGE, page: { data: [1] }, count: 1, expected: undefined },
    { name: "page goes on while next_page is set", settings: PAGE, page: { data: [1, 2], next_page: 2 }, count: 2, expected: { index: 1, page: 2 } },
    { name: "page stops when next_page is null", settings: PAGE, page: { data: [1, 2], next_page: null }, count: 2, expected: undefined },
    { name: "page stops when next is null", settings: PAGE, page: { data: [1, 2], next: null }, count: 2, expected: undefined },
    {
      name: "page falls back to the defaults when the has-more path is missing",
      settings: { ...PAGE, hasMorePath: "meta.more" },
      page: { data: [1, 2], next_page: 3 },
      count: 2,
      expected: { index: 1, page: 2 },
    },
    {
      name: "page obeys a present has-more path",
      settings: { ...PAGE, hasMorePath: "meta.more" },
      page: { data: [1, 2], meta: { more: false }, next_page: 3 },
      count: 2,
      expected: undefined,
    },
  ])("$name", ({ settings, page, count, expected }) => {
    expect(nextPosition(settings, firstPosition(settings), page, count, new Set())).toEqual(expected);
  });

  it("none stops after the first page", () => {
    expect(nextPosition(NONE, firstPosition(NONE), { data: [1, 2], has_more: true }, 2, new Set())).toBeUndefined();
  });
});

describe("pageParams", () => {
  it.each([
    { name: "cursor's first page sends only the size", settings: CURSOR, position: { index: 0 }, expected: { page_size: "25" } },
    { name: "cursor's later pages send the cursor", settings: CURSOR, position: { index: 1, cursor: "X" }, expected: { page_size: "25", after: "X" } },
    { name: "offset sends offset and limit", settings: OFFSET, position: { index: 1, offset: 2 }, expected: { limit: "2", offset: "2" } },
    { name: "page starts at the start page", settings: { ...PAGE, startPage: 0 }, position: firstPosition({ ...PAGE, startPage: 0 }), expected: { size: "2", page: "0" } },
    { name: "none sends nothing", settings: NONE, position: { index: 0 }, expected: {} },
  ])("$name", ({ settings, position, expected }) => {
    expect(pageParams(settings, position)).toEqual(expected);
  });
});

describe("describePosition", () => {
  it.each([
    { position: { index: 0 }, expected: undefined },
    { position: { index: 0, offset: 0 }, expected: undefined },
    { position: { index: 2, cursor: "01HX" }, expected: "01HX" },
    { position: { index: 1, offset: 100 }, expected: "offset 100" },
    { position: { index: 1, page: 2 }, expected: "page 2" },
  ])("names $position as $expected", ({ position, expected }) => {
    expect(describePosition(position)).toBe(expected);
  });
});

describe("readDotPath", () => {
  it.each([
    { value: { a: { b: "x" } }, path: "a.b", expected: "x" },
    { value: { a: { b: "x" } }, path: "a.c", expected: undefined },
    { value: { a: [{ b: "x" }] }, path: "a.0.b", expected: undefined },
    { value: { "a.b": 1 }, path: "a.b", expected: undefined },
    { value: null, path: "a", expected: undefined },
  ])("reads $path from $value", ({ value, path, expected }) => {
    expect(readDotPath(value, path)).toBe(expected);
  });
});

describe("isTruthy", () => {
  it.each([
    { value: null, expected: false },
    { value: undefined, expected: false },
    { value: false, expected: false },
    { value: 0, expected: false },
    { value: "", expected: false },
    { value: [], expected: false },
    { value: {}, expected: false },
    { value: "false", expected: true },
    { value: [0], expected: true },
    { value: { a: 1 }, expected: true },
    { value: 1, expected: true },
  ])("reads $value as $expected, like Python", ({ value, expected }) => {
    expect(isTruthy(value)).toBe(expected);
  });
});

describe("pagingKey", () => {
  it.each([
    { name: "two none schemes with different sizes", a: { ...NONE, pageSize: 100 }, b: { ...NONE, pageSize: 250 }, same: true },
    { name: "two cursor schemes with different sizes", a: CURSOR, b: { ...CURSOR, pageSize: 50 }, same: false },
    { name: "cursor schemes with and without a has-more path", a: CURSOR, b: { ...CURSOR, hasMorePath: "pagination_meta.after" }, same: false },
    { name: "identical offset schemes", a: OFFSET, b: { ...OFFSET }, same: true },
  ])("tells $name apart only when they page differently", ({ a, b, same }) => {
    expect(pagingKey(a) === pagingKey(b)).toBe(same);
  });
});
