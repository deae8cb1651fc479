import type { StagingDb } from "../database";

/** A raw record as the transform reads it. */
export interface RawRecordRow {
  readonly parent_key: string;
  readonly record_id: string;
  readonly payload: string;
}

/** Where the previous batch ended: records are read in (parent_key, record_id) order. */
export interface RawRecordPosition {
  readonly parent_key: string;
  readonly record_id: string;
}

/**
 * Reads up to `limit` raw records of `kind` after `after` (from the start when undefined), in
 * (parent_key, record_id) order: keyset paging over the primary key, so each batch costs the same
 * however far into the kind it is.
 */
export async function listRawRecordBatch(
  db: StagingDb,
  kind: string,
  after: RawRecordPosition | undefined,
  limit: number,
): Promise<RawRecordRow[]> {
  let query = db.selectFrom("raw_records").select(["parent_key", "record_id", "payload"]).where("kind", "=", kind);
  if (after) {
    query = query.where((eb) => eb(eb.refTuple("parent_key", "record_id"), ">", eb.tuple(after.parent_key, after.record_id)));
  }
  return query.orderBy("parent_key").orderBy("record_id").limit(limit).execute();
}
