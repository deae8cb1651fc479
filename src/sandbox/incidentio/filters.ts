import type { IncidentIoKind } from "./kinds";
import { singleValue, type ValidationIssue } from "./paging";
import { parseDateOrTimestampMicros, startOfDayMicros } from "./timestamps";

const INCIDENT_MODES = ["standard", "retrospective", "test", "tutorial"] as const;
/** Follow-ups also accept `stream`, a mode incidents never list. */
const FOLLOW_UP_INCIDENT_MODES = [...INCIDENT_MODES, "stream"] as const;
/** What `/v2/incidents` lists without `mode[one_of]`, and whose follow-ups the follow-up lists show without `incident_mode`. */
export const DEFAULT_INCIDENT_MODES: readonly string[] = ["standard", "retrospective"];
const INCIDENT_SORTS = ["created_at_newest_first", "created_at_oldest_first"] as const;
type IncidentSort = (typeof INCIDENT_SORTS)[number];

/** The filters of a list request, as the dataset applies them. Absent fields mean the API's defaults. */
export interface ListOptions {
  /** users: also list deactivated users (`include_inactive=true`). */
  readonly includeInactive?: boolean;
  /** incidents: `mode[one_of]`; standard and retrospective when absent. */
  readonly modes?: readonly string[];
  /** follow_ups: only those of incidents in this mode (`incident_mode`). */
  readonly incidentMode?: string;
  /** follow_ups: only those of this incident (`incident_id`). */
  readonly incidentId?: string;
  /** incidents and follow_ups: `updated_at[gte]`, a date or RFC 3339 timestamp (incidents compare by day). */
  readonly updatedAtGte?: string;
  /** incidents: `sort_by`; newest first when absent. */
  readonly sortBy?: IncidentSort;
  /** catalog_entries: one type's entries (`catalog_type_id`); every type's when absent. */
  readonly catalogTypeId?: string;
  /** alerts: `status[one_of]` and `status[not_in]`. */
  readonly statusOneOf?: readonly string[];
  readonly statusNotIn?: readonly string[];
  /** alerts and incidents: `created_at[gte]` and `created_at[lte]` (or the two ends of `created_at[date_range]`), dates or RFC 3339 timestamps compared by day. */
  readonly createdAtGte?: string;
  readonly createdAtLte?: string;
}

/** Which filters an endpoint reads from its query string; it ignores every other parameter. */
export interface FilterSupport {
  readonly includeInactive?: boolean;
  readonly modes?: boolean;
  readonly incidentMode?: boolean;
  readonly incidentId?: boolean;
  readonly updatedAtGte?: boolean;
  readonly sortBy?: boolean;
  /** `status[one_of|not_in]` (alerts). */
  readonly status?: boolean;
  /** `created_at[gte|lte|date_range]` (alerts, incidents). */
  readonly createdAt?: boolean;
}

export type Query = Readonly<Record<string, string | readonly string[]>>;

const TRUE_WORDS = new Set(["1", "t", "true"]);
const FALSE_WORDS = new Set(["0", "f", "false"]);

/**
 * The instant `updated_at[gte]` means for `kind`, in microseconds: incidents filter by day, as their
 * docs say (a timestamp is truncated to its day), other kinds by the exact instant. Undefined when
 * the text is neither a date nor an RFC 3339 timestamp.
 */
export function updatedSinceMicros(kind: IncidentIoKind, text: string): number | undefined {
  const micros = parseDateOrTimestampMicros(text);
  if (micros === undefined) return undefined;
  return kind === "incidents" ? startOfDayMicros(micros) : micros;
}

function valuesOf(raw: string | readonly string[] | undefined): string[] {
  if (raw === undefined) return [];
  // Clients send either repeated keys (`mode[one_of]=a&mode[one_of]=b`) or one comma-separated value.
  return (typeof raw === "string" ? [raw] : raw).flatMap((value) => value.split(",")).filter((value) => value !== "");
}

function invalid(field: string, message: string): ValidationIssue {
  return { field, code: "invalid_value", message };
}

/** Reads the filters `support` names from a list request's query (bracket keys already URL-decoded); an issue when a value is malformed. */
export function parseListOptions(kind: IncidentIoKind, query: Query, support: FilterSupport): ListOptions | ValidationIssue {
  const options: { -readonly [K in keyof ListOptions]: ListOptions[K] } = {};
  const includeInactive = singleValue(query["include_inactive"]);
  if (support.includeInactive && includeInactive !== undefined) {
    const word = includeInactive.toLowerCase();
    if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) return invalid("include_inactive", `include_inactive must be a boolean, got ${JSON.stringify(includeInactive)}`);
    options.includeInactive = TRUE_WORDS.has(word);
  }
  const modes = valuesOf(query["mode[one_of]"]);
  if (support.modes && modes.length > 0) options.modes = modes;
  const incidentMode = singleValue(query["incident_mode"]);
  if (support.incidentMode && incidentMode !== undefined) {
    if (!(FOLLOW_UP_INCIDENT_MODES as readonly string[]).includes(incidentMode)) {
      return invalid("incident_mode", `incident_mode must be one of ${FOLLOW_UP_INCIDENT_MODES.join(", ")}, got ${JSON.stringify(incidentMode)}`);
    }
    options.incidentMode = incidentMode;
  }
  const incidentId = singleValue(query["incident_id"]);
  if (support.incidentId && incidentId !== undefined && incidentId !== "") options.incidentId = incidentId;
  const updatedAtGte = singleValue(query["updated_at[gte]"]);
  if (support.updatedAtGte && updatedAtGte !== undefined) {
    if (updatedSinceMicros(kind, updatedAtGte) === undefined) {
      return invalid("updated_at", `updated_at[gte] must be a date (YYYY-MM-DD) or an RFC 3339 timestamp, got ${JSON.stringify(updatedAtGte)}`);
    }
    options.updatedAtGte = updatedAtGte;
  }
  if (support.status) readStatus(query, options);
  if (support.createdAt) {
    const issue = readCreatedAt(query, options);
    if (issue) return issue;
  }
  const sortBy = singleValue(query["sort_by"]);
  if (support.sortBy && sortBy !== undefined) {
    if (!(INCIDENT_SORTS as readonly string[]).includes(sortBy)) {
      return invalid("sort_by", `sort_by must be one of ${INCIDENT_SORTS.join(", ")}, got ${JSON.stringify(sortBy)}`);
    }
    options.sortBy = sortBy as IncidentSort;
  }
  return options;
}

const CREATED_AT_OPERATORS = ["gte", "lte"] as const;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the alert list's status filters into `options`. */
function readStatus(query: Query, options: { -readonly [K in keyof ListOptions]: ListOptions[K] }): void {
  const oneOf = valuesOf(query["status[one_of]"]);
  if (oneOf.length > 0) options.statusOneOf = oneOf;
  const notIn = valuesOf(query["status[not_in]"]);
  if (notIn.length > 0) options.statusNotIn = notIn;
}

/**
 * Reads `created_at[gte]`, `created_at[lte]` and `created_at[date_range]` (`A~B`: on or after A and
 * on or before B, as gte and lte read them) into `options`; where both name a bound, the narrower
 * one holds, as filters combine with AND. An issue when a value is malformed.
 */
function readCreatedAt(query: Query, options: { -readonly [K in keyof ListOptions]: ListOptions[K] }): ValidationIssue | undefined {
  const range = singleValue(query["created_at[date_range]"]);
  const ends = range?.split("~");
  if (range !== undefined && (ends?.length !== 2 || ends.some((end) => !DATE_TEXT.test(end) || parseDateOrTimestampMicros(end) === undefined))) {
    return invalid("created_at", `created_at[date_range] must be two dates joined by ~ (YYYY-MM-DD~YYYY-MM-DD), got ${JSON.stringify(range)}`);
  }
  const bounds: Record<(typeof CREATED_AT_OPERATORS)[number], string[]> = { gte: ends?.[0] ? [ends[0]] : [], lte: ends?.[1] ? [ends[1]] : [] };
  for (const operator of CREATED_AT_OPERATORS) {
    const value = singleValue(query[`created_at[${operator}]`]);
    if (value === undefined) continue;
    if (parseDateOrTimestampMicros(value) === undefined) return invalid("created_at", `created_at[${operator}] must be a date (YYYY-MM-DD) or an RFC 3339 timestamp, got ${JSON.stringify(value)}`);
    bounds[operator].push(value);
  }
  const byDay = (a: string, b: string) => startOfDay(a) - startOfDay(b);
  const gte = bounds.gte.sort(byDay).at(-1);
  const lte = bounds.lte.sort(byDay).at(0);
  if (gte !== undefined) options.createdAtGte = gte;
  if (lte !== undefined) options.createdAtLte = lte;
  return undefined;
}

/** The creation instants (µs, both ends included) the creation-day filters of `options` keep; an absent end is open. */
export function createdAtBounds(options: ListOptions): { readonly gte: number | undefined; readonly lte: number | undefined } {
  return {
    gte: options.createdAtGte === undefined ? undefined : startOfDay(options.createdAtGte),
    lte: options.createdAtLte === undefined ? undefined : startOfDay(options.createdAtLte),
  };
}

/** Whether a creation instant (µs) passes the creation-day filters of `options`, or undefined when they set none (see alertFilter). */
export function createdAtFilter(options: ListOptions): ((createdMicros: number) => boolean) | undefined {
  const { gte, lte } = createdAtBounds(options);
  if (gte === undefined && lte === undefined) return undefined;
  return (created) => (gte === undefined || created >= gte) && (lte === undefined || created <= lte);
}

/**
 * Which alerts the status and creation filters of `options` keep, or undefined when they set none.
 * The API's alert date filters are day-granular: `created_at[gte]=2025-01-02` keeps alerts created on
 * or after 2025-01-02T00:00:00Z, and `created_at[lte]=2025-01-02` those created before or on that
 * instant, as its reference says (a timestamp counts as its day).
 */
export function alertFilter(options: ListOptions, statusAt: (index: number) => string, createdMicrosAt: (index: number) => number): ((index: number) => boolean) | undefined {
  const { statusOneOf, statusNotIn } = options;
  const isCreatedWithin = createdAtFilter(options);
  if (statusOneOf === undefined && statusNotIn === undefined && isCreatedWithin === undefined) return undefined;
  return (index) => {
    if (isCreatedWithin && !isCreatedWithin(createdMicrosAt(index))) return false;
    if (statusOneOf === undefined && statusNotIn === undefined) return true;
    const status = statusAt(index);
    return (statusOneOf === undefined || statusOneOf.includes(status)) && (statusNotIn === undefined || !statusNotIn.includes(status));
  };
}

function startOfDay(text: string): number {
  const micros = parseDateOrTimestampMicros(text);
  if (micros === undefined) throw new RangeError(`${text} is not a date or timestamp`);
  return startOfDayMicros(micros);
}

/** Whether a value returned by `parseListOptions` is an issue rather than options. */
export function isValidationIssue(value: object): value is ValidationIssue {
  return "code" in value && "field" in value;
}
