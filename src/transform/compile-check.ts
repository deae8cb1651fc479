import { ConfigError } from "../errors";
import type { JqRunner } from "../jq/jq-runner";
import type { ResourceMapping } from "../model/mapping";
import { buildMappingProgram, listEntityFields, type MappingField } from "./program";
import { rewriteSingleQuotes } from "./single-quotes";

// Builtins that Ocean's jq (1.7 or later) has and jq 1.6 (Debian 12) lacks, by name/arity as jq
// reports them; some of them (abs, toarray, trim) arrived only in jq 1.8.
const NEWER_JQ_BUILTINS = new Set([
  "pick/1", "debug/1", "scan/2", "abs/0", "toarray/0", "trim/0", "ltrim/0", "rtrim/0",
  "have_literal_numbers/0", "have_decnum/0", "significand/0",
]);

/** Wraps jq code so that it compiles but never runs (a compile error still fails the run). */
function neverRun(code: string): string {
  return `(if false then (${code}\n) else empty end)`;
}

function listExpressions(resource: ResourceMapping): MappingField[] {
  return [
    { path: "selector.query", expression: resource.selector.query },
    ...(resource.itemsToParse === undefined ? [] : [{ path: "itemsToParse", expression: resource.itemsToParse }]),
    ...listEntityFields(resource),
  ];
}

function describeJqError(error: unknown, expression: string, version: string): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  if (!version.startsWith("1.6")) return text;
  const missing = /(\w+\/\d+) is not defined/.exec(text)?.[1];
  if (missing && NEWER_JQ_BUILTINS.has(missing)) return `${text} (this jq is ${version}; ${missing} needs a newer jq, like the one Ocean uses)`;
  if (text.includes("syntax error") && /\bif\b/.test(expression) && !/\belse\b/.test(expression)) {
    return `${text} (this jq is ${version}, where every if needs an else; jq 1.7 allows leaving it out)`;
  }
  return text;
}

async function compiles(jq: JqRunner, code: string): Promise<unknown> {
  try {
    await jq.runText(neverRun(code), "null");
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Compile-checks every expression of every resource before any HTTP request; throws ConfigError naming resource, field, expression and jq's error.
 * All resources are checked in one jq process; only when that fails is each resource's program
 * compiled on its own, and only in a resource whose program fails is each expression compiled on
 * its own, to name every broken one. A typo in one resource thus costs a process per resource plus
 * one per expression of that resource, not one per expression of the mapping.
 */
export async function checkMappingCompiles(jq: JqRunner, resources: readonly ResourceMapping[]): Promise<void> {
  if (resources.length === 0) return;
  const programs = resources.map((resource) => buildMappingProgram(resource).text);
  if ((await compiles(jq, programs.map(neverRun).join(",\n"))) === undefined) return;

  const issues: string[] = [];
  for (const [index, resource] of resources.entries()) {
    const whole = await compiles(jq, programs[index] as string);
    if (whole === undefined) continue;
    const where = `resources[${resource.index}] (${resource.kind})`;
    let broken = 0;
    for (const field of listExpressions(resource)) {
      const error = await compiles(jq, rewriteSingleQuotes(field.expression));
      if (error === undefined) continue;
      broken += 1;
      issues.push(`${where} ${field.path}: jq cannot compile ${JSON.stringify(field.expression)}: ${describeJqError(error, field.expression, jq.version)}`);
    }
    if (broken === 0) issues.push(`${where}: its expressions do not compile together: ${describeJqError(whole, "", jq.version)}`);
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
