import { hashCanonicalJson, toCanonicalJson } from "../canonical-json";
import type { Blueprint } from "../model/blueprint";
import type { MappingProgram } from "./program";

// Raise this when the transform's code maps or validates the same record differently, so that staging
// files made by an earlier release map every record again once instead of keeping outcomes the new
// code would not give.
const MAPPING_RULES = 1;

/**
 * The blueprints a kind's entities are validated against: the one each program's blueprint
 * expression names when it is a constant, and every blueprint when one is computed from the record.
 */
function listValidatingBlueprints(programs: readonly MappingProgram[], blueprints: readonly Blueprint[]): readonly Blueprint[] {
  const named = new Set<string>();
  for (const program of programs) {
    const field = program.fields.find((candidate) => candidate.target.section === "blueprint");
    if (field?.evaluation.kind !== "constant") return blueprints;
    if (typeof field.evaluation.value === "string") named.add(field.evaluation.value);
  }
  return blueprints.filter((blueprint) => named.has(blueprint.identifier));
}

/**
 * The hash of everything that decides what a kind's record maps to, besides the record: the kind's
 * programs (every expression as written, which mapping_errors quote), the blueprints its entities are
 * validated against, jq's version and the transform's own rules. Equal hashes and an equal payload
 * give an equal outcome, so the record need not be mapped again. Relations are checked against
 * other kinds and Port, so they are not part of it: they are checked again every transform.
 */
export function hashKindMapping(programs: readonly MappingProgram[], blueprints: readonly Blueprint[], jqVersion: string): string {
  return hashCanonicalJson(toCanonicalJson({ rules: MAPPING_RULES, jq: jqVersion, programs, blueprints: listValidatingBlueprints(programs, blueprints) }));
}
