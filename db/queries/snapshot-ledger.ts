import { sql } from "kysely";
import type { StagingDb } from "../database";
import { holdsStaged, type SnapshotRow } from "./port-snapshot";

// The only writer of port_snapshot: what Port is known to hold changes here and nowhere else, so the
// rules of a row's state (db/schema.ts SNAPSHOT_STATES) are kept in one place.

/** When and by which run a snapshot row was written. */
export interface SnapshotStamp {
  readonly runId: number;
  readonly at: string;
}

/**
 * Marks creates pending just before they are sent: a row is written for each identifier that has
 * none (a confirmed row is left as it is), with its staged entity's source record.
 */
export async function markSnapshotPending(db: StagingDb, blueprint: string, rows: readonly { identifier: string; entityJson: string }[], stamp: SnapshotStamp): Promise<void> {
  await writeSnapshotRows(
    db,
    blueprint,
    rows.map((row) => ({ ...row, state: "pending" as const, hash: null })),
    { ...stamp, keepExisting: true },
  );
}

/** Records entities Port confirmed, as pushed (their staged JSON and hash), replacing what the rows said before. */
export async function confirmSnapshotRows(db: StagingDb, blueprint: string, rows: readonly { identifier: string; entityJson: string; hash: string }[], stamp: SnapshotStamp): Promise<void> {
  await writeSnapshotRows(
    db,
    blueprint,
    rows.map((row) => ({ ...row, state: "confirmed" as const })),
    stamp,
  );
}

/**
 * Writes (inserts or replaces) snapshot rows of one blueprint: reconcile's record of what Port holds,
 * and the primitive of the writes above. With `keepExisting`, rows already present are left as they
 * are. A row written from a staged entity (confirmed with the staged hash, or pending) records the
 * entity's source record (kind and record id, from staged_entities), which keeps the entity in Port
 * while that record cannot be mapped; any other row keeps the source it had (none when new).
 */
export async function writeSnapshotRows(db: StagingDb, blueprint: string, rows: readonly SnapshotRow[], stamp: SnapshotStamp & { keepExisting?: boolean }): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => ({
    blueprint,
    identifier: row.identifier,
    state: row.state,
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
            state: eb.ref("excluded.state"),
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
    .where((eb) => eb.or([holdsStaged("port_snapshot", "s"), eb("port_snapshot.state", "=", "pending")]))
    .where("port_snapshot.blueprint", "=", blueprint)
    .where("port_snapshot.identifier", "in", identifiers)
    .execute();
}

/** Forgets snapshot rows of one blueprint: Port confirmed their delete, or deleted them along with another. */
export async function forgetSnapshotRows(db: StagingDb, blueprint: string, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  await db.deleteFrom("port_snapshot").where("blueprint", "=", blueprint).where("identifier", "in", identifiers).execute();
}

/** Forgets the rows of `identifiers` still marked pending: creates Port refused, so it does not hold them. */
export async function forgetPendingSnapshotRows(db: StagingDb, blueprint: string, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  await db.deleteFrom("port_snapshot").where("blueprint", "=", blueprint).where("identifier", "in", identifiers).where("state", "=", "pending").execute();
}

/** Forgets the rows of `blueprint` whose identifier is not in reconcile's list of seen ones (temp.reconcile_seen); returns how many. */
export async function forgetUnseenSnapshotRows(db: StagingDb, blueprint: string): Promise<number> {
  const result = await sql`DELETE FROM port_snapshot WHERE blueprint = ${blueprint} AND identifier NOT IN (SELECT identifier FROM temp.reconcile_seen)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Forgets every row: the snapshot described another Port (the file is adopted for a new one). */
export async function forgetWholeSnapshot(db: StagingDb): Promise<void> {
  await db.deleteFrom("port_snapshot").execute();
}
