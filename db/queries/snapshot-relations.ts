import { sql } from "kysely";
import type { StagingDb } from "../database";

// Who points at whom among the entities of port_snapshot, kept in a temporary table of the load's
// connection: SQLite holds it (in a temporary file), so finding the dependents Port deletes along
// with ours costs no memory proportional to the catalog. Gone when the connection closes.

/** A relation a blueprint defines: its entities name entities of `target` under `relations.<name>`. */
export interface RelationDefinition {
  readonly blueprint: string;
  readonly name: string;
  readonly target: string;
}

/** An entity of the snapshot. */
export interface EntityRef {
  readonly blueprint: string;
  readonly identifier: string;
}

/**
 * (Re)builds the temporary index of the snapshot's relations: one row per identifier each snapshot
 * entity names under a relation of `relations`, single or many (strings only; nulls, numbers and
 * objects name nothing). Replaces any index built before on this connection.
 */
export async function indexSnapshotRelations(db: StagingDb, relations: readonly RelationDefinition[]): Promise<void> {
  await sql`DROP TABLE IF EXISTS temp.snapshot_relations`.execute(db);
  await sql`CREATE TEMP TABLE snapshot_relations (target_blueprint TEXT NOT NULL, target_identifier TEXT NOT NULL, blueprint TEXT NOT NULL, identifier TEXT NOT NULL)`.execute(
    db,
  );
  for (const relation of relations) {
    // A quoted label, so relation names with dots or dashes stay one path step.
    const path = `$.relations.${JSON.stringify(relation.name)}`;
    await sql`INSERT INTO temp.snapshot_relations (target_blueprint, target_identifier, blueprint, identifier)
      SELECT ${relation.target}, named.value, p.blueprint, p.identifier
      FROM port_snapshot AS p, json_each(p.entity_json, ${path}) AS named
      WHERE p.blueprint = ${relation.blueprint} AND json_type(p.entity_json, ${path}) IN ('text', 'array') AND named.type = 'text'`.execute(db);
  }
  // Built after the rows are in: one sort instead of a b-tree insert per row.
  await sql`CREATE INDEX temp.snapshot_relations_target ON snapshot_relations (target_blueprint, target_identifier)`.execute(db);
}

/**
 * The snapshot entities that name any of `identifiers` of `blueprint` through the indexed relations,
 * and the entities naming those, transitively: each once, roots included only when a cycle leads
 * back to them. Reads the index built by indexSnapshotRelations (throws when there is none).
 */
export async function listDependents(db: StagingDb, blueprint: string, identifiers: readonly string[]): Promise<EntityRef[]> {
  if (identifiers.length === 0) return [];
  const roots = sql.join(identifiers);
  // UNION (not UNION ALL) drops rows already found, which also ends the walk on a cycle.
  const result = await sql<EntityRef>`WITH RECURSIVE dependents (blueprint, identifier) AS (
      SELECT r.blueprint, r.identifier FROM temp.snapshot_relations AS r
      WHERE r.target_blueprint = ${blueprint} AND r.target_identifier IN (${roots})
      UNION
      SELECT r.blueprint, r.identifier FROM temp.snapshot_relations AS r
      JOIN dependents AS d ON r.target_blueprint = d.blueprint AND r.target_identifier = d.identifier
    )
    SELECT blueprint, identifier FROM dependents`.execute(db);
  return result.rows;
}

/** Drops the temporary index of the snapshot's relations, if there is one. */
export async function dropSnapshotRelations(db: StagingDb): Promise<void> {
  await sql`DROP TABLE IF EXISTS temp.snapshot_relations`.execute(db);
}
