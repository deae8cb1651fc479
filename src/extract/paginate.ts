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

/** The cursor a page names (dot-path `cursorPath`, a string or a finite number), or undefined when it names none. */
function readCursor(pagination: PaginationSettings, page: unknown): string | undefined {
  const value = readDotPath(page, pagination.cursorPath);
  const cursor = typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
  return cursor === "" ? undefined : cursor;
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
 * Why a stream of pages cannot go on without reading as complete a list it did not finish: the kind
 * fails instead (no deletions follow from it), naming the cursor.
 */
export type PagingFailure =
  /** The page came back with the cursor it was requested with: the API is stuck on it. */
  | { readonly type: "same-cursor"; readonly cursor: string }
  /** The page's cursor was requested before in this stream: a cycle (A → B → A). */
  | { readonly type: "repeated-cursor"; readonly cursor: string }
  /** The page's paging asks for more pages than `maxPages` (see decidePageBound). */
  | { readonly type: "page-bound"; readonly maxPages: number };

/** What follows the page just read: the next page, the end of the list, or a failure of paging's integrity. */
export type PagingStep =
  | { readonly type: "next"; readonly position: PagePosition }
  | { readonly type: "end" }
  | { readonly type: "failed"; readonly failure: PagingFailure };

/** What a stream knows of its own history when deciding the next page. */
export interface PagingGuard {
  /** Every cursor requested so far in this stream. */
  readonly seen: ReadonlySet<string>;
  /** The most pages the stream may read (see decidePageBound). */
  readonly maxPages: number;
}

const END: PagingStep = { type: "end" };

/**
 * The step after the page just read at `position`. Cursor paging ends on a missing, null or empty
 * cursor (dot-path `cursorPath`), on an empty page (Incident.io may send a cursor on an exactly-full
 * last page), and on a falsy `hasMorePath` when that is set; it fails on a cursor equal to the
 * page's own request, on a cursor in `guard.seen`, since either would end a list that is not over
 * or loop forever. Offset and page paging end on an empty or short page and on Ocean's has-more
 * rules. `none` ends after one page. Any scheme fails when going on would read more than
 * `guard.maxPages` pages. Pure.
 */
export function nextPosition(pagination: PaginationSettings, position: PagePosition, page: unknown, itemCount: number, guard: PagingGuard): PagingStep {
  const index = position.index + 1;
  let next: PagePosition;
  switch (pagination.type) {
    case "none":
      return END;
    case "cursor": {
      if (itemCount === 0) return END;
      if (pagination.hasMorePath !== undefined && !isTruthy(readDotPath(page, pagination.hasMorePath))) return END;
      const cursor = readCursor(pagination, page);
      if (cursor === undefined) return END;
      if (cursor === position.cursor) return { type: "failed", failure: { type: "same-cursor", cursor } };
      if (guard.seen.has(cursor)) return { type: "failed", failure: { type: "repeated-cursor", cursor } };
      next = { index, cursor };
      break;
    }
    case "offset":
    case "page": {
      if (itemCount === 0 || itemCount < pagination.pageSize) return END;
      if (isObject(page) && hasMoreFlag(pagination, page) === false) return END;
      next =
        pagination.type === "offset"
          ? { index, offset: (position.offset ?? 0) + pagination.pageSize }
          : { index, page: (position.page ?? pagination.startPage) + 1 };
      break;
    }
  }
  if (index >= guard.maxPages) return { type: "failed", failure: { type: "page-bound", maxPages: guard.maxPages } };
  return { type: "next", position: next };
}

/** One line saying what went wrong with paging, for the kind's error. */
export function describePagingFailure(failure: PagingFailure): string {
  switch (failure.type) {
    case "same-cursor":
      return `the page came back with the cursor it was requested with (${failure.cursor}): the API is stuck on it, so the list cannot be read to its end`;
    case "repeated-cursor":
      return `the page names cursor ${failure.cursor}, which was already requested: the cursors go round in a cycle, so the list cannot be read to its end`;
    case "page-bound":
      return (
        `more than ${failure.maxPages} pages, the bound for this kind (ETL_PAGE_BOUND_MIN_PAGES, or ETL_PAGE_BOUND_FACTOR times its last complete read; ETL_PAGE_BOUND_FIRST_READ_PAGES before its first): ` +
        "the API keeps sending a next page"
      );
  }
}

/** What a kind held at its last complete full read. */
export interface LastCompleteRead {
  readonly pages: number;
  readonly records: number;
}

/**
 * The most pages one stream of a kind may read: `factor` times what its last complete full read
 * took (its pages, or its records over today's page size when that is more, as after a smaller
 * page size was configured), and never fewer than `minPages`; `firstReadPages` (when more) for a
 * kind never read completely, which has nothing to scale with. Pure.
 */
export function decidePageBound(
  settings: { readonly minPages: number; readonly factor: number; readonly firstReadPages: number },
  last: LastCompleteRead | undefined,
  pageSize: number,
): number {
  if (last === undefined) return Math.max(settings.minPages, settings.firstReadPages);
  const pages = Math.max(last.pages, Math.ceil(last.records / Math.max(pageSize, 1)));
  return Math.max(settings.minPages, Math.ceil(settings.factor * pages));
}
