import { sql } from "kysely";
import type { StagingDb } from "../database";

// Read-only queries `etl discover` runs over raw_records, which extract writes. They live apart from
// raw-records.ts so that the extract stage keeps the file of the table it writes.

/** Where a raw record sits in a kind's (parent_key, record_id) order. */
export interface RawPayloadPosition {
  readonly parent_key: string;
  readonly record_id: string;
}

export interface RawPayloadRow extends RawPayloadPosition {
  readonly payload: string;
}

/**
 * Reads up to `limit` raw records of `kind` after `after` (from the start when undefined), in
 * (parent_key, record_id) order: keyset paging over the primary key. An empty list means the end.
 */
export async function readRawPayloads(
  db: StagingDb,
  kind: string,
  after: RawPayloadPosition | undefined,
  limit: number,
): Promise<RawPayloadRow[]> {
  let query = db.selectFrom("raw_records").select(["parent_key", "record_id", "payload"]).where("kind", "=", kind);
  if (after) query = query.where((eb) => eb(eb.refTuple("parent_key", "record_id"), ">", eb.tuple(after.parent_key, after.record_id)));
  return query.orderBy("parent_key").orderBy("record_id").limit(limit).execute();
}

// Well below SQLite's 32,766 bound parameters a statement.
const IDS_PER_STATEMENT = 500;

/**
 * Which of `ids` are record ids of `kind` in raw_records. Read from the primary key's index only:
 * the kind's distinct parent keys are found by skipping through the index (a kind has one per
 * parent it was fetched under), then each (parent, id) pair is one seek, so the cost follows the
 * number of ids asked, not the size of the kind.
 */
export async function listKnownRecordIds(db: StagingDb, kind: string, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
    const chunk = ids.slice(start, start + IDS_PER_STATEMENT);
    const result = await sql<{ record_id: string }>`
      WITH RECURSIVE parents(key) AS (
        SELECT MIN(parent_key) FROM raw_records WHERE kind = ${kind}
        UNION ALL
        SELECT (SELECT MIN(parent_key) FROM raw_records WHERE kind = ${kind} AND parent_key > parents.key) FROM parents WHERE parents.key IS NOT NULL
      )
      SELECT DISTINCT record_id FROM raw_records
      WHERE kind = ${kind}
        AND parent_key IN (SELECT key FROM parents WHERE key IS NOT NULL)
        AND record_id IN (${sql.join(chunk)})`.execute(db);
    for (const row of result.rows) known.add(row.record_id);
  }
  return known;
}
