import type { JqRunner } from "../jq/jq-runner";
import { compileSimpleExpression } from "./simple-expression";

/** Turns a parsed page into its array of records. */
export type ItemReader = (page: unknown) => Promise<unknown[]>;

/** Why a page did not yield an array of records; the kind fails with it. */
export class PageShapeError extends Error {}

function arrayKeys(page: Record<string, unknown>): string[] {
  return Object.keys(page).filter((key) => Array.isArray(page[key]));
}

function jqPathOf(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `.${JSON.stringify(key)}`;
}

/**
 * The advice for a page that is an object although no data_path is set: Ocean then silently yields
 * nothing, so instead name the array(s) to point data_path at, or list the keys there are.
 */
export function adviseDataPath(page: Record<string, unknown>, setting: string): string {
  const arrays = arrayKeys(page).map(jqPathOf);
  if (arrays.length === 1) return `set ${setting} to ${arrays[0]}`;
  if (arrays.length > 1) return `set ${setting} to one of ${arrays.join(", ")}`;
  const keys = Object.keys(page).slice(0, 10).map(jqPathOf);
  return `set ${setting} to the array of records (the page has no array at its top level; its keys are ${keys.join(", ") || "none"})`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function requireArray(value: unknown, page: unknown, where: string, dataPath: string | undefined, setting: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (dataPath === undefined) {
    const advice = isObject(page) ? adviseDataPath(page, setting) : "the page must be an array of records";
    throw new PageShapeError(`a page of ${where} is ${describe(page)}, not an array of records: ${advice}`);
  }
  const advice = isObject(page) ? `; ${adviseDataPath(page, setting)}` : "";
  throw new PageShapeError(`${setting} ${dataPath} gave ${describe(value)} on a page of ${where}, not an array of records${advice}`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * A reader for `dataPath` (jq; undefined = the page itself) on the pages of `where`; `setting` names
 * the mapping field in messages (`data_path`, `path_parameters.x.data_path`). Simple paths run
 * in-process; anything else runs jq once per page. Throws PageShapeError when the result is not an array.
 */
export function createItemReader(dataPath: string | undefined, where: string, setting: string, jq: JqRunner): ItemReader {
  const simple = dataPath === undefined ? (page: unknown) => page : compileSimpleExpression(dataPath);
  if (simple) {
    return async (page) => {
      let value: unknown;
      try {
        value = simple(page);
      } catch (error) {
        throw new PageShapeError(`${setting} ${dataPath} failed on a page of ${where}: ${(error as Error).message}`);
      }
      return requireArray(value, page, where, dataPath, setting);
    };
  }
  const filter = `[first(${dataPath})] | .[0]`;
  return async (page) => {
    let value: unknown;
    try {
      value = await jq.runJson(filter, JSON.stringify(page));
    } catch (error) {
      throw new PageShapeError(`${setting} ${dataPath} failed on a page of ${where}: ${(error as Error).message}`);
    }
    return requireArray(value, page, where, dataPath, setting);
  };
}
