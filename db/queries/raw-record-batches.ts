import { sql } from "kysely";
import type { StagingDb } from "../database";

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
 * however far into the kind it is. SQLite joins the payloads itself, so the batch reaches jq as one
 * string rather than thousands. Returns undefined after the last record.
 */
export async function readRawRecordBatch(
  db: StagingDb,
  kind: string,
  after: RawRecordPosition | undefined,
  limit: number,
): Promise<RawRecordBatch | undefined> {
  let query = db.selectFrom("raw_records").select(["parent_key", "record_id"]).where("kind", "=", kind);
  if (after) query = query.where((eb) => eb(eb.refTuple("parent_key", "record_id"), ">", eb.tuple(after.parent_key, after.record_id)));
  const positions = await query.orderBy("parent_key").orderBy("record_id").limit(limit).execute();
  const first = positions[0];
  const last = positions.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const joined = await sql<{ payloads: string }>`
    SELECT group_concat(payload, char(10) ORDER BY parent_key, record_id) AS payloads
    FROM raw_records
    WHERE kind = ${kind}
      AND (parent_key, record_id) >= (${first.parent_key}, ${first.record_id})
      AND (parent_key, record_id) <= (${last.parent_key}, ${last.record_id})`.execute(db);
  return { positions, payloads: joined.rows[0]?.payloads ?? "" };
}
