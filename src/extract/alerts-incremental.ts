import type { FullReason } from "./incremental";
import { forEachBounded } from "./concurrency";

/**
 * An incremental alerts read, and why each of its parts is needed. The spec's `Alerts V2#List`
 * filters on `created_at[gte|lte|date_range]` and `status[one_of|not_in]` but not on update time, and
 * `Alerts V2#Show` (`GET /v2/alerts/{id}`) answers one alert as `{"alert": AlertV2}`. `AlertV2.status`
 * is `firing` or `resolved`: an alert changes while it is open and is essentially final once resolved.
 * So the alerts that may differ from what the staging file holds are:
 *
 * 1. those created since the last read: `created_at[gte]=<day>`, day-granular, from the start of the
 *    last complete read minus the lookback (an alert stamped just before that read may have become
 *    visible only after its pages were read, as with incidents);
 * 2. those open now: `status[not_in]=resolved`, which today is `status[one_of]=firing` but stays right
 *    if the API adds a status (its compatibility policy allows new enum values), since only `resolved`
 *    is known to be final; an open alert may have changed at any time since it was created;
 * 3. those open at the last read and no longer open now: resolved (or deleted) since, and listed by
 *    neither read above when created before the window. Each is read by ID to learn its final state;
 *    a 404 means deleted, which only a complete full read may act on (the deletion rule), so it is left
 *    as it is until then. When more than `maxById` are left, reading each costs more than a full read
 *    might, and the run reads in full instead.
 *
 * A resolved alert that is edited later (a rare change) and deletions arrive with the periodic full read.
 */

/** The filter of part 2: every alert whose status is not the final one. */
export const OPEN_ALERTS_FILTER: Readonly<Record<string, string>> = { "status[not_in]": "resolved" };

/** The steps of an incremental alerts read, given by the extract stage (HTTP and the staging file). */
export interface AlertsReadSteps {
  /** Reads every page of the alert list with these filters as one cursor chain, storing each page. */
  readList(filters: Readonly<Record<string, string>>): Promise<void>;
  /**
   * Reads every alert these filters list, storing each page: as created_at windows read at once where
   * the list is long, since one chain of hundreds of pages waits out each request's latency in turn.
   */
  readWholeList(filters: Readonly<Record<string, string>>): Promise<void>;
  /** Up to `limit` IDs of alerts stored as open that this run has not stored: open at the last read, not listed open now. */
  listLeftOpen(limit: number): Promise<string[]>;
  /** GETs one alert by ID and stores it; false when the API answers 404 (the alert was deleted). */
  readOne(id: string): Promise<boolean>;
}

export type AlertsReadOutcome =
  | { readonly mode: "incremental"; readonly byId: number; readonly gone: number }
  | { readonly mode: "full"; readonly reason: Extract<FullReason, "alerts-left-open-over-max">; readonly leftOpen: number };

// By-ID reads in flight at once; the run's limiter and budget bound the requests across kinds anyway.
const BY_ID_IN_FLIGHT = 4;

/**
 * Reads alerts incrementally (parts 1 to 3 above), or in full when more than `maxById` alerts were
 * left open, saying so in the outcome. `createdSince` is the `created_at[gte]` parameter and its value.
 */
export async function readAlertsIncrementally(steps: AlertsReadSteps, createdSince: Readonly<Record<string, string>>, maxById: number): Promise<AlertsReadOutcome> {
  await steps.readList(createdSince);
  await steps.readWholeList(OPEN_ALERTS_FILTER);
  const leftOpen = await steps.listLeftOpen(maxById + 1);
  if (leftOpen.length > maxById) {
    await steps.readWholeList({});
    return { mode: "full", reason: "alerts-left-open-over-max", leftOpen: leftOpen.length };
  }
  let gone = 0;
  await forEachBounded(leftOpen, BY_ID_IN_FLIGHT, async (id) => {
    if (!(await steps.readOne(id))) gone += 1;
  });
  return { mode: "incremental", byId: leftOpen.length, gone };
}

/** The alert of an `Alerts V2#Show` answer (`{"alert": AlertV2}`); throws naming the path when there is none. */
export function readShownAlert(page: unknown, path: string): unknown {
  const alert = page !== null && typeof page === "object" ? (page as Record<string, unknown>)["alert"] : undefined;
  if (alert === null || typeof alert !== "object" || Array.isArray(alert)) throw new Error(`GET ${path}: the answer has no "alert" object`);
  return alert;
}

/** The path of `Alerts V2#Show` for one alert. */
export function alertShowPath(id: string): string {
  return `/v2/alerts/${encodeURIComponent(id)}`;
}
