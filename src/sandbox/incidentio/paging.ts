/** A half-open range `[start, end)` of record indexes. */
export type IndexRange = readonly [start: number, end: number];

/** The records one list can return: ascending, non-overlapping index ranges and a visibility test. */
export interface IndexSpace {
  readonly ranges: readonly IndexRange[];
  /** Deleted or filtered-out indexes answer false; undefined means every index in the ranges is visible. */
  readonly isVisible?: (index: number) => boolean;
}

export type ListOrder = "asc" | "desc";

/** A query parameter the API would reject with 422 `validation_error`. */
export interface ValidationIssue {
  readonly field: string;
  readonly code: "is_required" | "invalid_value";
  readonly message: string;
}

export interface PageSizeRule {
  readonly max: number;
  readonly required: boolean;
}

/** The page size the API uses when a request names none. */
const DEFAULT_PAGE_SIZE = 25;

/**
 * The next `size` visible indexes strictly after `after` in `order` (from the start when `after` is
 * undefined). `after` need not be visible or inside a range: paging resumes from its position, as the
 * real API does for the ID of a record deleted since the previous page.
 */
export function selectWindow(space: IndexSpace, order: ListOrder, after: number | undefined, size: number): number[] {
  const selected: number[] = [];
  if (size <= 0) return selected;
  const visible = space.isVisible;
  if (order === "asc") {
    for (const [start, end] of space.ranges) {
      for (let index = after === undefined ? start : Math.max(start, after + 1); index < end; index += 1) {
        if (visible && !visible(index)) continue;
        selected.push(index);
        if (selected.length === size) return selected;
      }
    }
    return selected;
  }
  for (let position = space.ranges.length - 1; position >= 0; position -= 1) {
    const range = space.ranges[position];
    if (!range) continue;
    const [start, end] = range;
    for (let index = after === undefined ? end - 1 : Math.min(end - 1, after - 1); index >= start; index -= 1) {
      if (visible && !visible(index)) continue;
      selected.push(index);
      if (selected.length === size) return selected;
    }
  }
  return selected;
}

/** How many indexes of `space` are visible. */
export function countVisible(space: IndexSpace): number {
  let count = 0;
  for (const [start, end] of space.ranges) {
    if (!space.isVisible) {
      count += Math.max(0, end - start);
      continue;
    }
    for (let index = start; index < end; index += 1) if (space.isVisible(index)) count += 1;
  }
  return count;
}

/**
 * `pagination_meta.after` for a page: the last ID, but only when the page is full. A full last page
 * therefore still hands out a cursor and the next request gets an empty page, as the real API does.
 */
export function cursorAfter(ids: readonly string[], pageSize: number): string | undefined {
  return ids.length > 0 && ids.length === pageSize ? ids[ids.length - 1] : undefined;
}

/** The one value of a query parameter; the last one wins when it is repeated. */
export function singleValue(raw: string | readonly string[] | undefined): string | undefined {
  return typeof raw === "string" || raw === undefined ? raw : raw[raw.length - 1];
}

/** Reads `page_size` against an endpoint's rule: the default when absent and optional, else an issue. */
export function parsePageSize(raw: string | readonly string[] | undefined, rule: PageSizeRule): number | ValidationIssue {
  const text = singleValue(raw);
  if (text === undefined || text === "") {
    if (rule.required) return { field: "page_size", code: "is_required", message: "page_size is required" };
    return DEFAULT_PAGE_SIZE;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    return { field: "page_size", code: "invalid_value", message: `page_size must be an integer of at least 1, got ${JSON.stringify(text)}` };
  }
  if (value > rule.max) {
    return { field: "page_size", code: "invalid_value", message: `page_size must be less than or equal to ${rule.max}, got ${value}` };
  }
  return value;
}
