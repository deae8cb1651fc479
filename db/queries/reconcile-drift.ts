import { sql } from "kysely";
import type { StagingDb } from "../database";
import { holdsStaged } from "./port-snapshot";
import { isPushable } from "./pushable";

// Drift is what a reconcile finds Port lost or changed among the entities the snapshot said Port held
// as staged (unchanged to the diff). Their keys are noted in a temporary table of the connection
// before the reconcile and counted after it, so the count never holds a catalog in memory.

/** Notes the pushable staged entities of `blueprints` and `kinds` that the snapshot holds as staged, replacing any earlier note. */
export async function noteUnchangedEntities(db: StagingDb, blueprints: readonly string[], kinds: readonly string[]): Promise<void> {
  await sql`DROP TABLE IF EXISTS temp.reconcile_unchanged`.execute(db);
  await sql`CREATE TEMP TABLE reconcile_unchanged (blueprint TEXT NOT NULL, identifier TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (blueprint, identifier)) WITHOUT ROWID`.execute(db);
  if (blueprints.length === 0 || kinds.length === 0) return;
  await sql`
    INSERT INTO temp.reconcile_unchanged (blueprint, identifier, hash)
    SELECT s.blueprint, s.identifier, s.hash FROM staged_entities s
    JOIN port_snapshot p ON p.blueprint = s.blueprint AND p.identifier = s.identifier AND ${holdsStaged("p", "s")}
    WHERE ${isPushable("s")} AND s.blueprint IN (${sql.join(blueprints)}) AND s.kind IN (${sql.join(kinds)})`.execute(db);
}

/** Per blueprint, the noted entities the snapshot no longer holds as staged (Port lost them, or holds them otherwise). */
export async function countDriftedEntities(db: StagingDb): Promise<Map<string, number>> {
  const result = await sql<{ blueprint: string; drifted: number }>`
    SELECT u.blueprint, COUNT(*) AS drifted FROM temp.reconcile_unchanged u
    LEFT JOIN port_snapshot p ON p.blueprint = u.blueprint AND p.identifier = u.identifier
    WHERE p.identifier IS NULL OR NOT ${holdsStaged("p", "u")}
    GROUP BY u.blueprint`.execute(db);
  return new Map(result.rows.map((row) => [row.blueprint, Number(row.drifted)]));
}

/** Drops the note, if there is one. */
export async function dropUnchangedEntities(db: StagingDb): Promise<void> {
  await sql`DROP TABLE IF EXISTS temp.reconcile_unchanged`.execute(db);
}
