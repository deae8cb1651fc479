import type { StagingDb } from "../database";

/**
 * The hash of a snapshot row written just before a create is sent: Port may hold the entity
 * (it answered, and the process died before recording it) or may not. It never equals a staged
 * hash, so the next run re-sends the entity if it is still staged and deletes it if not.
 */
export const PENDING_HASH = "pending";

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

/**
 * Writes (inserts or replaces) snapshot rows of one blueprint. With `keepExisting`, rows already
 * present are left as they are (used to mark creates pending without touching a confirmed row).
 * A row written from a staged entity (its hash is the staged one's, or pending) records the entity's
 * source record (kind and record id, from staged_entities), which keeps the entity in Port while that
 * record cannot be mapped; any other row keeps the source it had (none when new).
 */
export async function writeSnapshotRows(
  db: StagingDb,
  blueprint: string,
  rows: readonly SnapshotRow[],
  stamp: { runId: number; at: string; keepExisting?: boolean },
): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => ({
    blueprint,
    identifier: row.identifier,
    hash: row.hash,
    entity_json: row.entityJson,
    run_id: stamp.runId,
    pushed_at: stamp.at,
  }));
  await db
    .insertInto("port_snapshot")
    .values(values)
    .onConflict((conflict) =>
      stamp.keepExisting
        ? conflict.columns(["blueprint", "identifier"]).doNothing()
        : conflict.columns(["blueprint", "identifier"]).doUpdateSet((eb) => ({
            hash: eb.ref("excluded.hash"),
            entity_json: eb.ref("excluded.entity_json"),
            run_id: eb.ref("excluded.run_id"),
            pushed_at: eb.ref("excluded.pushed_at"),
          })),
    )
    .execute();
  await recordSnapshotSources(db, blueprint, rows.map((row) => row.identifier));
}

/** Sets the source of the snapshot rows of `identifiers` that hold their staged entity (or are pending) to that entity's record. */
async function recordSnapshotSources(db: StagingDb, blueprint: string, identifiers: readonly string[]): Promise<void> {
  await db
    .updateTable("port_snapshot")
    .from("staged_entities as s")
    .set((eb) => ({ source_kind: eb.ref("s.kind"), source_record_id: eb.ref("s.record_id") }))
    .whereRef("s.blueprint", "=", "port_snapshot.blueprint")
    .whereRef("s.identifier", "=", "port_snapshot.identifier")
    .where((eb) => eb.or([eb("port_snapshot.hash", "=", eb.ref("s.hash")), eb("port_snapshot.hash", "=", PENDING_HASH)]))
    .where("port_snapshot.blueprint", "=", blueprint)
    .where("port_snapshot.identifier", "in", identifiers)
    .execute();
}

/** Removes snapshot rows of one blueprint; with `onlyPending`, only rows still marked pending. */
export async function removeSnapshotRows(db: StagingDb, blueprint: string, identifiers: readonly string[], onlyPending = false): Promise<void> {
  if (identifiers.length === 0) return;
  let query = db.deleteFrom("port_snapshot").where("blueprint", "=", blueprint).where("identifier", "in", identifiers);
  if (onlyPending) query = query.where("hash", "=", PENDING_HASH);
  await query.execute();
}
