import { sql, type RawBuilder } from "kysely";
import type { StagingDb } from "../database";
import { holdsStaged } from "./port-snapshot";

// What a load narrowed to a few records (serve) reads: the entities those records stage and the
// snapshot rows pushed from them, found by (kind, record id) rather than by a diff of whole blueprints.

/** Per kind, the ids of the records a load is narrowed to. */
export type RecordScope = ReadonlyMap<string, readonly string[]>;

/** A staged entity of a record in scope, and how the snapshot holds it. */
export interface RecordEntityRow {
  readonly blueprint: string;
  readonly identifier: string;
  readonly kind: string;
  readonly recordId: string;
  readonly heldBack: boolean;
  /** The snapshot has no row for it. */
  readonly isCreate: boolean;
  /** The snapshot holds it confirmed with the same hash. */
  readonly isUnchanged: boolean;
}

/** A snapshot row pushed from a record in scope that no kind stages any more. */
export interface RecordOrphanRow {
  readonly blueprint: string;
  readonly identifier: string;
  readonly kind: string;
  readonly recordId: string;
  /** Its record was read but could not be mapped (it is in unmapped_records): kept as last pushed. */
  readonly unmapped: boolean;
}

/** The scope as a JSON array of [kind, id] pairs, for json_each. */
function scopeJson(scope: RecordScope): string {
  return JSON.stringify([...scope].flatMap(([kind, ids]) => ids.map((id) => [kind, id])));
}

/**
 * Whether the pair (`kindColumn`, `idColumn`) is in `scope`. For Kysely's where and sql templates. The
 * kinds and the ids are also listed apart: SQLite then finds the rows through an index on the two
 * columns instead of reading every row of a blueprint (300 ms at 10^6 entities).
 */
export function isInRecordScope(kindColumn: string, idColumn: string, scope: RecordScope): RawBuilder<boolean> {
  const kinds = JSON.stringify([...scope.keys()]);
  const ids = JSON.stringify([...new Set([...scope.values()].flat())]);
  return sql<boolean>`(${sql.ref(kindColumn)} IN (SELECT value FROM json_each(${kinds})) AND ${sql.ref(idColumn)} IN (SELECT value FROM json_each(${ids}))
    AND (${sql.ref(kindColumn)}, ${sql.ref(idColumn)}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${scopeJson(scope)})))`;
}

/** The staged entities of the records of `scope`, each with how the snapshot holds it. */
export async function listRecordEntities(db: StagingDb, scope: RecordScope): Promise<RecordEntityRow[]> {
  const rows: RecordEntityRow[] = [];
  for (const [kind, ids] of scope) {
    if (ids.length === 0) continue;
    const found = await db
      .selectFrom("staged_entities as s")
      .leftJoin("port_snapshot as p", (join) => join.onRef("p.blueprint", "=", "s.blueprint").onRef("p.identifier", "=", "s.identifier"))
      .select((eb) => [
        "s.blueprint",
        "s.identifier",
        "s.record_id",
        "s.held_back_reason",
        "p.identifier as pushed",
        eb.fn.coalesce(holdsStaged("p", "s"), eb.val(0)).as("unchanged"),
      ])
      .where("s.kind", "=", kind)
      .where("s.record_id", "in", ids)
      .execute();
    for (const row of found) {
      rows.push({
        blueprint: row.blueprint,
        identifier: row.identifier,
        kind,
        recordId: row.record_id,
        heldBack: row.held_back_reason !== null,
        isCreate: row.pushed === null,
        isUnchanged: Number(row.unchanged) === 1,
      });
    }
  }
  return rows;
}

/** The snapshot rows pushed from the records of `scope` that no kind stages any more. */
export async function listRecordOrphans(db: StagingDb, scope: RecordScope): Promise<RecordOrphanRow[]> {
  const rows: RecordOrphanRow[] = [];
  for (const [kind, ids] of scope) {
    if (ids.length === 0) continue;
    const found = await db
      .selectFrom("port_snapshot as p")
      .select((eb) => [
        "p.blueprint",
        "p.identifier",
        "p.source_record_id",
        eb
          .exists(eb.selectFrom("unmapped_records as u").select("u.record_id").whereRef("u.kind", "=", "p.source_kind").whereRef("u.record_id", "=", "p.source_record_id"))
          .as("unmapped"),
      ])
      .where("p.source_kind", "=", kind)
      .where("p.source_record_id", "in", ids)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("staged_entities as s").select("s.identifier").whereRef("s.blueprint", "=", "p.blueprint").whereRef("s.identifier", "=", "p.identifier"))),
      )
      .execute();
    for (const row of found) {
      rows.push({ blueprint: row.blueprint, identifier: row.identifier, kind, recordId: row.source_record_id ?? "", unmapped: Number(row.unmapped) === 1 });
    }
  }
  return rows;
}

/** Snapshot rows held per blueprint of `blueprints` (what the deletion threshold is a fraction of). */
export async function countSnapshotRowsOf(db: StagingDb, blueprints: readonly string[]): Promise<Map<string, number>> {
  if (blueprints.length === 0) return new Map();
  const rows = await db
    .selectFrom("port_snapshot")
    .select(["blueprint", (eb) => eb.fn.countAll<number>().as("rows")])
    .where("blueprint", "in", blueprints)
    .groupBy("blueprint")
    .execute();
  return new Map(rows.map((row) => [row.blueprint, Number(row.rows)]));
}
