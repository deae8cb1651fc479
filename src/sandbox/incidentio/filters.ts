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
  /** incidents and follow_ups: `updated_at[gte]`, a date or RFC 3339 timestamp (incidents compare by day). */
  readonly updatedAtGte?: string;
  /** incidents: `sort_by`; newest first when absent. */
  readonly sortBy?: IncidentSort;
  /** catalog_entries: one type's entries (`catalog_type_id`); every type's when absent. */
  readonly catalogTypeId?: string;
}

/** Which filters an endpoint reads from its query string; it ignores every other parameter. */
export interface FilterSupport {
  readonly includeInactive?: boolean;
  readonly modes?: boolean;
  readonly incidentMode?: boolean;
  readonly updatedAtGte?: boolean;
  readonly sortBy?: boolean;
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
  const updatedAtGte = singleValue(query["updated_at[gte]"]);
  if (support.updatedAtGte && updatedAtGte !== undefined) {
    if (updatedSinceMicros(kind, updatedAtGte) === undefined) {
      return invalid("updated_at", `updated_at[gte] must be a date (YYYY-MM-DD) or an RFC 3339 timestamp, got ${JSON.stringify(updatedAtGte)}`);
    }
    options.updatedAtGte = updatedAtGte;
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

/** Whether a value returned by `parseListOptions` is an issue rather than options. */
export function isValidationIssue(value: object): value is ValidationIssue {
  return "code" in value && "field" in value;
}
