import type { EntityField, MappingField, MappingProgram } from "./program";

/** A mapping expression that failed on a record: the field became null (or the record was not mapped). */
interface FieldProblem {
  readonly field: string;
  readonly expression: string;
  readonly message: string;
}

/** An entity as the mapping produced it, before validation: identifier and blueprint are truthy but not yet checked. */
export interface DraftEntity {
  readonly identifier: unknown;
  readonly blueprint: unknown;
  /** Only the keys the mapping names; a key whose expression gave nothing or failed holds null. */
  readonly optional: Readonly<Partial<Record<"title" | "icon" | "team", unknown>>>;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, unknown>>;
}

/** What one raw record turned into. */
export interface RecordMapping {
  readonly entities: readonly DraftEntity[];
  /** Entities whose selector gave `false`. */
  readonly filtered: number;
  /** Entities dropped because their identifier or blueprint came out null or empty (Ocean drops them silently). */
  readonly skipped: number;
  readonly problems: readonly FieldProblem[];
  /**
   * Why the record, or one of its entities, could not be mapped at all (jq could not parse it or failed
   * on it; its selector, itemsToParse, identifier or blueprint expression failed); undefined when every
   * entity it gives mapped, was filtered out or was skipped. The entities it made before are kept.
   */
  readonly failure?: string;
}

type Evaluation = { readonly kind: "value"; readonly value: unknown } | { readonly kind: "empty" } | { readonly kind: "error"; readonly message: string };

function readEvaluation(raw: unknown): Evaluation {
  if (Array.isArray(raw)) return raw.length === 0 ? { kind: "empty" } : { kind: "value", value: raw[0] };
  if (raw !== null && typeof raw === "object" && "e" in raw) return { kind: "error", message: String((raw as { e: unknown }).e) };
  throw new Error(`unexpected jq program output ${JSON.stringify(raw)}`);
}

/** A field's value from its `[]`, `[v]` or `{e}` (readEvaluation without the intermediate object: this runs for every field of every entity). */
function readFieldValue(field: MappingField, raw: unknown, problems: FieldProblem[]): unknown {
  if (Array.isArray(raw)) return raw.length === 0 ? null : (raw[0] as unknown);
  const evaluation = readEvaluation(raw);
  if (evaluation.kind === "error") problems.push(problem(field, evaluation.message));
  return null;
}

/** Python's truthiness, which Ocean applies to identifier and blueprint: null, false, 0, "", [] and {} are false. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keyOf(field: EntityField): string {
  return "key" in field.target ? field.target.key : field.path;
}

function problem(field: MappingField, message: string): FieldProblem {
  return { field: field.path, expression: field.expression, message };
}

/** The failure of an entity: a problem recorded, whose words say why the record is unmapped. */
function fail(problems: FieldProblem[], failed: FieldProblem): { readonly failure: string } {
  problems.push(failed);
  return { failure: describeFailure(failed) };
}

function describeFailure(failed: FieldProblem): string {
  const name = failed.field === "selector.query" ? "the selector" : `the ${failed.field} expression`;
  return `${name} (${failed.expression.trim()}) failed: ${failed.message}`;
}

function readEntity(program: MappingProgram, raw: unknown, problems: FieldProblem[]): DraftEntity | "filtered" | "skipped" | { readonly failure: string } {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`unexpected jq program output ${JSON.stringify(raw)}`);
  const selector = raw[0] === true ? ({ kind: "value", value: true } as const) : readEvaluation(raw[0]);
  if (selector.kind === "error") return fail(problems, problem(program.selector, selector.message));
  if (selector.kind === "empty") return fail(problems, problem(program.selector, "the selector produced no output; it must yield a boolean"));
  if (selector.value === false) return "filtered";
  if (selector.value !== true) return fail(problems, problem(program.selector, `expected a boolean, got ${describe(selector.value)}`));

  // A bare `true` marks an object record, whose plain keys the program printed bare (see buildMappingProgram).
  const keysAreBare = raw[0] === true;
  if (raw.length !== 1 + program.printedFields) throw new Error(`unexpected jq program output ${JSON.stringify(raw)}`);
  const problemsBefore = problems.length;
  let identifier: unknown = null;
  let blueprint: unknown = null;
  const optional: Partial<Record<"title" | "icon" | "team", unknown>> = {};
  const values: unknown[] = [];
  let printed = 1;
  for (const field of program.fields) {
    let value: unknown;
    if (field.evaluation.kind === "constant") value = field.evaluation.value;
    else if (keysAreBare && field.evaluation.kind === "key") {
      value = raw[printed];
      printed += 1;
    } else {
      value = readFieldValue(field, raw[printed], problems);
      printed += 1;
    }
    values.push(value);
    const target = field.target;
    if (target.section === "identifier") identifier = value;
    else if (target.section === "blueprint") blueprint = value;
    else if (target.section === "optional") optional[target.key] = value;
  }
  // Built in key order, so that the entity is canonical without copying.
  const properties: Record<string, unknown> = {};
  for (const index of program.propertyOrder) properties[keyOf(program.fields[index] as EntityField)] = values[index];
  const relations: Record<string, unknown> = {};
  for (const index of program.relationOrder) relations[keyOf(program.fields[index] as EntityField)] = values[index];
  if (!isTruthy(identifier) || !isTruthy(blueprint)) {
    // A null identifier skips the entity (Ocean); one that is null because its expression failed
    // says nothing about the entity, which must not look deleted.
    const failed = problems.slice(problemsBefore).find((found) => found.field === "identifier" || found.field === "blueprint");
    return failed === undefined ? "skipped" : { failure: describeFailure(failed) };
  }
  return { identifier, blueprint, optional, properties, relations };
}

/**
 * Reads the output line the program printed for one record (see buildMappingProgram) into entities,
 * counts and problems, applying Ocean's rules: the selector must be exactly `true` (anything else but
 * `false` is a problem and the entity is not mapped), a failing field is null plus a problem, and an
 * entity whose identifier or blueprint is falsy is skipped.
 */
export function interpretRecordOutput(program: MappingProgram, output: unknown): RecordMapping {
  if (!Array.isArray(output) || output.length === 0) throw new Error(`unexpected jq program output ${JSON.stringify(output)}`);
  const problems: FieldProblem[] = [];
  const [status, ...rawEntities] = output;
  if (status !== null) {
    if (program.itemsToParse === undefined || typeof status !== "object") throw new Error(`unexpected jq program output ${JSON.stringify(output)}`);
    // An itemsToParse that fails says nothing about the items; one that gives no array says the record has none.
    if ("e" in status) {
      const failed = problem(program.itemsToParse, String((status as { e: unknown }).e));
      return { entities: [], filtered: 0, skipped: 0, problems: [failed], failure: describeFailure(failed) };
    }
    const message = `expected an array, got ${String((status as { t?: unknown }).t)}; the record gives no entity`;
    return { entities: [], filtered: 0, skipped: 0, problems: [problem(program.itemsToParse, message)] };
  }
  const entities: DraftEntity[] = [];
  let filtered = 0;
  let skipped = 0;
  let failure: string | undefined;
  for (const raw of rawEntities) {
    const entity = readEntity(program, raw, problems);
    if (entity === "filtered") filtered += 1;
    else if (entity === "skipped") skipped += 1;
    else if ("failure" in entity) failure ??= entity.failure;
    else entities.push(entity);
  }
  return { entities, filtered, skipped, problems, ...(failure === undefined ? {} : { failure }) };
}
