import type { JqRunner } from "../jq/jq-runner";
import type { PathParameter } from "../model/mapping";
import { PageShapeError } from "./items";
import { compileSimpleExpression } from "./simple-expression";

/**
 * The value a parent record supplies for `{name}`, as Ocean injects it: strings as they are, numbers
 * and booleans as text, other values as JSON; undefined (the parent is skipped) for null.
 */
export function toParameterValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/**
 * The distinct parameter values of a path parameter's parent records, in order: the first output of
 * `field` for each record whose `filter` yields exactly `true`. Simple expressions run in-process;
 * otherwise one jq process handles all records.
 */
export async function selectParentValues(records: readonly unknown[], parameter: PathParameter, jq: JqRunner): Promise<string[]> {
  const field = compileSimpleExpression(parameter.field);
  const filter = parameter.filter === undefined ? () => true : compileSimpleExpression(parameter.filter);
  let values: unknown[];
  try {
    if (field && filter) {
      values = records.filter((record) => filter(record) === true).map((record) => field(record));
    } else {
      const keep = parameter.filter === undefined ? "" : `select([first(${parameter.filter})] == [true]) | `;
      const selected = await jq.runJson(`map(${keep}[first(${parameter.field})] | .[0])`, JSON.stringify(records));
      values = Array.isArray(selected) ? selected : [];
    }
  } catch (error) {
    throw new PageShapeError(`path_parameters.${parameter.name} (field ${parameter.field}${parameter.filter ? `, filter ${parameter.filter}` : ""}) failed on the records of ${parameter.endpoint}: ${(error as Error).message}`);
  }
  const distinct = new Set<string>();
  for (const value of values) {
    const text = toParameterValue(value);
    if (text !== undefined) distinct.add(text);
  }
  return [...distinct];
}
