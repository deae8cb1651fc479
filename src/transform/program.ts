import type { ResourceMapping } from "../model/mapping";
import { rewriteSingleQuotes } from "./single-quotes";

/** One mapping expression and where it sits in the mapping. */
export interface MappingField {
  /** `selector.query`, `itemsToParse`, `identifier`, `title`, `properties.status`, `relations.commander`, ... */
  readonly path: string;
  /** As written in the mapping: what messages and mapping_errors show. */
  readonly expression: string;
}

/** Where an entity field's value goes in the entity. */
type EntityFieldTarget =
  | { readonly section: "identifier" }
  | { readonly section: "blueprint" }
  | { readonly section: "optional"; readonly key: "title" | "icon" | "team" }
  | { readonly section: "properties"; readonly key: string }
  | { readonly section: "relations"; readonly key: string };

/** How the program gets a field's value; the cheaper forms give exactly what the general one would. */
export type FieldEvaluation =
  /** A JSON literal (`"incidentioUser"`, `42`, `true`): computed once here, not in jq. */
  | { readonly kind: "constant"; readonly value: unknown }
  /** `.name`: one output, and no error on an object, so jq skips the guard for object records. */
  | { readonly kind: "key"; readonly key: string }
  /** `.a.b`: exactly one output or an error, so only the error needs guarding. */
  | { readonly kind: "path" }
  | { readonly kind: "general" };

export type EntityField = MappingField & { readonly target: EntityFieldTarget; readonly evaluation: FieldEvaluation };

/** The jq program of one resource and the order in which it reports each expression's result. */
export interface MappingProgram {
  readonly text: string;
  readonly selector: MappingField;
  readonly itemsToParse: MappingField | undefined;
  /** Entity fields in order: identifier, blueprint, then title/icon/team when mapped, properties, relations; the program prints the non-constant ones. */
  readonly fields: readonly EntityField[];
  /** How many of `fields` the program prints (the non-constant ones). */
  readonly printedFields: number;
  /** Indexes into `fields` of the properties, sorted by key: building an entity's properties in this order makes them canonical already. */
  readonly propertyOrder: readonly number[];
  /** Likewise for the relations. */
  readonly relationOrder: readonly number[];
}

// Records go through jq as one stream, so `input`/`inputs` would read the next record and `halt`
// would end the whole batch. Ocean evaluates each record alone, where `input` finds nothing more.
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const KEY = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;
const PATH = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const CATCH = 'catch {e: (if type == "string" then . else tojson end)}';

/** Decides how a (rewritten) expression can be evaluated: see FieldEvaluation. */
export function classifyExpression(expression: string): FieldEvaluation {
  const text = expression.trim();
  if (text === "null" || text === "true" || text === "false" || JSON_NUMBER.test(text) || JSON_STRING.test(text)) {
    return { kind: "constant", value: JSON.parse(text) as unknown };
  }
  const key = KEY.exec(text)?.[1];
  if (key !== undefined) return { kind: "key", key };
  return PATH.test(text) ? { kind: "path" } : { kind: "general" };
}

const PRELUDE = [
  'def input: error("No more inputs");',
  "def inputs: empty;",
  'def halt: error("halt is not supported in a mapping expression");',
  'def halt_error: error("halt_error is not supported in a mapping expression");',
  'def halt_error($code): error("halt_error is not supported in a mapping expression");',
  // Ocean keeps the first output of an expression (None when there is none) and turns an error into
  // None. `[]` = no output, `[v]` = first output, `{e}` = the error message.
  `def __etl_eval(f): try [first(f)] ${CATCH};`,
].join("\n");

/**
 * Lists the entity fields of a resource in the order the program outputs them. Absent optional keys
 * are not listed, so they are not sent (Ocean serializes with exclude_unset).
 */
export function listEntityFields(resource: ResourceMapping): EntityField[] {
  const m = resource.mappings;
  const fields: Omit<EntityField, "evaluation">[] = [
    { path: "identifier", expression: m.identifier, target: { section: "identifier" } },
    { path: "blueprint", expression: m.blueprint, target: { section: "blueprint" } },
  ];
  for (const key of ["title", "icon", "team"] as const) {
    const expression = m[key];
    if (expression !== undefined) fields.push({ path: key, expression, target: { section: "optional", key } });
  }
  for (const [key, expression] of Object.entries(m.properties)) {
    fields.push({ path: `properties.${key}`, expression, target: { section: "properties", key } });
  }
  for (const [key, expression] of Object.entries(m.relations)) {
    fields.push({ path: `relations.${key}`, expression, target: { section: "relations", key } });
  }
  return fields.map((field) => ({ ...field, evaluation: classifyExpression(rewriteSingleQuotes(field.expression)) }));
}

/** Indexes of the fields of `section`, sorted by key in UTF-16 code unit order, as canonical JSON sorts keys. */
function orderFields(fields: readonly EntityField[], section: "properties" | "relations"): number[] {
  const keyed = fields.flatMap((field, index) => (field.target.section === section ? [{ key: field.target.key, index }] : []));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ index }) => index);
}

/** Embeds one user expression; the newline ends a trailing `# comment` before the closing parentheses. */
function evaluate(expression: string): string {
  return `__etl_eval((${rewriteSingleQuotes(expression)}\n))`;
}

/**
 * The jq code printing a field's result (`[]`, `[v]` or `{e}`); `onObject` when the input is known to
 * be an object, where a plain key prints its value bare (it has exactly one, and wrapping each value
 * in an array was a third of jq's time on records mapped mostly by plain keys).
 */
function evaluateField(field: EntityField, onObject: boolean): string {
  switch (field.evaluation.kind) {
    case "key":
      return onObject ? `.${field.evaluation.key}` : evaluate(field.expression);
    case "path":
      return `(try [${rewriteSingleQuotes(field.expression).trim()}] ${CATCH})`;
    default:
      return evaluate(field.expression);
  }
}

/**
 * Ocean's `itemsToParseTopLevelTransform` (default true) deletes the parsed array from the parent
 * before each element is merged in. Ocean finds that array with a heuristic (port_ocean
 * mixins/utils.py extract_jq_deletion_path_revised): inside a leading `(...)`, the first `|` segment
 * that is not `.`, `$var` or `. as $x` and starts with a plain path (`.a.b`, `.a[0]`, `.["k"]`).
 * Returns that path, or undefined when there is none (Ocean then fails the batch; we keep the parent whole).
 */
export function findItemsDeletionPath(itemsToParse: string): string | undefined {
  const trimmed = itemsToParse.trim();
  let chain = trimmed;
  if (trimmed.startsWith("(")) {
    const inner = /^\(([\s\S]*?)\)/.exec(trimmed);
    if (!inner) return undefined;
    chain = (inner[1] ?? "").trim();
  }
  for (const rawSegment of chain.split("|")) {
    const segment = rawSegment.trim();
    if (/^\.\s+as\s+\$[\p{L}\p{N}_]+/u.test(segment)) continue;
    if (segment === "." || segment.startsWith("$")) continue;
    const path = /^(?:\.[\p{L}\p{N}_]+|\.\[[^\]]+\])(?:\.[\p{L}\p{N}_]+|\[[^\]]+\]|\.\[[^\]]+\])*/u.exec(segment);
    if (path) return path[0].trim();
  }
  return undefined;
}

/**
 * Compiles a resource's mapping into one jq program run over a stream of records. For each record it
 * prints one line `[status, entity...]`: `status` is null, or (with itemsToParse) `{e}` when that
 * expression failed and `{t: type}` when it gave no array; each entity is `[selector]` when the
 * selector did not yield `true`, else `[selector, field...]` with the non-constant `fields` in order
 * (for an object record, `[true, field...]` with its plain keys' values bare). Every expression is guarded on its own, so an error nulls that field of that record only.
 */
export function buildMappingProgram(resource: ResourceMapping): MappingProgram {
  const fields = listEntityFields(resource);
  const selector: MappingField = { path: "selector.query", expression: resource.selector.query };
  const printed = fields.filter((field) => field.evaluation.kind !== "constant");
  // An object record's entity starts with a bare `true`, which tells the reader its plain keys are bare.
  const list = (onObject: boolean): string => [onObject ? "true" : "$__etl_s", ...printed.map((field) => evaluateField(field, onObject))].join(", ");
  const selectorCode = resource.selector.query.trim() === "true" ? "[true]" : evaluate(selector.expression);
  const entity = [
    `def __etl_entity: ${selectorCode} as $__etl_s`,
    `| if $__etl_s != [true] then [$__etl_s]`,
    `elif type == "object" then [${list(true)}]`,
    `else [${list(false)}] end;`,
  ].join("\n");

  const order = { printedFields: printed.length, propertyOrder: orderFields(fields, "properties"), relationOrder: orderFields(fields, "relations") };
  if (resource.itemsToParse === undefined) {
    return { text: `${PRELUDE}\n${entity}\n[null, __etl_entity]`, selector, itemsToParse: undefined, fields, ...order };
  }
  const itemsToParse: MappingField = { path: "itemsToParse", expression: resource.itemsToParse };
  const deletion = findItemsDeletionPath(rewriteSingleQuotes(resource.itemsToParse));
  const parent = deletion === undefined ? "$__etl_r" : `(try ($__etl_r | del(${deletion})) catch $__etl_r)`;
  // jq 1.6 lets an error raised after a `try` has produced its value be caught by that `try` (fixed
  // in 1.7), so nothing after an evaluation may fail: a record that is not an object is reported
  // rather than left to fail the merge.
  const main = [
    `. as $__etl_r | ${evaluate(itemsToParse.expression)} as $__etl_i`,
    '| if ($__etl_i | type) == "object" then [$__etl_i]',
    'elif ($__etl_i[0] | type) != "array" then [{t: ($__etl_i[0] | type)}]',
    'elif ($__etl_r | type) != "object" then [{e: "the record is not an object, so no item can be merged into it"}]',
    `else ${parent} as $__etl_p | [null] + [$__etl_i[0][] | $__etl_p + {${JSON.stringify(resource.itemsToParseName)}: .} | __etl_entity]`,
    "end",
  ].join("\n");
  return { text: `${PRELUDE}\n${entity}\n${main}`, selector, itemsToParse, fields, ...order };
}
