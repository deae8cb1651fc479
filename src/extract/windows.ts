import type { ResourceMapping } from "../model/mapping";
import { parseEndpoint } from "./endpoints";

const DAY_MS = 86_400_000;

/**
 * Whole UTC days `[from, to)` of `created_at`, as days since 1970-01-01; an absent end is open. The
 * API's created_at filters compare by day only, so no window is shorter than a day.
 */
export interface CreatedAtWindow {
  readonly from?: number;
  readonly to?: number;
}

/**
 * A full read whose list goes on past this many pages is read again as windows, and a window whose
 * first page says it holds more is split. At 50 alerts a page that is 2,500 alerts, 7.5 s at 150 ms
 * a request: short enough that the last windows leave the budget idle only briefly, long enough that
 * each window's partly filled last page costs about 1% of the requests. A shorter list stays one
 * chain: the pages read before it proves long are read again, and the windows' own first pages
 * (empty ones included) cost requests a short list would not repay.
 */
export const WINDOW_PAGES = 50;
/**
 * Windows of one kind read at once. At 150 ms a request three chains already use 1,200 requests a
 * minute; more keep the budget full while some windows are short or wait for their next page.
 */
export const WINDOW_CHAINS = 8;
/**
 * The first window ends here and the planned ones start here: Incident.io was founded in 2021, so
 * nothing it stores is older. Records before it would still be read, by the window open below.
 */
const EARLIEST_DAY = Date.UTC(2020, 0, 1) / DAY_MS;
const FIRST_WINDOWS = 16;

// The endpoints whose lists filter by created_at[gte] and created_at[lte], as Incident.io's API reference lists them.
const WINDOWED_PATHS = new Set(["/v2/alerts", "/v2/incidents"]);

/**
 * Whether a resource's full read may be split into created_at windows: its endpoint filters by
 * creation day, it does not fan out over path parameters, and it sets no created_at filter of its
 * own (the user's filter stands).
 */
export function canReadInWindows(resource: ResourceMapping): boolean {
  const endpoint = parseEndpoint(resource.kind);
  if (!WINDOWED_PATHS.has(endpoint.path) || resource.selector.pathParameters.length > 0) return false;
  const params = [...Object.keys(endpoint.query), ...Object.keys(resource.selector.queryParams)];
  return !params.some((name) => name.startsWith("created_at"));
}

/**
 * Whether a kind's last complete full read (`pages`, `records`) shows its list to be longer than
 * WINDOW_PAGES pages of `pageSize`, so that the next full read starts in windows rather than
 * finding that out by reading the whole list's first pages again. Pure.
 */
export function isKnownLong(last: { readonly pages: number; readonly records: number } | undefined, pageSize: number): boolean {
  return last !== undefined && Math.max(last.pages, Math.ceil(last.records / Math.max(pageSize, 1))) > WINDOW_PAGES;
}

/** The UTC day an instant in ms falls in. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `[from, to)` cut into `parts` windows of whole days, as even as days allow (never more windows than days). */
function splitDays(from: number, to: number, parts: number): CreatedAtWindow[] {
  const days = to - from;
  const count = Math.max(1, Math.min(parts, days));
  return Array.from({ length: count }, (_, i) => ({ from: from + Math.floor((i * days) / count), to: from + Math.floor(((i + 1) * days) / count) }));
}

/**
 * The windows a full read starts with on day `today`: one open below up to EARLIEST_DAY, the days
 * from then to today in FIRST_WINDOWS parts, and one open above from tomorrow (records created while
 * the read runs past midnight). Together they cover every instant once. Pure.
 */
export function planFirstWindows(today: number): CreatedAtWindow[] {
  const end = Math.max(today + 1, EARLIEST_DAY + 1);
  return [{ to: EARLIEST_DAY }, ...splitDays(EARLIEST_DAY, end, FIRST_WINDOWS), { from: end }];
}

/**
 * The query parameters asking for a window. `created_at[lte]=D` means "on or before D 00:00:00Z" in
 * the API's reference (and maybe the whole of D elsewhere), so the answer can hold records of `to`
 * itself: isInWindow, not the API, decides which window stores a record.
 */
export function windowParams(window: CreatedAtWindow): Record<string, string> {
  return {
    ...(window.from === undefined ? {} : { "created_at[gte]": formatDay(window.from) }),
    ...(window.to === undefined ? {} : { "created_at[lte]": formatDay(window.to) }),
  };
}

/** An item's created_at in ms, or undefined when it has none that parses. */
export function createdAtOf(item: unknown): number | undefined {
  if (item === null || typeof item !== "object") return undefined;
  const text = (item as Record<string, unknown>)["created_at"];
  const ms = typeof text === "string" ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Whether a window stores `item`: created in `[from 00:00Z, to 00:00Z)`, so that adjacent windows,
 * which the API answers with overlapping records at their shared midnight, store each record once.
 * An item without a readable created_at is stored by every window that lists it (its row is the
 * same each time), since no window could claim it alone. Pure.
 */
export function isInWindow(window: CreatedAtWindow, item: unknown): boolean {
  const created = createdAtOf(item);
  if (created === undefined) return true;
  return (window.from === undefined || created >= window.from * DAY_MS) && (window.to === undefined || created < window.to * DAY_MS);
}

/**
 * The windows to read instead of `window`, judged by its first page (`createdAts`, of a list that
 * goes on), or undefined to read it to its end. The page spans some time; the window holds about
 * its length over that span in pages. More than `targetPages` and the window is cut into parts of
 * about `targetPages` each, in whole days. A window of one day, or open at an end, is never cut: a
 * day that holds more than `targetPages` pages is read as one chain. Pure.
 */
export function decideSplit(window: CreatedAtWindow, createdAts: readonly (number | undefined)[], targetPages: number): CreatedAtWindow[] | undefined {
  const { from, to } = window;
  if (from === undefined || to === undefined || to - from < 2) return undefined;
  const times = createdAts.filter((ms): ms is number => ms !== undefined);
  const span = times.length < 2 ? 0 : Math.max(...times) - Math.min(...times);
  // A page of records created at one instant says nothing of the rest: assume the worst, one window a day.
  const pages = span > 0 ? ((to - from) * DAY_MS) / span : Number.POSITIVE_INFINITY;
  if (pages <= targetPages) return undefined;
  return splitDays(from, to, Math.ceil(pages / targetPages));
}
