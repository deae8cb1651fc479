import { sql, type RawBuilder } from "kysely";
import type { StagingDb } from "../database";
import type { SnapshotState } from "../schema";

// Reads of port_snapshot; every write goes through snapshot-ledger.ts.

export interface SnapshotRow {
  readonly identifier: string;
  readonly entityJson: string;
  readonly state: SnapshotState;
  /** The sha-256 of entityJson; null while pending. */
  readonly hash: string | null;
}

/**
 * Whether the snapshot row under `snapshot` holds the staged entity under `staged` as Port confirmed
 * it (the diff's "unchanged"): confirmed, with the staged hash. Null when there is no snapshot row
 * (a left join), so callers that mean "not unchanged" also test for the missing row.
 */
export function holdsStaged(snapshot: string, staged: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${snapshot}.state`)} = 'confirmed' AND ${sql.ref(`${snapshot}.hash`)} = ${sql.ref(`${staged}.hash`)})`;
}

/** Whether the snapshot row under `snapshot` is known to be in Port (any state but pending). */
export function isInPort(snapshot: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${snapshot}.state`)} != 'pending'`;
}

/** The snapshot's keys, states and hashes for `blueprints`. */
export async function listSnapshotKeys(
  db: StagingDb,
  blueprints: readonly string[],
): Promise<{ blueprint: string; identifier: string; state: SnapshotState; hash: string | null }[]> {
  if (blueprints.length === 0) return [];
  return db.selectFrom("port_snapshot").select(["blueprint", "identifier", "state", "hash"]).where("blueprint", "in", blueprints).execute();
}

/** The snapshot rows of some identifiers of one blueprint, by identifier (absent ones are left out). */
export async function readSnapshotEntities(db: StagingDb, blueprint: string, identifiers: readonly string[]): Promise<Map<string, SnapshotRow>> {
  if (identifiers.length === 0) return new Map();
  const rows = await db
    .selectFrom("port_snapshot")
    .select(["identifier", "entity_json", "state", "hash"])
    .where("blueprint", "=", blueprint)
    .where("identifier", "in", identifiers)
    .execute();
  return new Map(rows.map((row) => [row.identifier, { identifier: row.identifier, entityJson: row.entity_json, state: row.state, hash: row.hash }]));
}
