import { toCamelCase, toJqPath } from "./names";
import { readSingleType, type ValueStats } from "./value-stats";

/** Share of a field's distinct sampled values that must be record ids of one kind for a relation to it. */
const MIN_MATCH_SHARE = 0.5;

/** A field that may point at other records: its relation name, its jq, and the ids it holds. */
export interface RelationCandidate {
  readonly field: string;
  readonly name: string;
  readonly many: boolean;
  readonly expression: string;
  /** Distinct ids seen in the sample (bounded). */
  readonly values: readonly string[];
}

/** How many of a candidate's values are record ids of one kind. */
export interface RelationMatch {
  readonly kind: string;
  readonly blueprint: string;
  readonly matched: number;
}

/** `team_ids` → `teams`, `incident_id` → `incident`, `__catalog_type_id` → `catalogType`, `severity` → `severity`. */
export function nameRelation(field: string, many: boolean): string {
  const base = field.replace(/^_+/, "").replace(/_ids?$/i, "");
  const plural = many && /_ids$/i.test(field) && !/s$/i.test(base) ? `${base}s` : base;
  return toCamelCase(plural);
}

/**
 * The relation a field could be, from the shape of its sampled values: a `*_id` string (or an
 * injected `__parent` value), a `*_ids` array of strings, an object with a string `id` (`severity`),
 * or an array of such objects (`members`). Undefined for any other field, and for `id` itself.
 * Arrays are mapped so that a missing one becomes [].
 */
export function findRelationCandidate(field: string, stats: ValueStats): RelationCandidate | undefined {
  if (field === "id" || stats.count === 0) return undefined;
  const path = toJqPath(field);
  const type = readSingleType(stats);
  const itemType = readSingleType(stats.items);
  const candidate = (many: boolean, expression: string, values: Iterable<string>): RelationCandidate | undefined => {
    const name = nameRelation(field, many);
    const distinct = [...values];
    return name === "" || distinct.length === 0 ? undefined : { field, name, many, expression, values: distinct };
  };
  if (type === "string" && (/_id$/i.test(field) || field.startsWith("__"))) return candidate(false, path, stats.strings.keys());
  if (type === "array" && itemType === "string" && /_ids$/i.test(field)) return candidate(true, `${path} // []`, stats.items?.strings.keys() ?? []);
  if (type === "object" && stats.objectsWithId === stats.objects) return candidate(false, `${path}.id`, stats.objectIds);
  const items = stats.items;
  if (type === "array" && itemType === "object" && items !== undefined && items.objectsWithId === items.objects) {
    return candidate(true, `[${path}[]?.id]`, items.objectIds);
  }
  return undefined;
}

/**
 * The kind a candidate relates to: the one holding the most of its distinct values as record ids,
 * when that is at least half of them (the first such kind on a tie). Undefined when none does.
 */
export function chooseRelationTarget(distinct: number, matches: readonly RelationMatch[]): RelationMatch | undefined {
  let best: RelationMatch | undefined;
  for (const match of matches) {
    if (match.matched > 0 && match.matched >= distinct * MIN_MATCH_SHARE && (best === undefined || match.matched > best.matched)) best = match;
  }
  return best;
}
