import { sql } from "kysely";
import type { StagingDb } from "../database";
import { countRowsByKind, type PerKindTable } from "./rows-by-kind";

/** A transformed_records row: one raw record whose outcome is staged, and what it was mapped from. */
export interface TransformedRecordRow {
  readonly kind: string;
  readonly parent_key: string;
  readonly record_id: string;
  readonly payload_hash: string;
  readonly skipped: number;
  readonly filtered: number;
  readonly run_id: number;
}

/** The mapping hash `kind`'s staged rows were made with, or undefined when it was never transformed (or before this was kept). */
export async function readKindMappingHash(db: StagingDb, kind: string): Promise<string | undefined> {
  const row = await db.selectFrom("transformed_kinds").select("mapping_hash").where("kind", "=", kind).executeTakeFirst();
  return row?.mapping_hash;
}

/** Records that `kind`'s staged rows are now made with `mappingHash`. */
export async function saveKindMappingHash(db: StagingDb, kind: string, mappingHash: string, runId: number): Promise<void> {
  await db
    .insertInto("transformed_kinds")
    .values({ kind, mapping_hash: mappingHash, run_id: runId })
    .onConflict((conflict) => conflict.column("kind").doUpdateSet({ mapping_hash: mappingHash, run_id: runId }))
    .execute();
}

async function countRows(db: StagingDb, table: PerKindTable, kind: string): Promise<number> {
  return (await countRowsByKind(db, table, [kind])).get(kind) ?? 0;
}

/**
 * The record ids of `kind` whose outcome is stale: a raw record never mapped or whose payload hash
 * changed since it was, and a record mapped once but no longer in raw_records. Ids, not positions:
 * every output table keys a record by (kind, record_id), so all of an id's parents are mapped again together.
 */
export async function listChangedRecordIds(db: StagingDb, kind: string): Promise<string[]> {
  const { rows } = await sql<{ record_id: string; mapped: number }>`
    SELECT r.record_id, t.payload_hash IS NOT NULL AS mapped FROM raw_records r
    LEFT JOIN transformed_records t ON t.kind = r.kind AND t.parent_key = r.parent_key AND t.record_id = r.record_id
    WHERE r.kind = ${kind} AND (t.payload_hash IS NULL OR t.payload_hash <> r.payload_hash)`.execute(db);
  const changed = new Set(rows.map((row) => row.record_id));
  // Records mapped once and gone are as many as the mapped records without a raw record: only when
  // the counts say there are some are they looked for (a second pass over the kind).
  const stillRaw = (await countRows(db, "raw_records", kind)) - rows.filter((row) => !row.mapped).length;
  if ((await countRows(db, "transformed_records", kind)) > stillRaw) {
    const gone = await sql<{ record_id: string }>`
      SELECT t.record_id FROM transformed_records t
      WHERE t.kind = ${kind}
        AND NOT EXISTS (SELECT 1 FROM raw_records r WHERE r.kind = t.kind AND r.parent_key = t.parent_key AND r.record_id = t.record_id)`.execute(db);
    for (const row of gone.rows) changed.add(row.record_id);
  }
  return [...changed].sort();
}

/** The tables holding a record's outcome, each keyed by (kind, record_id). */
const OUTCOME_TABLES = ["staged_entities", "mapping_errors", "unmapped_records", "transformed_records"] as const;

/**
 * Deletes the outcome of `kind`'s records (staged entities, mapping errors, unmapped record, and
 * that it was mapped): of all of them, or of those in `recordIds`. Relation issues are not a
 * record's outcome: the relation check replaces them per kind. `parentKey` says every record in
 * `recordIds` was read under it (serve's records: ''), so transformed_records is read by its primary
 * key rather than by a scan of the kind.
 */
export async function deleteRecordOutcomes(db: StagingDb, kind: string, recordIds: readonly string[] | "all", parentKey?: string): Promise<void> {
  if (recordIds !== "all" && recordIds.length === 0) return;
  // One statement a table, however many ids: the ids go in as one JSON array.
  const which = recordIds === "all" ? sql.raw("") : sql`AND record_id IN (SELECT value FROM json_each(${JSON.stringify(recordIds)}))`;
  for (const table of OUTCOME_TABLES) {
    const parent = table === "transformed_records" && parentKey !== undefined ? sql`AND parent_key = ${parentKey}` : sql.raw("");
    await sql`DELETE FROM ${sql.table(table)} WHERE kind = ${kind} ${parent} ${which}`.execute(db);
  }
}

// 7 columns a row, well under SQLite's 32,766 bound parameters a statement.
const ROWS_PER_INSERT = 1000;

/**
 * Records that these records were mapped. A record mapped by several resources of its kind is one
 * row: the counts of each add up.
 */
export async function saveTransformedRecords(db: StagingDb, rows: readonly TransformedRecordRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await db
      .insertInto("transformed_records")
      .values(rows.slice(start, start + ROWS_PER_INSERT))
      .onConflict((conflict) =>
        conflict.columns(["kind", "parent_key", "record_id"]).doUpdateSet((eb) => ({
          skipped: eb("transformed_records.skipped", "+", eb.ref("excluded.skipped")),
          filtered: eb("transformed_records.filtered", "+", eb.ref("excluded.filtered")),
        })),
      )
      .execute();
  }
}

/** Per kind of `kinds`: its records' entities skipped (null identifier) and filtered (selector false), as last mapped. */
export async function sumSkippedAndFiltered(db: StagingDb, kinds: readonly string[]): Promise<Map<string, { skipped: number; filtered: number }>> {
  if (kinds.length === 0) return new Map();
  const rows = await db
    .selectFrom("transformed_records")
    .select(["kind", (eb) => eb.fn.sum<number>("skipped").as("skipped"), (eb) => eb.fn.sum<number>("filtered").as("filtered")])
    .where("kind", "in", kinds)
    .groupBy("kind")
    .execute();
  return new Map(rows.map((row) => [row.kind, { skipped: Number(row.skipped), filtered: Number(row.filtered) }]));
}
