import { isDateTime, isEmail, isWebUrl } from "./formats";

export type JsonType = "string" | "number" | "boolean" | "object" | "array";

/** Distinct strings (and object ids) kept per field: plenty for enums and for matching relation targets. */
export const MAX_DISTINCT = 200;
// A record with more keys than this is a map (keyed by ids), not a shape worth a property each.
export const MAX_FIELDS = 300;

/** What the sampled values of one field (or the elements of its arrays) look like. */
export interface ValueStats {
  /** Values that were not null. */
  count: number;
  nulls: number;
  readonly types: Set<JsonType>;
  /** Longest value as JSON text; measured for record fields, not for array elements. */
  maxChars: number;
  /** Up to MAX_DISTINCT distinct strings with how often each occurred. */
  readonly strings: Map<string, number>;
  /** True once a string beyond the first MAX_DISTINCT distinct ones was seen. */
  hasMoreStrings: boolean;
  areDateTimes: boolean;
  areWebUrls: boolean;
  areEmails: boolean;
  objects: number;
  /** Objects whose `id` is a non-empty string, and up to MAX_DISTINCT of those ids. */
  objectsWithId: number;
  readonly objectIds: Set<string>;
  /** The elements of every array seen (one level deep). */
  items: ValueStats | undefined;
}

/** Stats of a field before any value was seen. */
export function createValueStats(): ValueStats {
  return {
    count: 0,
    nulls: 0,
    types: new Set(),
    maxChars: 0,
    strings: new Map(),
    hasMoreStrings: false,
    areDateTimes: true,
    areWebUrls: true,
    areEmails: true,
    objects: 0,
    objectsWithId: 0,
    objectIds: new Set(),
    items: undefined,
  };
}

function typeOf(value: unknown): JsonType | undefined {
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "object":
      return value === null ? undefined : "object";
    default:
      return undefined;
  }
}

function observeString(stats: ValueStats, text: string): void {
  const seen = stats.strings.get(text);
  if (seen !== undefined) stats.strings.set(text, seen + 1);
  else if (stats.strings.size < MAX_DISTINCT) stats.strings.set(text, 1);
  else stats.hasMoreStrings = true;
  stats.areDateTimes &&= isDateTime(text);
  stats.areWebUrls &&= isWebUrl(text);
  stats.areEmails &&= isEmail(text);
}

/** Adds one value to `stats`; `isField` for a record's own field (measured, arrays followed one level). */
export function observeValue(stats: ValueStats, value: unknown, isField: boolean): void {
  const type = typeOf(value);
  if (type === undefined) {
    stats.nulls += 1;
    return;
  }
  stats.count += 1;
  stats.types.add(type);
  if (isField) stats.maxChars = Math.max(stats.maxChars, type === "string" ? (value as string).length + 2 : (JSON.stringify(value)?.length ?? 0));
  if (type === "string") observeString(stats, value as string);
  else if (type === "object") {
    stats.objects += 1;
    const id = (value as Record<string, unknown>)["id"];
    if (typeof id === "string" && id !== "") {
      stats.objectsWithId += 1;
      if (stats.objectIds.size < MAX_DISTINCT) stats.objectIds.add(id);
    }
  } else if (type === "array" && isField) {
    const items = (stats.items ??= createValueStats());
    for (const item of value as unknown[]) observeValue(items, item, false);
  }
}

/** The one JSON type a field's values (or array elements) took, or undefined when they took none or several. */
export function readSingleType(stats: ValueStats | undefined): JsonType | undefined {
  const [type, ...others] = stats?.types ?? [];
  return others.length === 0 ? type : undefined;
}

/** Adds the fields of one record to `fields` (keyed by field name, in the order fields were first seen). */
export function observeRecord(fields: Map<string, ValueStats>, record: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(record)) {
    let stats = fields.get(key);
    if (stats === undefined) {
      if (fields.size >= MAX_FIELDS) continue;
      stats = createValueStats();
      fields.set(key, stats);
    }
    observeValue(stats, value, true);
  }
}
