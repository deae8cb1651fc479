import { z } from "zod";
import type { Blueprint } from "../model/blueprint";
import { formatZodIssues } from "./zod-issues";

const PropertyBlock = z.looseObject({
  type: z.enum(["string", "number", "boolean", "object", "array"], {
    error: "must be one of string, number, boolean, object, array",
  }),
  title: z.string().optional(),
  format: z.string().optional(),
  enum: z.array(z.unknown()).optional(),
  items: z.looseObject({ type: z.string().optional(), format: z.string().optional() }).optional(),
});

const BlueprintBlock = z.looseObject({
  identifier: z.string().regex(/^[A-Za-z0-9@_=\-]+$/, "must be a Port blueprint identifier (letters, digits, @_=-)"),
  title: z.string().min(1),
  icon: z.string().optional(),
  description: z.string().optional(),
  schema: z.looseObject({
    properties: z.record(z.string(), PropertyBlock).default({}),
    required: z.array(z.string()).default([]),
  }),
  relations: z
    .record(
      z.string(),
      z.looseObject({
        title: z.string().optional(),
        target: z.string().min(1),
        required: z.boolean().default(false),
        many: z.boolean().default(false),
      }),
    )
    .default({}),
  mirrorProperties: z.record(z.string(), z.unknown()).optional(),
  calculationProperties: z.record(z.string(), z.unknown()).optional(),
  aggregationProperties: z.record(z.string(), z.unknown()).optional(),
});

export interface ParsedBlueprints {
  readonly blueprints: readonly Blueprint[];
  readonly issues: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Parses a blueprints file: a JSON array of Port blueprint definitions. Never throws; returns every
 * problem found, prefixed with `label`.
 */
export function parseBlueprints(text: string, label: string): ParsedBlueprints {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { blueprints: [], issues: [`${label}: invalid JSON: ${(error as Error).message}`], warnings: [] };
  }
  const parsed = z.array(BlueprintBlock).safeParse(json);
  if (!parsed.success) return { blueprints: [], issues: formatZodIssues(label, parsed.error), warnings: [] };

  const blueprints = parsed.data as unknown as Blueprint[];
  const issues: string[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const [i, blueprint] of blueprints.entries()) {
    if (seen.has(blueprint.identifier)) issues.push(`${label}: [${i}].identifier: "${blueprint.identifier}" is defined twice`);
    seen.add(blueprint.identifier);
    for (const required of blueprint.schema.required) {
      if (!(required in blueprint.schema.properties)) {
        issues.push(`${label}: [${i}].schema.required: "${required}" is not a property of ${blueprint.identifier}`);
      }
    }
  }
  for (const blueprint of blueprints) {
    for (const [name, relation] of Object.entries(blueprint.relations)) {
      // Port's built-in blueprints (_user, _team) exist in every organization.
      if (!seen.has(relation.target) && !relation.target.startsWith("_")) {
        warnings.push(
          `${label}: ${blueprint.identifier}.relations.${name}: target "${relation.target}" is not in this file; it must already exist in Port`,
        );
      }
    }
  }
  return { blueprints: issues.length > 0 ? [] : blueprints, issues, warnings };
}
