import type { Blueprint, BlueprintProperty } from "../model/blueprint";

// Port's pattern for entity identifiers and relation values (port-openapi.yml, entity routes): any
// Unicode letter, ASCII digits and @_.+:\/='- , but not "." or ".." alone; at most 1000 characters.
const IDENTIFIER_PATTERN = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/='-]+$/u;
const IDENTIFIER_MAX_LENGTH = 1000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[zZ]|([+-])(\d{2})(?::?(\d{2}))?)$/;
const EMAIL_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+$/i;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** The entity keys a mapping may produce, besides identifier and blueprint. */
export interface EntityBody {
  readonly identifier: unknown;
  readonly title?: unknown;
  readonly icon?: unknown;
  readonly team?: unknown;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, unknown>>;
}

/** True when `value` is a string Port accepts as an entity identifier or relation value. */
export function isPortIdentifier(value: unknown): value is string {
  return typeof value === "string" && value.length <= IDENTIFIER_MAX_LENGTH && IDENTIFIER_PATTERN.test(value);
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

function isTime(text: string): boolean {
  const m = TIME.exec(text);
  if (!m) return false;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (Number(m[5] ?? 0) > 23 || Number(m[6] ?? 0) > 59) return false;
  if (hour <= 23 && minute <= 59 && second <= 59) return true;
  // A leap second is valid only at 23:59:60 UTC.
  const sign = m[4] === "-" ? -1 : 1;
  const utcMinute = minute - Number(m[6] ?? 0) * sign;
  const utcHour = hour - Number(m[5] ?? 0) * sign - (utcMinute < 0 ? 1 : 0);
  return second === 60 && (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1);
}

// The form APIs send nearly always; with a day of at most 28 and times in range it is valid outright.
const COMMON_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;

/** RFC 3339 date-time with a mandatory offset, as JSON Schema's `date-time` format (ajv-formats, full mode) checks it. */
export function isDateTime(text: string): boolean {
  if (COMMON_DATE_TIME.test(text)) return true;
  const parts = text.split(/[tT\s]/);
  return parts.length === 2 && isDate(parts[0] as string) && isTime(parts[1] as string);
}

/** An address of dot-separated atoms, `@`, and a domain of at least two hostname labels (JSON Schema's `email` format). */
export function isEmail(text: string): boolean {
  const at = text.lastIndexOf("@");
  if (at < 0) return false;
  const atoms = text.slice(0, at).split(".");
  const labels = text.slice(at + 1).split(".");
  return atoms.every((atom) => EMAIL_ATOM.test(atom)) && labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}

/** True when a string satisfies a property `format`; formats Port does not check for syntax always pass. */
export function matchesFormat(format: string, text: string): boolean {
  switch (format) {
    case "date-time":
      return isDateTime(text);
    case "url":
      return /^(?:https?|ftp):\/\//i.test(text) && URL.canParse(text);
    case "email":
      return isEmail(text);
    default:
      return true;
  }
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    default:
      return true;
  }
}

function checkValue(label: string, spec: { type?: string; format?: string; enum?: readonly unknown[] }, value: unknown): string | undefined {
  if (spec.type !== undefined && !hasType(spec.type, value)) return `${label} must be ${spec.type}, got ${describe(value)}`;
  if (spec.format !== undefined && typeof value === "string" && !matchesFormat(spec.format, value)) {
    return `${label} must match format "${spec.format}", got ${describe(value)}`;
  }
  if (spec.enum !== undefined && !spec.enum.some((allowed) => allowed === value)) {
    return `${label} must be one of ${describe(spec.enum)}, got ${describe(value)}`;
  }
  return undefined;
}

/** Checks one property value against its definition (type, format, enum, and each item of an array); null always passes. */
function checkPropertyValue(name: string, property: BlueprintProperty, value: unknown): string | undefined {
  if (value === null) return undefined;
  const label = `property "${name}"`;
  const problem = checkValue(label, property, value);
  if (problem !== undefined || property.items === undefined || !Array.isArray(value)) return problem;
  for (const [index, item] of value.entries()) {
    const itemProblem = checkValue(`${label}[${index}]`, property.items, item);
    if (itemProblem !== undefined) return itemProblem;
  }
  return undefined;
}

function checkRelationValue(blueprint: Blueprint, name: string, value: unknown): string | undefined {
  const relation = blueprint.relations[name];
  if (relation === undefined) return `relation "${name}" does not exist in blueprint "${blueprint.identifier}"`;
  if (value === null) return undefined;
  if (relation.many) {
    if (!Array.isArray(value)) return `relation "${name}" is a many relation and must be an array, got ${describe(value)}`;
    const bad = value.find((item) => !isPortIdentifier(item));
    return bad === undefined ? undefined : `relation "${name}" holds an invalid identifier ${describe(bad)}`;
  }
  if (Array.isArray(value)) return `relation "${name}" is a single relation and cannot hold an array, got ${describe(value)}`;
  return isPortIdentifier(value) ? undefined : `relation "${name}" must be an identifier or null, got ${describe(value)}`;
}

function isMissing(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * Lists every reason Port would refuse this entity: an identifier that is not a string matching Port's
 * pattern, a non-string title or icon, a team that is not a string or strings, and, when the blueprint
 * is known, unknown properties or relations, values of the wrong type/format/enum, relation values that
 * are not identifiers (an array exactly when the relation is `many`), and required ones sent as null or
 * empty. Null values pass otherwise, as in Port; keys the mapping does not send are not checked, because
 * a merge keeps Port's value.
 */
export function listEntityProblems(entity: EntityBody, blueprint: Blueprint | undefined): string[] {
  const problems: string[] = [];
  if (typeof entity.identifier !== "string") problems.push(`identifier must be a string, got ${describe(entity.identifier)}`);
  else if (!isPortIdentifier(entity.identifier)) {
    problems.push(`identifier ${describe(entity.identifier)} does not match Port's pattern ${IDENTIFIER_PATTERN.source} (at most ${IDENTIFIER_MAX_LENGTH} characters)`);
  }
  for (const key of ["title", "icon"] as const) {
    const value = entity[key];
    if (value !== undefined && value !== null && typeof value !== "string") problems.push(`${key} must be a string, got ${describe(value)}`);
  }
  const team = entity.team;
  if (team !== undefined && team !== null && typeof team !== "string" && !(Array.isArray(team) && team.every((t) => typeof t === "string"))) {
    problems.push(`team must be a string or an array of strings, got ${describe(team)}`);
  }
  if (blueprint === undefined) return problems;

  for (const name of Object.keys(entity.properties)) {
    const property = blueprint.schema.properties[name];
    const problem =
      property === undefined ? `property "${name}" does not exist in blueprint "${blueprint.identifier}"` : checkPropertyValue(name, property, entity.properties[name]);
    if (problem !== undefined) problems.push(problem);
  }
  for (const name of blueprint.schema.required) {
    if (name in entity.properties && isMissing(entity.properties[name])) problems.push(`required property "${name}" is ${describe(entity.properties[name])}`);
  }
  for (const name of Object.keys(entity.relations)) {
    const value = entity.relations[name];
    const problem = checkRelationValue(blueprint, name, value);
    if (problem !== undefined) problems.push(problem);
    else if (blueprint.relations[name]?.required && isMissing(value)) problems.push(`required relation "${name}" is ${describe(value)}`);
  }
  return problems;
}
