import type { PaginationSettings } from "../model/pagination";

/** Where a page stream stands: which page comes next and what identifies it. */
export interface PagePosition {
  /** 0 for the first page. */
  readonly index: number;
  readonly cursor?: string;
  readonly offset?: number;
  readonly page?: number;
}

/** The position of the first page. */
export function firstPosition(pagination: PaginationSettings): PagePosition {
  switch (pagination.type) {
    case "offset":
      return { index: 0, offset: 0 };
    case "page":
      return { index: 0, page: pagination.startPage };
    case "cursor":
    case "none":
      return { index: 0 };
  }
}

/**
 * The paging query parameters of the page at `position`. Every paginated request carries the size
 * parameter, the first one included (Ocean does the same; Incident.io's alerts require it); `none`
 * sends no paging parameters at all (Incident.io's unpaginated lists take none).
 */
export function pageParams(pagination: PaginationSettings, position: PagePosition): Record<string, string> {
  const size = { [pagination.sizeParam]: String(pagination.pageSize) };
  switch (pagination.type) {
    case "none":
      return {};
    case "cursor":
      return position.cursor === undefined ? size : { ...size, [pagination.param]: position.cursor };
    case "offset":
      return { ...size, [pagination.param]: String(position.offset ?? 0) };
    case "page":
      return { ...size, [pagination.param]: String(position.page ?? pagination.startPage) };
  }
}

/**
 * A key for the requests a paging scheme makes: equal keys page an endpoint identically. `none` sends
 * no paging parameters, so its other settings do not matter.
 */
export function pagingKey(pagination: PaginationSettings): string {
  if (pagination.type === "none") return "none";
  const { type, pageSize, param, sizeParam, cursorPath, hasMorePath, startPage } = pagination;
  return JSON.stringify([type, pageSize, param, sizeParam, cursorPath, hasMorePath ?? null, startPage]);
}

/** What names a page in errors and extract_status: undefined for the first page, else its cursor, offset or page number. */
export function describePosition(position: PagePosition): string | undefined {
  if (position.index === 0) return undefined;
  return position.cursor ?? (position.offset === undefined ? undefined : `offset ${position.offset}`) ?? `page ${position.page}`;
}

/** Ocean's dot-path (not jq): plain keys through objects, undefined as soon as a step is not an object. */
export function readDotPath(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Python's truthiness, which Ocean applies to has-more flags: null, false, 0, "", [] and {} are false. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function nextCursor(pagination: PaginationSettings, page: unknown, itemCount: number, seen: ReadonlySet<string>): string | undefined {
  // Incident.io may send a cursor on an exactly-full last page; the empty page after it ends paging.
  if (itemCount === 0) return undefined;
  if (pagination.hasMorePath !== undefined && !isTruthy(readDotPath(page, pagination.hasMorePath))) return undefined;
  const value = readDotPath(page, pagination.cursorPath);
  const cursor = typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
  if (cursor === undefined || cursor === "" || seen.has(cursor)) return undefined;
  return cursor;
}

/**
 * Ocean's has-more rules for offset and page paging over an object page: `hasMorePath` when set
 * (for page paging only when the value is present); else the `has_more`/`hasMore` flag, and for page
 * paging `next_page`/`next`, when the page carries any of them; else undefined (no opinion).
 */
function hasMoreFlag(pagination: PaginationSettings, page: Record<string, unknown>): boolean | undefined {
  if (pagination.hasMorePath !== undefined) {
    const value = readDotPath(page, pagination.hasMorePath);
    if (pagination.type === "offset" || (value !== undefined && value !== null)) return isTruthy(value);
  }
  const flag = page["has_more"] !== undefined ? page["has_more"] : page["hasMore"];
  if (pagination.type === "offset") return flag === undefined ? undefined : isTruthy(flag);
  const next = [page["next_page"], page["next"]];
  if (flag === undefined && next.every((v) => v === undefined)) return undefined;
  return next.some((v) => v !== undefined && v !== null) || isTruthy(flag);
}

/**
 * The position after the page just read, or undefined when paging is over. Cursor paging stops on a
 * missing, null or empty cursor (dot-path `cursorPath`), on an empty page, on a cursor in `seen`, and
 * on a falsy `hasMorePath` when that is set. Offset and page paging stop on an empty or short page
 * and on Ocean's has-more rules. `none` stops after one page.
 */
export function nextPosition(
  pagination: PaginationSettings,
  position: PagePosition,
  page: unknown,
  itemCount: number,
  seen: ReadonlySet<string>,
): PagePosition | undefined {
  const index = position.index + 1;
  switch (pagination.type) {
    case "none":
      return undefined;
    case "cursor": {
      const cursor = nextCursor(pagination, page, itemCount, seen);
      return cursor === undefined ? undefined : { index, cursor };
    }
    case "offset":
    case "page": {
      if (itemCount === 0 || itemCount < pagination.pageSize) return undefined;
      if (isObject(page) && hasMoreFlag(pagination, page) === false) return undefined;
      return pagination.type === "offset"
        ? { index, offset: (position.offset ?? 0) + pagination.pageSize }
        : { index, page: (position.page ?? pagination.startPage) + 1 };
    }
  }
}
