import { describe, expect, it } from "vitest";
import type { PaginationSettings } from "../../../src/model/pagination";
import {
  decidePageBound,
  describePagingFailure,
  describePosition,
  firstPosition,
  isTruthy,
  nextPosition,
  pageParams,
  pagingKey,
  readDotPath,
  type PagePosition,
  type PagingFailure,
} from "../../../src/extract/paginate";

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

const guard = (seen: readonly string[] = [], maxPages = 1000) => ({ seen: new Set(seen), maxPages });
const next = (position: PagePosition) => ({ type: "next", position });
const END = { type: "end" };
const failed = (failure: PagingFailure) => ({ type: "failed", failure });

describe("nextPosition with cursor paging", () => {
  const at: PagePosition = { index: 1, cursor: "A" };
  it.each([
    { name: "continues with the page's cursor", page: meta("B"), count: 25, seen: ["A"], expected: next({ index: 2, cursor: "B" }) },
    { name: "continues on a short page that still has a cursor", page: meta("B"), count: 3, seen: ["A"], expected: next({ index: 2, cursor: "B" }) },
    { name: "ends when the cursor is missing", page: meta(), count: 25, seen: [], expected: END },
    { name: "ends when the cursor is null", page: meta(null), count: 25, seen: [], expected: END },
    { name: "ends when the cursor is empty", page: meta(""), count: 25, seen: [], expected: END },
    { name: "ends when pagination_meta is absent", page: { items: [] }, count: 25, seen: [], expected: END },
    { name: "ends on an empty page despite a cursor", page: meta("B"), count: 0, seen: [], expected: END },
    { name: "ends on an empty page even when its cursor repeats the request's", page: meta("A"), count: 0, seen: ["A"], expected: END },
    { name: "fails when the page repeats the cursor it was requested with", page: meta("A"), count: 25, seen: ["A"], expected: failed({ type: "same-cursor", cursor: "A" }) },
    { name: "fails when the cursors go round a cycle", page: meta("Z"), count: 25, seen: ["Z", "A"], expected: failed({ type: "repeated-cursor", cursor: "Z" }) },
    { name: "reads a numeric cursor as text", page: meta(42), count: 25, seen: [], expected: next({ index: 2, cursor: "42" }) },
    { name: "ends on a cursor that is an object", page: meta({ x: 1 }), count: 25, seen: [], expected: END },
    { name: "ends when the page is an array", page: [{ id: 1 }], count: 1, seen: [], expected: END },
  ])("$name", ({ page, count, seen, expected }) => {
    expect(nextPosition(CURSOR, at, page, count, guard(seen))).toEqual(expected);
  });

  it("continues from the first page with any cursor, the first page having none of its own to repeat", () => {
    // The first page has no cursor of its own, so any cursor it names is new.
    expect(nextPosition(CURSOR, { index: 0 }, meta("A"), 25, guard())).toEqual(next({ index: 1, cursor: "A" }));
  });

  it.each([
    { name: "goes on while the has-more flag is true", flag: true, expected: next({ index: 2, cursor: "B" }) },
    { name: "ends when the has-more flag is false", flag: false, expected: END },
    { name: "ends when the has-more flag is missing", flag: undefined, expected: END },
    { name: "ends when the has-more flag is 0", flag: 0, expected: END },
    { name: "goes on when the has-more path is the cursor itself", flag: "B", expected: next({ index: 2, cursor: "B" }) },
  ])("$name", ({ flag, expected }) => {
    const settings = { ...CURSOR, hasMorePath: "meta.has_more" };
    const page = { ...meta("B"), meta: flag === undefined ? {} : { has_more: flag } };
    expect(nextPosition(settings, at, page, 25, guard())).toEqual(expected);
  });
});

describe("nextPosition against the page bound", () => {
  it.each([
    { name: "cursor paging goes on while the next page is within the bound", settings: CURSOR, position: { index: 2, cursor: "C" }, page: meta("D"), maxPages: 4, expected: next({ index: 3, cursor: "D" }) },
    { name: "cursor paging fails when the next page would pass the bound", settings: CURSOR, position: { index: 3, cursor: "D" }, page: meta("E"), maxPages: 4, expected: failed({ type: "page-bound", maxPages: 4 }) },
    { name: "cursor paging still ends at the bound when the last page has no cursor", settings: CURSOR, position: { index: 3, cursor: "D" }, page: meta(), maxPages: 4, expected: END },
    { name: "offset paging fails when the next page would pass the bound", settings: OFFSET, position: { index: 1, offset: 2 }, page: [1, 2], maxPages: 2, expected: failed({ type: "page-bound", maxPages: 2 }) },
    { name: "page paging fails when the next page would pass the bound", settings: PAGE, position: { index: 1, page: 2 }, page: [1, 2], maxPages: 2, expected: failed({ type: "page-bound", maxPages: 2 }) },
    { name: "a single page never fails, whatever the bound", settings: NONE, position: { index: 0 }, page: [1, 2], maxPages: 1, expected: END },
  ])("$name", ({ settings, position, page, maxPages, expected }) => {
    const count = Array.isArray(page) ? page.length : 25;
    expect(nextPosition(settings, position, page, count, guard([], maxPages))).toEqual(expected);
  });
});

describe("nextPosition with offset and page paging", () => {
  it.each([
    { name: "offset advances by the page size on a full page", settings: OFFSET, page: [1, 2], count: 2, expected: next({ index: 1, offset: 2 }) },
    { name: "offset ends on a short page", settings: OFFSET, page: [1], count: 1, expected: END },
    { name: "offset ends on an empty page", settings: OFFSET, page: [], count: 0, expected: END },
    { name: "offset ends on has_more false", settings: OFFSET, page: { data: [1, 2], has_more: false }, count: 2, expected: END },
    { name: "offset ends on hasMore false", settings: OFFSET, page: { data: [1, 2], hasMore: false }, count: 2, expected: END },
    { name: "offset goes on with has_more true", settings: OFFSET, page: { data: [1, 2], has_more: true }, count: 2, expected: next({ index: 1, offset: 2 }) },
    { name: "offset goes on without a flag until a short page", settings: OFFSET, page: { data: [1, 2] }, count: 2, expected: next({ index: 1, offset: 2 }) },
    {
      name: "offset ends when a configured has-more path is missing",
      settings: { ...OFFSET, hasMorePath: "meta.more" },
      page: { data: [1, 2] },
      count: 2,
      expected: END,
    },
    { name: "page advances by one on a full page", settings: PAGE, page: [1, 2], count: 2, expected: next({ index: 1, page: 2 }) },
    { name: "page ends on a short page", settings: PAGE, page: { data: [1] }, count: 1, expected: END },
    { name: "page goes on while next_page is set", settings: PAGE, page: { data: [1, 2], next_page: 2 }, count: 2, expected: next({ index: 1, page: 2 }) },
    { name: "page ends when next_page is null", settings: PAGE, page: { data: [1, 2], next_page: null }, count: 2, expected: END },
    { name: "page ends when next is null", settings: PAGE, page: { data: [1, 2], next: null }, count: 2, expected: END },
    {
      name: "page falls back to the defaults when the has-more path is missing",
      settings: { ...PAGE, hasMorePath: "meta.more" },
      page: { data: [1, 2], next_page: 3 },
      count: 2,
      expected: next({ index: 1, page: 2 }),
    },
    {
      name: "page obeys a present has-more path",
      settings: { ...PAGE, hasMorePath: "meta.more" },
      page: { data: [1, 2], meta: { more: false }, next_page: 3 },
      count: 2,
      expected: END,
    },
  ])("$name", ({ settings, page, count, expected }) => {
    expect(nextPosition(settings, firstPosition(settings), page, count, guard())).toEqual(expected);
  });

  it("none ends after the first page", () => {
    expect(nextPosition(NONE, firstPosition(NONE), { data: [1, 2], has_more: true }, 2, guard())).toEqual(END);
  });
});

describe("decidePageBound", () => {
  const settings = { minPages: 1000, factor: 10, firstReadPages: 100_000 };
  it.each([
    { name: "a kind never read completely gets the first-read bound, since it has nothing to scale with", last: undefined, pageSize: 100, expected: 100_000 },
    { name: "a small kind gets the floor", last: { pages: 3, records: 250 }, pageSize: 100, expected: 1000 },
    { name: "a large kind gets ten times its last pages", last: { pages: 500, records: 50_000 }, pageSize: 100, expected: 5000 },
    { name: "a page size cut since the last read counts its records in today's pages", last: { pages: 200, records: 50_000 }, pageSize: 25, expected: 20_000 },
    { name: "a fractional factor rounds up", last: { pages: 2001, records: 0 }, pageSize: 100, expected: 3002, factor: 1.5 },
  ])("$name", ({ last, pageSize, expected, ...rest }) => {
    const factor = "factor" in rest ? (rest.factor as number) : settings.factor;
    expect(decidePageBound({ ...settings, factor }, last, pageSize)).toBe(expected);
  });
});

describe("describePagingFailure", () => {
  it("names the repeated cursor, the cycle, and the bound with the settings that raise it", () => {
    expect(describePagingFailure({ type: "same-cursor", cursor: "01HX" })).toMatchInlineSnapshot(`"the page came back with the cursor it was requested with (01HX): the API is stuck on it, so the list cannot be read to its end"`);
    expect(describePagingFailure({ type: "repeated-cursor", cursor: "01HX" })).toMatchInlineSnapshot(`"the page names cursor 01HX, which was already requested: the cursors go round in a cycle, so the list cannot be read to its end"`);
    expect(describePagingFailure({ type: "page-bound", maxPages: 1000 })).toMatchInlineSnapshot(`"more than 1000 pages, the bound for this kind (ETL_PAGE_BOUND_MIN_PAGES, or ETL_PAGE_BOUND_FACTOR times its last complete read; ETL_PAGE_BOUND_FIRST_READ_PAGES before its first): the API keeps sending a next page"`);
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
