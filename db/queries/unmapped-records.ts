import type { StagingDb } from "../database";

/** An unmapped_records row as the transform writes it. */
export interface UnmappedRecordRow {
  readonly run_id: number;
  readonly kind: string;
  readonly record_id: string;
  readonly reason: string;
}

/** One unmapped record as `etl status` lists it. */
export interface UnmappedRecordListing {
  readonly kind: string;
  readonly recordId: string;
  readonly runId: number;
  readonly reason: string;
}

// 4 columns a row, well under SQLite's 32,766 bound parameters a statement.
const ROWS_PER_INSERT = 1000;

/**
 * Inserts unmapped records; a record already listed (the same id under another parent, or failing
 * in a second resource of the kind) keeps its first reason.
 */
export async function insertUnmappedRecords(db: StagingDb, rows: readonly UnmappedRecordRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await db
      .insertInto("unmapped_records")
      .values(rows.slice(start, start + ROWS_PER_INSERT))
      .onConflict((conflict) => conflict.columns(["kind", "record_id"]).doNothing())
      .execute();
  }
}

/** The first `limit` unmapped records of each of `kinds`, by kind, each in record id order. */
export async function listUnmappedRecords(db: StagingDb, kinds: readonly string[], limit: number): Promise<UnmappedRecordListing[]> {
  const listed: UnmappedRecordListing[] = [];
  for (const kind of [...new Set(kinds)].sort()) {
    const rows = await db
      .selectFrom("unmapped_records")
      .select(["record_id", "run_id", "reason"])
      .where("kind", "=", kind)
      .orderBy("record_id")
      .limit(limit)
      .execute();
    for (const row of rows) listed.push({ kind, recordId: row.record_id, runId: row.run_id, reason: row.reason });
  }
  return listed;
}
