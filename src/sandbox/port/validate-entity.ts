import { isJsonObject, rejectRouteSchema } from "./failure";
import type { PortBlueprint, PortFailure, PortProperty, PortPropertyItems, PortRelationValue } from "./types";

// Port's published pattern for entity identifiers (and relation values): any Unicode letter, digits,
// and `@_.+:\/='-`, but not exactly "." or "..".
const ENTITY_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/='-]+$/u;
const ENTITY_IDENTIFIER_MAX_LENGTH = 1000;

// RFC 3339 date-time as ajv-formats checks it for Port: the offset is mandatory.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;
const EMAIL = /^[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;
const URL_SCHEME = /^(https?|ftp):\/\//i;

/** An entity body after its shape has been checked against the route schema, before the blueprint is consulted. */
export interface EntityInput {
  /** Absent when the caller let Port generate one. */
  readonly identifier?: string;
  readonly title?: string | null;
  readonly icon?: string | null;
  readonly team?: string | readonly string[] | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, unknown>>;
}

/** One related entity an entity points at. */
export interface RelationTarget {
  readonly relation: string;
  readonly blueprint: string;
  readonly identifier: string;
}

function rejectSchema(message: string): PortFailure {
  return { status: 422, error: "blueprint_schema_mismatch", message: `The provided entity does not match the blueprint's schema: ${message}` };
}

/** True when `value` is an identifier Port accepts for an entity or as a relation value. */
export function isValidEntityIdentifier(value: string): boolean {
  return value.length <= ENTITY_IDENTIFIER_MAX_LENGTH && ENTITY_IDENTIFIER.test(value);
}

function countDaysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= countDaysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 60;
}

/** True when a string satisfies a property `format`; formats Port does not check for syntax always pass. */
export function matchesFormat(format: string, value: string): boolean {
  switch (format) {
    case "date-time":
      return isDateTime(value);
    case "url":
      return URL_SCHEME.test(value) && URL.canParse(value);
    case "email":
      return EMAIL.test(value);
    default:
      return true;
  }
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return isJsonObject(value);
    case "array":
      return Array.isArray(value);
    default:
      return false;
  }
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkValue(path: string, spec: PortPropertyItems, value: unknown): string | undefined {
  if (spec.type !== undefined && !hasType(spec.type, value)) return `${path} must be ${spec.type}, got ${describeValue(value)}`;
  if (spec.format !== undefined && typeof value === "string" && !matchesFormat(spec.format, value)) {
    return `${path} must match format "${spec.format}", got ${describeValue(value)}`;
  }
  if (spec.enum !== undefined && !spec.enum.some((allowed) => allowed === value)) {
    return `${path} must be equal to one of the allowed values ${describeValue(spec.enum)}, got ${describeValue(value)}`;
  }
  return undefined;
}

/**
 * Checks one property value against its blueprint definition (type, format, enum, and the same for
 * each item of an array) and returns what is wrong, or undefined. `null` is always accepted: Ocean
 * sends it for mapping expressions that evaluated to nothing.
 */
export function checkPropertyValue(name: string, property: PortProperty, value: unknown): string | undefined {
  if (value === null) return undefined;
  const problem = checkValue(`property "${name}"`, property, value);
  if (problem !== undefined || property.items === undefined || !Array.isArray(value)) return problem;
  for (const [index, item] of value.entries()) {
    const itemProblem = checkValue(`property "${name}"[${index}]`, property.items, item);
    if (itemProblem !== undefined) return itemProblem;
  }
  return undefined;
}

function isTeam(value: unknown): boolean {
  return value === null || typeof value === "string" || (Array.isArray(value) && value.every((team) => typeof team === "string"));
}

/**
 * Reads one entity of a request body against the route schema: a string identifier (or none, for
 * Port to generate), string-or-null title and icon, team, and `properties`/`relations` objects.
 * Keys Port ignores (such as `blueprint`) are dropped. Returns the input or a 422 `bad_request`.
 */
export function readEntityInput(raw: unknown): EntityInput | PortFailure {
  if (!isJsonObject(raw)) return rejectRouteSchema("each entity must be an object");
  const { identifier, title, icon, team, properties = {}, relations = {} } = raw;
  if (identifier !== undefined) {
    if (typeof identifier !== "string") {
      return rejectRouteSchema(`identifier must be a string (the sandbox does not resolve search-query identifiers), got ${describeValue(identifier)}`);
    }
    if (!isValidEntityIdentifier(identifier)) {
      return rejectRouteSchema(`identifier ${describeValue(identifier)} must match pattern "${ENTITY_IDENTIFIER.source}" and be at most ${ENTITY_IDENTIFIER_MAX_LENGTH} characters`);
    }
  }
  if (title !== undefined && title !== null && typeof title !== "string") return rejectRouteSchema(`title must be a string, got ${describeValue(title)}`);
  if (icon !== undefined && icon !== null && typeof icon !== "string") return rejectRouteSchema(`icon must be a string, got ${describeValue(icon)}`);
  if (team !== undefined && !isTeam(team)) return rejectRouteSchema(`team must be a string or an array of strings, got ${describeValue(team)}`);
  if (!isJsonObject(properties)) return rejectRouteSchema("properties must be an object");
  if (!isJsonObject(relations)) return rejectRouteSchema("relations must be an object");
  return {
    ...(identifier !== undefined ? { identifier } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(icon !== undefined ? { icon } : {}),
    ...(team !== undefined ? { team: team as EntityInput["team"] } : {}),
    properties,
    relations,
  };
}

function checkRelationValue(blueprint: PortBlueprint, name: string, value: unknown): PortFailure | undefined {
  const relation = blueprint.relations?.[name];
  if (relation === undefined) return rejectSchema(`relation "${name}" does not exist in blueprint "${blueprint.identifier}"`);
  if (value === null) return undefined;
  if (relation.many) {
    if (!Array.isArray(value)) return rejectSchema(`relation "${name}" is a many relation and must be an array, got ${describeValue(value)}`);
    const bad = value.find((item) => typeof item !== "string" || !isValidEntityIdentifier(item));
    if (bad !== undefined) return rejectRouteSchema(`relation "${name}" holds an invalid identifier ${describeValue(bad)}`);
    return undefined;
  }
  if (Array.isArray(value)) {
    return { status: 422, error: "relation_many_violation", message: `Relation "${name}" of blueprint "${blueprint.identifier}" cannot contain more than one entity` };
  }
  if (typeof value !== "string") {
    return rejectRouteSchema(`relation "${name}" must be an identifier, an array or null (the sandbox does not resolve search-query relations), got ${describeValue(value)}`);
  }
  if (!isValidEntityIdentifier(value)) return rejectRouteSchema(`relation "${name}" holds an invalid identifier ${describeValue(value)}`);
  return undefined;
}

/**
 * Checks the properties and relations an entity sends against its blueprint: no unknown properties
 * or relations, values of the right type/format/enum, many relations as arrays and single ones as
 * one identifier or null. Returns the first failure, or undefined.
 */
export function checkEntityAgainstBlueprint(blueprint: PortBlueprint, input: EntityInput): PortFailure | undefined {
  for (const [name, value] of Object.entries(input.properties)) {
    const property = blueprint.schema.properties[name];
    if (property === undefined) return rejectSchema(`property "${name}" does not exist in blueprint "${blueprint.identifier}"`);
    const problem = checkPropertyValue(name, property, value);
    if (problem !== undefined) return rejectSchema(problem);
  }
  for (const [name, value] of Object.entries(input.relations)) {
    const failure = checkRelationValue(blueprint, name, value);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** Checks the blueprint's required properties and relations against the entity as it will be stored. */
export function checkRequired(
  blueprint: PortBlueprint,
  entity: { readonly properties: Readonly<Record<string, unknown>>; readonly relations: Readonly<Record<string, unknown>> },
): PortFailure | undefined {
  for (const name of blueprint.schema.required ?? []) {
    if (isMissing(entity.properties[name])) return rejectSchema(`must have required property "${name}"`);
  }
  for (const [name, relation] of Object.entries(blueprint.relations ?? {})) {
    if (relation.required && isMissing(entity.relations[name])) {
      return { status: 422, error: "required_relation", message: `Relation "${name}" of blueprint "${blueprint.identifier}" is required` };
    }
  }
  return undefined;
}

/** Lists the entities an already-checked set of relations points at, in relation order. */
export function listRelationTargets(blueprint: PortBlueprint, relations: Readonly<Record<string, PortRelationValue>>): RelationTarget[] {
  const targets: RelationTarget[] = [];
  for (const [relation, value] of Object.entries(relations)) {
    const target = blueprint.relations?.[relation]?.target;
    if (target === undefined || value === null) continue;
    for (const identifier of typeof value === "string" ? [value] : value) targets.push({ relation, blueprint: target, identifier });
  }
  return targets;
}
