import type { IncrementalSettings } from "../model/config";
import type { ResourceMapping } from "../model/mapping";
import type { ExtractMode } from "../model/summary";
import { parseEndpoint } from "./endpoints";

/** How a list endpoint filters by update time. */
export interface UpdatedSinceFilter {
  readonly param: string;
  /**
   * `date`: `YYYY-MM-DD` (UTC), the endpoint compares by day; `timestamp`: RFC 3339, compared exactly.
   * Incident.io's API reference: incidents' date filters are day-granular, while `/v3/follow_ups`
   * takes full timestamps.
   */
  readonly format: "date" | "timestamp";
  /**
   * `changes`: the filter alone lists every record changed since. `creations`: it lists only records
   * created since, so a change to an older one needs reads of their own (alerts: alerts-incremental.ts),
   * and so do the parameters of `reserved`, which the user's query parameters must then leave alone.
   */
  readonly finds: "changes" | "creations";
  /** Parameter prefixes the incremental read sends besides `param` (`status[` for alerts). */
  readonly reserved?: readonly string[];
}

/**
 * The endpoints that can list only what changed. The 2026-08-21 spec's `Alerts V2#List` filters on
 * `created_at` but not on `updated_at`, so alerts read incrementally add what changed after creation
 * (see alerts-incremental.ts); the other kinds have no time filter at all.
 */
const UPDATED_SINCE_FILTERS: Readonly<Record<string, UpdatedSinceFilter>> = {
  "/v2/incidents": { param: "updated_at[gte]", format: "date", finds: "changes" },
  "/v3/follow_ups": { param: "updated_at[gte]", format: "timestamp", finds: "changes" },
  // Day-granular like the incidents' date filters, as the API reference says.
  "/v2/alerts": { param: "created_at[gte]", format: "date", finds: "creations", reserved: ["created_at[", "status["] },
};

/**
 * The update-time filter a resource can be read incrementally with, or undefined when it must always
 * be read in full: its endpoint has none, it fans out over path parameters, or its own query
 * parameters already set that filter or one the incremental read sends (the user's choice stands).
 */
export function findUpdatedSinceFilter(resource: ResourceMapping): UpdatedSinceFilter | undefined {
  const endpoint = parseEndpoint(resource.kind);
  const filter = UPDATED_SINCE_FILTERS[endpoint.path];
  if (filter === undefined || resource.selector.pathParameters.length > 0) return undefined;
  const prefixes = [filter.param, ...(filter.reserved ?? [])];
  const userParams = [...Object.keys(endpoint.query), ...Object.keys(resource.selector.queryParams)];
  if (userParams.some((param) => prefixes.some((prefix) => param.startsWith(prefix)))) return undefined;
  return filter;
}

/** One earlier extract of a kind, as extract_status records it. */
export interface ExtractAttempt {
  readonly runId: number;
  readonly mode: ExtractMode;
  /** running | complete | failed */
  readonly status: string;
  /** ISO-8601 instant the kind's extract started. */
  readonly startedAt: string;
}

/** Why a kind is read in full; `alerts-left-open-over-max` is decided during an incremental alerts read (alerts-incremental.ts). */
export type FullReason = "no-update-filter" | "full-refresh" | "no-complete-full" | "every-runs" | "every-hours" | "alerts-left-open-over-max";

export type ExtractDecision =
  | { readonly mode: "full"; readonly reason: FullReason }
  /** `since`: the instant from which changes are read (ISO-8601), before the endpoint's formatting. */
  | { readonly mode: "incremental"; readonly since: string };

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

/**
 * Whether a kind is read in full or incrementally, and since when. Full when the endpoint cannot
 * filter by update time, on --full-refresh, when no full extract of the kind ever completed, when
 * `fullEveryRuns - 1` extracts of it have run since the last complete full one (so at least every
 * `fullEveryRuns`-th run is full), or when that one started `fullEveryHours` or more ago. Otherwise
 * incremental, from the start of the last complete extract (of either mode) minus `lookbackMinutes`:
 * a record updated while that extract ran may have been stamped before its page was read. Pure:
 * `history` is the kind's earlier extracts in any order, `now` in ms.
 */
export function decideExtractMode(input: {
  readonly history: readonly ExtractAttempt[];
  readonly settings: IncrementalSettings;
  readonly now: number;
  readonly fullRefresh: boolean;
  readonly canFilter: boolean;
}): ExtractDecision {
  if (!input.canFilter) return { mode: "full", reason: "no-update-filter" };
  if (input.fullRefresh) return { mode: "full", reason: "full-refresh" };
  const complete = input.history.filter((attempt) => attempt.status === "complete");
  const lastFull = latest(complete.filter((attempt) => attempt.mode === "full"));
  if (lastFull === undefined) return { mode: "full", reason: "no-complete-full" };
  const runsSinceFull = input.history.filter((attempt) => attempt.runId > lastFull.runId).length;
  if (runsSinceFull >= input.settings.fullEveryRuns - 1) return { mode: "full", reason: "every-runs" };
  const fullStarted = Date.parse(lastFull.startedAt);
  if (!(input.now - fullStarted < input.settings.fullEveryHours * MS_PER_HOUR)) return { mode: "full", reason: "every-hours" };
  const lastComplete = latest(complete) ?? lastFull;
  const since = Date.parse(lastComplete.startedAt) - input.settings.lookbackMinutes * MS_PER_MINUTE;
  return { mode: "incremental", since: new Date(since).toISOString() };
}

/** The value of the filter parameter for an instant: its UTC day for `date` (which covers the whole day), else the instant itself. */
export function formatSince(since: string, format: UpdatedSinceFilter["format"]): string {
  const iso = new Date(since).toISOString();
  return format === "date" ? iso.slice(0, 10) : iso;
}

function latest(attempts: readonly ExtractAttempt[]): ExtractAttempt | undefined {
  let found: ExtractAttempt | undefined;
  for (const attempt of attempts) if (found === undefined || attempt.runId > found.runId) found = attempt;
  return found;
}
