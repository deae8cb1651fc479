import { describe, expect, it } from "vitest";
import { resolvePagination } from "../../../src/config/pagination";
import type { PaginationSettings } from "../../../src/model/pagination";

const GLOBAL: PaginationSettings = {
  type: "cursor",
  pageSize: 100,
  param: "after",
  sizeParam: "page_size",
  cursorPath: "pagination_meta.after",
  hasMorePath: "pagination_meta.after",
  startPage: 1,
};

describe("resolvePagination", () => {
  it.each([
    { name: "no override keeps the global settings", override: undefined, expected: GLOBAL },
    { name: "a page size override inherits the rest", override: { page_size: 50 }, expected: { ...GLOBAL, pageSize: 50 } },
    {
      name: "switching to none drops the global parameter names",
      override: { type: "none" as const },
      expected: { ...GLOBAL, type: "none", param: "", sizeParam: "", hasMorePath: undefined },
    },
    {
      name: "switching to offset takes Ocean's offset parameter names",
      override: { type: "offset" as const },
      expected: { ...GLOBAL, type: "offset", param: "offset", sizeParam: "limit", hasMorePath: undefined },
    },
    {
      name: "explicit names win over the type's defaults",
      override: { type: "page" as const, param: "p", size_param: "per_page", start_page: 0 },
      expected: { ...GLOBAL, type: "page", param: "p", sizeParam: "per_page", hasMorePath: undefined, startPage: 0 },
    },
  ])("$name", ({ override, expected }) => {
    expect(resolvePagination(GLOBAL, override)).toEqual(expected);
  });
});
