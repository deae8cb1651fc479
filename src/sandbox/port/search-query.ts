import { isJsonObject, isPortFailure, rejectRouteSchema } from "./failure";
import type { PortEntity, PortFailure } from "./types";

// Port's search language has many operators; the sandbox serves the ones a loader needs to find
// entities by blueprint and identifier, and says so plainly for the rest instead of matching wrongly.
const SUPPORTED_OPERATORS = ["=", "in"] as const;
const MAX_QUERY_DEPTH = 8;

interface SearchRule {
  readonly property: string;
  readonly operator: (typeof SUPPORTED_OPERATORS)[number];
  readonly value: unknown;
}

export interface SearchQuery {
  readonly combinator: "and" | "or";
  readonly rules: readonly (SearchRule | SearchQuery)[];
}

/** What a query's top-level `and` rules pin down, so a search need not scan every entity. */
export interface SearchScope {
  readonly blueprints?: ReadonlySet<string>;
  readonly identifiers?: ReadonlySet<string>;
}

function isQuery(rule: SearchRule | SearchQuery): rule is SearchQuery {
  return "combinator" in rule;
}

function readRule(raw: unknown, depth: number): SearchRule | SearchQuery | PortFailure {
  if (!isJsonObject(raw)) return rejectRouteSchema("each rule must be an object");
  if ("combinator" in raw) return readSearchQuery(raw, depth + 1);
  const { property, operator, value } = raw;
  if (typeof property !== "string") return rejectRouteSchema("rule.property must be a string");
  if (operator !== "=" && operator !== "in") {
    return {
      status: 422,
      error: "bad_request",
      message: `The sandbox serves only ${SUPPORTED_OPERATORS.join(" and ")} rules (with and/or combinators); got operator ${JSON.stringify(operator)}`,
    };
  }
  if (operator === "in" && !Array.isArray(value)) return rejectRouteSchema(`rule "${property}" in: value must be an array`);
  return { property, operator, value };
}

/** Reads a `{combinator, rules}` search query, or fails with 422 for shapes and operators the sandbox does not serve. */
export function readSearchQuery(raw: unknown, depth = 0): SearchQuery | PortFailure {
  if (depth > MAX_QUERY_DEPTH) return rejectRouteSchema(`queries nest at most ${MAX_QUERY_DEPTH} levels in the sandbox`);
  if (!isJsonObject(raw)) return rejectRouteSchema("query must be an object");
  const { combinator, rules } = raw;
  if (combinator !== "and" && combinator !== "or") return rejectRouteSchema('combinator must be "and" or "or"');
  if (!Array.isArray(rules)) return rejectRouteSchema("rules must be an array");
  const read: (SearchRule | SearchQuery)[] = [];
  for (const rule of rules) {
    const parsed = readRule(rule, depth);
    if (isPortFailure(parsed)) return parsed;
    read.push(parsed);
  }
  return { combinator, rules: read };
}

function readRuleSubject(entity: PortEntity, property: string): unknown {
  switch (property) {
    case "$identifier":
      return entity.identifier;
    case "$blueprint":
      return entity.blueprint;
    case "$title":
      return entity.title;
    case "$team":
      return entity.team;
    case "$icon":
      return entity.icon;
    default:
      return property in entity.properties ? entity.properties[property] : entity.relations[property];
  }
}

function matchesRule(entity: PortEntity, rule: SearchRule): boolean {
  const actual = readRuleSubject(entity, rule.property);
  if (rule.operator === "=") return actual === rule.value;
  return (rule.value as readonly unknown[]).includes(actual);
}

/** True when the entity satisfies the query (an `and` of no rules matches everything). */
export function matchesQuery(entity: PortEntity, query: SearchQuery): boolean {
  const test = (rule: SearchRule | SearchQuery): boolean => (isQuery(rule) ? matchesQuery(entity, rule) : matchesRule(entity, rule));
  return query.combinator === "and" ? query.rules.every(test) : query.rules.some(test);
}

function collectRuleValues(rule: SearchRule): Set<string> {
  const values = rule.operator === "=" ? [rule.value] : (rule.value as readonly unknown[]);
  return new Set(values.filter((value): value is string => typeof value === "string"));
}

function intersect(current: ReadonlySet<string> | undefined, next: Set<string>): Set<string> {
  return current === undefined ? next : new Set([...next].filter((value) => current.has(value)));
}

/**
 * Reads the blueprints and identifiers a query's top-level `and` rules restrict it to. The result
 * only narrows where to look: candidates must still pass `matchesQuery`.
 */
export function readSearchScope(query: SearchQuery): SearchScope {
  if (query.combinator !== "and") return {};
  let blueprints: ReadonlySet<string> | undefined;
  let identifiers: ReadonlySet<string> | undefined;
  for (const rule of query.rules) {
    if (isQuery(rule)) continue;
    if (rule.property === "$blueprint") blueprints = intersect(blueprints, collectRuleValues(rule));
    if (rule.property === "$identifier") identifiers = intersect(identifiers, collectRuleValues(rule));
  }
  return { ...(blueprints ? { blueprints } : {}), ...(identifiers ? { identifiers } : {}) };
}

/** The opaque `next` of a paged search: the last identifier served, so paging survives writes in between. */
export function encodeSearchCursor(lastIdentifier: string): string {
  return Buffer.from(JSON.stringify({ after: lastIdentifier }), "utf8").toString("base64url");
}

/** Reads a `from` cursor back into the identifier to continue after, or undefined when it is not one of ours. */
export function decodeSearchCursor(from: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(from, "base64url").toString("utf8"));
    return isJsonObject(decoded) && typeof decoded["after"] === "string" ? decoded["after"] : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the first identifier in a sorted list that comes after `after` (binary search). */
export function findIndexAfter(sorted: readonly string[], after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

const META_FIELDS: Readonly<Record<string, "identifier" | "title" | "icon" | "team">> = {
  $identifier: "identifier",
  identifier: "identifier",
  $title: "title",
  title: "title",
  $icon: "icon",
  icon: "icon",
  $team: "team",
  team: "team",
};

function isSelected(field: string, kind: "properties" | "relations", selectors: ReadonlySet<string>): boolean {
  return selectors.has(field) || selectors.has(`${kind}.${field}`);
}

/**
 * Shapes a stored entity as Port's search and upsert responses declare it: identifier, title,
 * icon, team, properties and relations (Port's published response schema has no `blueprint`),
 * keeping only `include` fields when given and dropping `exclude` ones. Selectors name meta fields
 * (`$identifier`, `$title`, …), properties or relations (`name` or `properties.name`).
 */
export function projectEntity(entity: PortEntity, include?: readonly string[], exclude?: readonly string[]): Record<string, unknown> {
  const included = include && include.length > 0 ? new Set(include) : undefined;
  const excluded = new Set(exclude ?? []);
  const keepMeta = (field: string): boolean =>
    (included === undefined || [...included].some((selector) => META_FIELDS[selector] === field)) &&
    ![...excluded].some((selector) => META_FIELDS[selector] === field);
  const keep = (field: string, kind: "properties" | "relations"): boolean =>
    (included === undefined || isSelected(field, kind, included)) && !isSelected(field, kind, excluded);
  const shaped: Record<string, unknown> = {};
  for (const field of ["identifier", "title", "icon", "team"] as const) {
    if (entity[field] !== undefined && keepMeta(field)) shaped[field] = entity[field];
  }
  shaped["properties"] = Object.fromEntries(Object.entries(entity.properties).filter(([name]) => keep(name, "properties")));
  shaped["relations"] = Object.fromEntries(Object.entries(entity.relations).filter(([name]) => keep(name, "relations")));
  return shaped;
}
