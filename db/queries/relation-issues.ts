import { sql } from "kysely";
import type { StagingDb } from "../database";
import { isPushable } from "./pushable";
import { isInPort } from "./port-snapshot";

/** Which blueprint a relation of a blueprint points at. */
export interface RelationTarget {
  readonly blueprint: string;
  readonly relation: string;
  readonly target: string;
}

/** Deletes the relation issues of `kinds` (before their relations are checked again). */
export async function deleteRelationIssuesOfKinds(db: StagingDb, kinds: readonly string[]): Promise<void> {
  if (kinds.length === 0) return;
  await db.deleteFrom("relation_issues").where("kind", "in", kinds).execute();
}

/**
 * Records, as run `runId`'s relation issues, every relation value of the staged entities of `kinds`
 * whose target is neither staged as a pushable entity (not held back) nor confirmed in port_snapshot. Only
 * relations listed in `targets` are checked; with `onlyPushable`, entities already held back are
 * skipped. Returns how many issues it recorded.
 */
export async function recordDanglingRelations(
  db: StagingDb,
  runId: number,
  kinds: readonly string[],
  targets: readonly RelationTarget[],
  onlyPushable: boolean,
): Promise<number> {
  if (kinds.length === 0 || targets.length === 0) return 0;
  const definitions = sql.join(targets.map((t) => sql`(${t.blueprint}, ${t.relation}, ${t.target})`));
  // A relation value is one identifier or an array of them; wrapping a single value in an array lets
  // one json_each read both shapes. Nulls and non-strings are skipped (validation handles the latter).
  const result = await sql`
    WITH definition(blueprint, relation, target) AS (VALUES ${definitions})
    INSERT INTO relation_issues (run_id, kind, blueprint, identifier, relation, target_blueprint, target_identifier)
    SELECT DISTINCT ${runId}, s.kind, s.blueprint, s.identifier, r.key, d.target, v.value
    FROM staged_entities s
    JOIN json_each(s.entity_json, '$.relations') r
    JOIN definition d ON d.blueprint = s.blueprint AND d.relation = r.key
    JOIN json_each(CASE WHEN r.type = 'array' THEN r.value ELSE json_array(r.value) END) v
    WHERE s.kind IN (${sql.join(kinds)})
      AND s.blueprint IN (SELECT blueprint FROM definition)
      AND v.type = 'text'
      AND (${onlyPushable ? 1 : 0} = 0 OR ${isPushable("s")})
      AND NOT EXISTS (
        SELECT 1 FROM staged_entities t
        WHERE t.blueprint = d.target AND t.identifier = v.value AND ${isPushable("t")})
      AND NOT EXISTS (
        SELECT 1 FROM port_snapshot p
        WHERE p.blueprint = d.target AND p.identifier = v.value AND ${isInPort("p")})
    ORDER BY s.kind, s.blueprint, s.identifier, r.key, v.value`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * The relations among `referenced` that point at an identifier neither staged as a pushable entity
 * nor confirmed in port_snapshot, and those whose values were too many to list: the ones
 * recordDanglingRelations must read the staged entities of.
 */
export async function listRelationsWithMissingTargets(
  db: StagingDb,
  referenced: readonly { readonly definition: RelationTarget; readonly values: readonly string[] | undefined }[],
): Promise<RelationTarget[]> {
  const suspects: RelationTarget[] = [];
  for (const { definition, values } of referenced) {
    if (values?.length === 0) continue;
    if (values === undefined) {
      suspects.push(definition);
      continue;
    }
    const missing = await sql<{ found: number }>`
      SELECT 1 AS found FROM json_each(${JSON.stringify(values)}) v
      WHERE NOT EXISTS (
          SELECT 1 FROM staged_entities t
          WHERE t.blueprint = ${definition.target} AND t.identifier = v.value AND ${isPushable("t")})
        AND NOT EXISTS (
          SELECT 1 FROM port_snapshot p
          WHERE p.blueprint = ${definition.target} AND p.identifier = v.value AND ${isInPort("p")})
      LIMIT 1`.execute(db);
    if (missing.rows.length > 0) suspects.push(definition);
  }
  return suspects;
}

/** The relations (blueprint and relation name) of the entities of `kinds` that have relation issues. */
export async function listRelationsWithIssues(db: StagingDb, kinds: readonly string[]): Promise<{ blueprint: string; relation: string }[]> {
  if (kinds.length === 0) return [];
  return db.selectFrom("relation_issues").select(["blueprint", "relation"]).distinct().where("kind", "in", kinds).execute();
}
