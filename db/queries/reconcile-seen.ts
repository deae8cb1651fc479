import { sql } from "kysely";
import type { StagingDb } from "../database";

// The identifiers a reconcile has read from Port for one blueprint, kept in a temporary table of the
// connection rather than in memory: Port may hold hundreds of thousands of them. Gone when the
// connection closes.

/** Starts an empty list of seen identifiers on this connection, replacing any earlier one. */
export async function startSeenIdentifiers(db: StagingDb): Promise<void> {
  await sql`DROP TABLE IF EXISTS temp.reconcile_seen`.execute(db);
  await sql`CREATE TEMP TABLE reconcile_seen (identifier TEXT PRIMARY KEY) WITHOUT ROWID`.execute(db);
}

/** Adds identifiers to the list started by startSeenIdentifiers (each is kept once). */
export async function addSeenIdentifiers(db: StagingDb, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  const rows = sql.join(identifiers.map((identifier) => sql`(${identifier})`));
  await sql`INSERT OR IGNORE INTO temp.reconcile_seen (identifier) VALUES ${rows}`.execute(db);
}

/** How many distinct identifiers the list holds. */
export async function countSeenIdentifiers(db: StagingDb): Promise<number> {
  const result = await sql<{ seen: number }>`SELECT COUNT(*) AS seen FROM temp.reconcile_seen`.execute(db);
  return result.rows[0]?.seen ?? 0;
}

/** Drops the list of seen identifiers, if there is one. */
export async function dropSeenIdentifiers(db: StagingDb): Promise<void> {
  await sql`DROP TABLE IF EXISTS temp.reconcile_seen`.execute(db);
}
