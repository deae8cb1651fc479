import type { StagingDb } from "../database";

// Reads of port_snapshot; every write goes through snapshot-ledger.ts.

export interface SnapshotRow {
  readonly identifier: string;
  readonly entityJson: string;
  readonly hash: string;
}

/** The snapshot's keys and hashes for `blueprints`. */
export async function listSnapshotKeys(
  db: StagingDb,
  blueprints: readonly string[],
): Promise<{ blueprint: string; identifier: string; hash: string }[]> {
  if (blueprints.length === 0) return [];
  return db.selectFrom("port_snapshot").select(["blueprint", "identifier", "hash"]).where("blueprint", "in", blueprints).execute();
}

/** The snapshot's entity JSON of some identifiers of one blueprint, by identifier (absent ones are left out). */
export async function readSnapshotEntities(db: StagingDb, blueprint: string, identifiers: readonly string[]): Promise<Map<string, SnapshotRow>> {
  if (identifiers.length === 0) return new Map();
  const rows = await db
    .selectFrom("port_snapshot")
    .select(["identifier", "entity_json", "hash"])
    .where("blueprint", "=", blueprint)
    .where("identifier", "in", identifiers)
    .execute();
  return new Map(rows.map((row) => [row.identifier, { identifier: row.identifier, entityJson: row.entity_json, hash: row.hash }]));
}
