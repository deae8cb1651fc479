import { CompiledQuery } from "kysely";
import type { StagingDb } from "../database";

export interface RawRecordRow {
  readonly kind: string;
  /** The path-parameter value the record was fetched under; '' when the kind has none. */
  readonly parent_key: string;
  readonly record_id: string;
  readonly payload: string;
  readonly payload_hash: string;
  readonly run_id: number;
  readonly fetched_at: string;
}

// 7 columns a row: 1,000 rows stay far below SQLite's limit of 32,766 bound parameters a statement.
const ROWS_PER_STATEMENT = 1000;
const ROW_PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?)";

/**
 * The upsert of `rows`, written out rather than built with Kysely's query builder: building and
 * compiling seven value nodes per record cost the extract nearly a tenth of its CPU. (A JSON array
 * of rows unpacked by json_each measured slower than either: SQLite re-renders each row's JSON,
 * escaped payload included, before reading its fields.)
 */
function buildUpsert(rows: readonly RawRecordRow[]): CompiledQuery {
  const parameters: unknown[] = [];
  for (const row of rows) parameters.push(row.kind, row.parent_key, row.record_id, row.payload, row.payload_hash, row.run_id, row.fetched_at);
  return CompiledQuery.raw(
    `INSERT INTO raw_records (kind, parent_key, record_id, payload, payload_hash, run_id, fetched_at) VALUES ${new Array<string>(rows.length).fill(ROW_PLACEHOLDERS).join(", ")} ` +
      "ON CONFLICT (kind, parent_key, record_id) DO UPDATE SET payload = excluded.payload, payload_hash = excluded.payload_hash, run_id = excluded.run_id, fetched_at = excluded.fetched_at",
    parameters,
  );
}

/**
 * Inserts or replaces records by (kind, parent_key, record_id), stamping each with the run that saw it,
 * atomically: one statement, or one transaction when the rows need several (or the caller's).
 */
export async function upsertRawRecords(db: StagingDb, rows: readonly RawRecordRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length <= ROWS_PER_STATEMENT) {
    await db.executeQuery(buildUpsert(rows));
    return;
  }
  const writeAll = async (trx: StagingDb) => {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) await trx.executeQuery(buildUpsert(rows.slice(start, start + ROWS_PER_STATEMENT)));
  };
  if (db.isTransaction) await writeAll(db);
  else await db.transaction().execute(writeAll);
}

/** Raw records held per kind (kinds without any are absent). */
export async function countRawRecordsByKind(db: StagingDb): Promise<Map<string, number>> {
  const rows = await db.selectFrom("raw_records").select(["kind", (eb) => eb.fn.countAll<number>().as("records")]).groupBy("kind").execute();
  return new Map(rows.map((row) => [row.kind, Number(row.records)]));
}

/** Number of distinct records of `kind` that run `runId` stored or confirmed. */
export async function countRawRecordsOfRun(db: StagingDb, kind: string, runId: number): Promise<number> {
  const row = await db
    .selectFrom("raw_records")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("kind", "=", kind)
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Deletes the records of `kind` that run `runId` did not see: they disappeared from the API. Only
 * for a kind whose full extract completed in that run. Returns how many were deleted.
 */
export async function deleteRawRecordsNotSeenIn(db: StagingDb, kind: string, runId: number): Promise<number> {
  const result = await db.deleteFrom("raw_records").where("kind", "=", kind).where("run_id", "!=", runId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes the records of `kind` (a kind read without path parameters: parent key '') with these ids:
 * the API confirmed them gone (a 404 on a read by ID). Returns how many rows were deleted.
 */
export async function deleteRawRecordsOfIds(db: StagingDb, kind: string, recordIds: readonly string[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  // By the whole primary key, so the kind's other records are not scanned.
  const result = await db.deleteFrom("raw_records").where("kind", "=", kind).where("parent_key", "=", "").where("record_id", "in", recordIds).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The payload of one raw record, or undefined when none is staged. */
export async function readRawPayload(db: StagingDb, kind: string, parentKey: string, recordId: string): Promise<string | undefined> {
  const row = await db.selectFrom("raw_records").select("payload").where("kind", "=", kind).where("parent_key", "=", parentKey).where("record_id", "=", recordId).executeTakeFirst();
  return row?.payload;
}
