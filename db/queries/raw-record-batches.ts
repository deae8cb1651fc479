import type { ExpressionBuilder } from "kysely";
import type { Database, StagingDb } from "../database";

/** The raw record `r` has no outcome in transformed_records: it is new, or changed since it was mapped. */
function hasNoOutcome({ not, exists, selectFrom }: ExpressionBuilder<Database & { r: Database["raw_records"] }, "r">) {
  return not(
    exists(
      selectFrom("transformed_records as t")
        .select("t.kind")
        .whereRef("t.kind", "=", "r.kind")
        .whereRef("t.parent_key", "=", "r.parent_key")
        .whereRef("t.record_id", "=", "r.record_id"),
    ),
  );
}

/** Where a raw record sits in the (parent_key, record_id) order the transform reads a kind in. */
export interface RawRecordPosition {
  readonly parent_key: string;
  readonly record_id: string;
}

/** A batch of raw records: their positions, and their payloads joined by newlines in the same order. */
export interface RawRecordBatch {
  readonly positions: readonly RawRecordPosition[];
  readonly payloads: string;
}

/**
 * Reads up to `limit` raw records of `kind` after `after` (from the start when undefined), in
 * (parent_key, record_id) order: keyset paging over the primary key, so each batch costs the same
 * however far into the kind it is. Returns undefined after the last record.
 */
export async function readRawRecordBatch(
  db: StagingDb,
  kind: string,
  after: RawRecordPosition | undefined,
  limit: number,
): Promise<RawRecordBatch | undefined> {
  let query = db.selectFrom("raw_records").select(["parent_key", "record_id", "payload"]).where("kind", "=", kind);
  if (after) query = query.where((eb) => eb(eb.refTuple("parent_key", "record_id"), ">", eb.tuple(after.parent_key, after.record_id)));
  const rows = await query.orderBy("parent_key").orderBy("record_id").limit(limit).execute();
  if (rows.length === 0) return undefined;
  // group_concat(... ORDER BY ...) would sort the payloads in a temporary b-tree: slower than this join.
  return { positions: rows.map(({ parent_key, record_id }) => ({ parent_key, record_id })), payloads: rows.map((row) => row.payload).join("\n") };
}

/** A raw record to map: where it sits, and the hash of its payload (what transformed_records remembers it by). */
export interface RecordToMap extends RawRecordPosition {
  readonly payload_hash: string;
}

/** A batch of raw records to map: their positions, and their payloads in the same order. */
export interface RecordsToMapBatch {
  readonly records: readonly RecordToMap[];
  readonly payloads: readonly string[];
}

/**
 * Reads up to `limit` raw records of `kind` after `after` that have no outcome in the staging file
 * (no transformed_records row: new, changed, or their kind's rows were all dropped to map again), in
 * the order readRawRecordBatch reads. Returns undefined after the last one.
 */
export async function readRecordsToMap(db: StagingDb, kind: string, after: RawRecordPosition | undefined, limit: number): Promise<RecordsToMapBatch | undefined> {
  let query = db
    .selectFrom("raw_records as r")
    .select(["r.parent_key", "r.record_id", "r.payload_hash", "r.payload"])
    .where("r.kind", "=", kind)
    .where(hasNoOutcome);
  if (after) query = query.where((eb) => eb(eb.refTuple("r.parent_key", "r.record_id"), ">", eb.tuple(after.parent_key, after.record_id)));
  const rows = await query.orderBy("r.parent_key").orderBy("r.record_id").limit(limit).execute();
  if (rows.length === 0) return undefined;
  return { records: rows.map(({ parent_key, record_id, payload_hash }) => ({ parent_key, record_id, payload_hash })), payloads: rows.map((row) => row.payload) };
}

/**
 * The raw records of `kind` among `recordIds` (parent key '': a kind read without path parameters)
 * that have no outcome in the staging file, in record order, read by primary key rather than by a
 * scan of the kind. Returns undefined when there are none.
 */
export async function readRecordsToMapOfIds(db: StagingDb, kind: string, recordIds: readonly string[]): Promise<RecordsToMapBatch | undefined> {
  if (recordIds.length === 0) return undefined;
  const rows = await db
    .selectFrom("raw_records as r")
    .select(["r.parent_key", "r.record_id", "r.payload_hash", "r.payload"])
    .where("r.kind", "=", kind)
    .where("r.parent_key", "=", "")
    .where("r.record_id", "in", recordIds)
    .where(hasNoOutcome)
    .orderBy("r.record_id")
    .execute();
  if (rows.length === 0) return undefined;
  return { records: rows.map(({ parent_key, record_id, payload_hash }) => ({ parent_key, record_id, payload_hash })), payloads: rows.map((row) => row.payload) };
}
