import type { StagingDb } from "../../db/database";
import { listKnownRecordIds, readRawPayloads, type RawPayloadPosition } from "../../db/queries/discover-inputs";
import { countRawRecordsByKind } from "../../db/queries/raw-records";
import type { Blueprint } from "../model/blueprint";
import type { DiscoverKindSummary } from "../model/discovery";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
import { chooseRelationTarget, findRelationCandidate, type RelationCandidate, type RelationMatch } from "./infer-relation";
import { isSecretLooking } from "./infer-property";
import { assignBlueprintIdentifiers, proposeKind, readLiteralBlueprint } from "./propose";
import { renderMappingYaml, type ProposedResource } from "./render-mapping";
import { observeRecord, type ValueStats } from "./value-stats";

/** Records read per kind: enough to see every shape, bounded in time and memory. */
const SAMPLE_SIZE = 1000;
const PAGE_SIZE = 250;

export interface DiscoverDeps {
  readonly db: StagingDb;
}

export interface DiscoverInput {
  /** The resources to propose blueprints and mappings for (narrowed by --only); one proposal per kind. */
  readonly resources: readonly ResourceMapping[];
  /** The whole mapping: its top-level flags, and every kind as a possible relation target. */
  readonly mapping: PortAppConfig;
  /** The configured blueprints: a reused identifier keeps its title, icon and description. */
  readonly blueprints: readonly Blueprint[];
}

export interface DiscoverResult {
  /** One blueprint per kind that has raw records, in mapping order. */
  readonly blueprints: readonly Blueprint[];
  /** The proposed `port-app-config.yml`. */
  readonly mappingYaml: string;
  readonly kinds: readonly DiscoverKindSummary[];
}

interface RelationTarget {
  readonly kind: string;
  readonly blueprint: string;
}

function parseRecord(payload: string): Record<string, unknown> | undefined {
  const value = JSON.parse(payload) as unknown;
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads up to `limit` records of a kind, a page at a time, into per-field stats. */
async function sampleKind(db: StagingDb, kind: string, limit: number): Promise<{ fields: Map<string, ValueStats>; sampled: number }> {
  const fields = new Map<string, ValueStats>();
  let sampled = 0;
  let after: RawPayloadPosition | undefined;
  // Each pass reads at least one record or ends, so this runs at most limit / PAGE_SIZE + 1 times.
  while (sampled < limit) {
    const rows = await readRawPayloads(db, kind, after, Math.min(PAGE_SIZE, limit - sampled));
    const last = rows.at(-1);
    if (last === undefined) break;
    for (const row of rows) {
      const record = parseRecord(row.payload);
      if (record !== undefined) observeRecord(fields, record);
    }
    sampled += rows.length;
    after = last;
  }
  return { fields, sampled };
}

/** The relations of a kind's fields: each candidate matched against the record ids of every target kind. */
async function matchRelations(
  db: StagingDb,
  fields: ReadonlyMap<string, ValueStats>,
  targets: readonly RelationTarget[],
): Promise<Map<string, { candidate: RelationCandidate; target: string }>> {
  const relations = new Map<string, { candidate: RelationCandidate; target: string }>();
  for (const [field, stats] of fields) {
    const candidate = isSecretLooking(field) ? undefined : findRelationCandidate(field, stats);
    if (candidate === undefined) continue;
    const matches: RelationMatch[] = [];
    for (const target of targets) {
      const known = await listKnownRecordIds(db, target.kind, candidate.values);
      matches.push({ ...target, matched: known.size });
    }
    const chosen = chooseRelationTarget(candidate.values.length, matches);
    if (chosen !== undefined) relations.set(field, { candidate, target: chosen.blueprint });
  }
  return relations;
}

/**
 * `etl discover`: samples the raw records of each selected kind (the first 1,000 in key order,
 * read a page at a time) and proposes a blueprint per kind (property types, formats, enums,
 * relations to kinds whose record ids a field holds) and the matching `port-app-config.yml`, with
 * each resource's selector as configured. Reads raw_records only; writes nothing. Kinds without raw
 * records are summarised but get no proposal.
 */
export async function discover(deps: DiscoverDeps, input: DiscoverInput): Promise<DiscoverResult> {
  const { db } = deps;
  const firstOfKind = new Map<string, ResourceMapping>();
  for (const resource of input.mapping.resources) if (!firstOfKind.has(resource.kind)) firstOfKind.set(resource.kind, resource);
  const selected = new Map<string, ResourceMapping>();
  for (const resource of input.resources) if (!selected.has(resource.kind)) selected.set(resource.kind, resource);
  const allKinds = new Map([...firstOfKind, ...selected]);

  const literals = new Map([...allKinds.values()].map((resource) => [resource.kind, readLiteralBlueprint(resource.mappings.blueprint)]));
  const identifiers = assignBlueprintIdentifiers([...allKinds.values()].map((r) => ({ kind: r.kind, name: r.name, literal: literals.get(r.kind) })));
  const counts = await countRawRecordsByKind(db);
  // A kind left out by --only is a target only under the blueprint its mapping names, which Port already has.
  const targets = [...allKinds.keys()]
    .filter((kind) => (counts.get(kind) ?? 0) > 0 && (selected.has(kind) || identifiers.get(kind) === literals.get(kind)))
    .map((kind) => ({ kind, blueprint: identifiers.get(kind) as string }));
  const existing = new Map(input.blueprints.map((blueprint) => [blueprint.identifier, blueprint]));

  const blueprints: Blueprint[] = [];
  const proposed: ProposedResource[] = [];
  const kinds: DiscoverKindSummary[] = [];
  for (const resource of selected.values()) {
    const records = counts.get(resource.kind) ?? 0;
    if (records === 0) {
      kinds.push({ kind: resource.kind, name: resource.name, blueprint: undefined, records, sampled: 0, properties: 0, relations: [], skipped: [] });
      continue;
    }
    const blueprint = identifiers.get(resource.kind) as string;
    const { fields, sampled } = await sampleKind(db, resource.kind, SAMPLE_SIZE);
    const relations = await matchRelations(db, fields, targets);
    const proposal = proposeKind({ kind: resource.kind, name: resource.name, blueprint, existing: existing.get(blueprint), records, sampled, fields, relations });
    blueprints.push(proposal.blueprint);
    proposed.push({ resource, mappings: proposal.mappings });
    kinds.push(proposal.summary);
  }
  return { blueprints, mappingYaml: renderMappingYaml(input.mapping, proposed), kinds };
}
