import type { Blueprint, BlueprintProperty, BlueprintRelation } from "../model/blueprint";
import type { DiscoverKindSummary, DiscoveredRelation, SkippedField } from "../model/discovery";
import { isDeprecatedField } from "./deprecated-fields";
import type { RelationCandidate } from "./infer-relation";
import { inferProperty, isSecretLooking } from "./infer-property";
import { toCamelCase, toPascalCase, toTitle } from "./names";
import { readSingleType, type ValueStats } from "./value-stats";

const TITLE_FIELDS = ["name", "title", "summary"] as const;

/** The `port.entity.mappings` of a proposed resource. */
export interface ProposedMappings {
  readonly identifier: string;
  readonly title: string;
  /** A jq string literal: `"incidentioUser"`. */
  readonly blueprint: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly relations: Readonly<Record<string, string>>;
}

/** What was learnt about one kind: its sampled fields and the relations chosen for some of them. */
export interface KindEvidence {
  readonly kind: string;
  readonly name: string;
  readonly blueprint: string;
  /** The configured blueprint of that identifier, whose title, icon and description are kept. */
  readonly existing: Blueprint | undefined;
  readonly records: number;
  readonly sampled: number;
  readonly fields: ReadonlyMap<string, ValueStats>;
  /** By field: the candidate and the blueprint it relates to. */
  readonly relations: ReadonlyMap<string, { readonly candidate: RelationCandidate; readonly target: string }>;
}

export interface KindProposal {
  readonly blueprint: Blueprint;
  readonly mappings: ProposedMappings;
  readonly summary: DiscoverKindSummary;
}

/** `"incidentioUser"` (or `'incidentioUser'`) → `incidentioUser`; undefined for a blueprint computed per record. */
export function readLiteralBlueprint(expression: string): string | undefined {
  const m = /^"([^"\\]+)"$/.exec(expression.trim()) ?? /^'([^'\\]+)'$/.exec(expression.trim());
  return m?.[1];
}

/**
 * Picks each kind's blueprint identifier, in order: the literal blueprint its mapping names, else
 * `incidentio` + the PascalCase kind name; an identifier an earlier kind took falls back to the
 * generated one, then to a numbered one, so no two kinds share a blueprint.
 */
export function assignBlueprintIdentifiers(kinds: readonly { readonly kind: string; readonly name: string; readonly literal: string | undefined }[]): Map<string, string> {
  const taken = new Set<string>();
  const assigned = new Map<string, string>();
  for (const { kind, name, literal } of kinds) {
    const generated = `incidentio${toPascalCase(name)}`;
    // At most kinds.length identifiers are taken, so one of these kinds.length + 1 is always free.
    const candidates = [literal, generated, ...Array.from({ length: kinds.length }, (_, n) => `${generated}${n + 2}`)];
    const chosen = candidates.find((candidate) => candidate !== undefined && !taken.has(candidate)) as string;
    taken.add(chosen);
    assigned.set(kind, chosen);
  }
  return assigned;
}

/** The field the entity title comes from: `name`, `title` or `summary`, the first that holds only strings. */
export function pickTitleField(fields: ReadonlyMap<string, ValueStats>): string | undefined {
  return TITLE_FIELDS.find((field) => fields.get(field)?.count && readSingleType(fields.get(field)) === "string");
}

function describeKind(evidence: KindEvidence): string {
  return `Records of ${evidence.kind} in Incident.io (proposed by etl discover from ${evidence.sampled} of ${evidence.records} records)`;
}

/**
 * Turns what was learnt about a kind into a blueprint, its mapping and a summary: identifier `.id`,
 * title from the title field (else `.id`), a relation for each chosen candidate (the first of a
 * name wins), and a property for every other field that is not secret-looking, deprecated in
 * Incident.io's API, injected (`__x`), huge, mixed or always null. Names are camelCase; each skipped field is listed with its reason.
 */
export function proposeKind(evidence: KindEvidence): KindProposal {
  const titleField = pickTitleField(evidence.fields);
  const properties: Record<string, BlueprintProperty> = {};
  const propertyExpressions: Record<string, string> = {};
  const relations: Record<string, BlueprintRelation> = {};
  const relationExpressions: Record<string, string> = {};
  const discovered: DiscoveredRelation[] = [];
  const skipped: SkippedField[] = [];
  const propertySources = new Map<string, string>();
  for (const [field, stats] of evidence.fields) {
    if (field === "id" || field === titleField) continue;
    if (isSecretLooking(field)) {
      skipped.push({ field, reason: "looks like a secret" });
      continue;
    }
    if (isDeprecatedField(evidence.kind, field)) {
      skipped.push({ field, reason: "deprecated in Incident.io's API" });
      continue;
    }
    if (field.includes("'")) {
      skipped.push({ field, reason: "its name holds a single quote, which Ocean's quote rewriting would change in jq" });
      continue;
    }
    const relation = evidence.relations.get(field);
    if (relation !== undefined) {
      const { candidate, target } = relation;
      const other = discovered.find((known) => known.name === candidate.name);
      if (other !== undefined) {
        // An injected parent value (`__catalog_type_id`) usually repeats a field of the record itself.
        if (!field.startsWith("__")) skipped.push({ field, reason: `relation "${candidate.name}" already comes from ${other.field}` });
        continue;
      }
      relations[candidate.name] = { title: toTitle(candidate.name), target, required: false, many: candidate.many };
      relationExpressions[candidate.name] = candidate.expression;
      discovered.push({ name: candidate.name, field, target, many: candidate.many });
      continue;
    }
    if (field.startsWith("__")) continue;
    const inferred = inferProperty(field, stats);
    if ("skipped" in inferred) {
      skipped.push({ field, reason: inferred.skipped });
      continue;
    }
    const name = toCamelCase(field);
    const source = propertySources.get(name);
    if (name === "" || source !== undefined) {
      skipped.push({ field, reason: name === "" ? "its name has no letters or digits to name a property after" : `property "${name}" already comes from ${source}` });
      continue;
    }
    const { type, ...rest } = inferred.schema;
    properties[name] = { type, title: toTitle(field), ...rest };
    propertyExpressions[name] = inferred.expression;
    propertySources.set(name, field);
  }
  const identifier = readSingleType(evidence.fields.get("id")) === "number" ? ".id | tostring" : ".id";
  const { existing } = evidence;
  const blueprint: Blueprint = {
    identifier: evidence.blueprint,
    title: existing?.title ?? `Incident.io ${toTitle(evidence.name)}`,
    ...(existing?.icon === undefined ? {} : { icon: existing.icon }),
    description: existing?.description ?? describeKind(evidence),
    schema: { properties, required: [] },
    relations,
  };
  return {
    blueprint,
    mappings: {
      identifier,
      title: titleField === undefined ? identifier : `.${titleField}`,
      blueprint: JSON.stringify(evidence.blueprint),
      properties: propertyExpressions,
      relations: relationExpressions,
    },
    summary: {
      kind: evidence.kind,
      name: evidence.name,
      blueprint: evidence.blueprint,
      records: evidence.records,
      sampled: evidence.sampled,
      properties: Object.keys(properties).length,
      relations: discovered,
      skipped,
    },
  };
}
