import type { PaginationSettings } from "../../src/model/pagination";

/** Cursor paging as Incident.io's paginated endpoints do it, 100 a page: the global settings most tests start from. */
export const CURSOR_PAGINATION: PaginationSettings = {
  type: "cursor",
  pageSize: 100,
  param: "after",
  sizeParam: "page_size",
  cursorPath: "pagination_meta.after",
  hasMorePath: undefined,
  startPage: 1,
};
