import { sql } from "kysely";
import type { StagingDb } from "../database";

/**
 * Up to `limit` IDs of `kind`'s records stored with a status other than `resolved` that run `runId`
 * has not stored: alerts open at the last read that this run's reads did not list. Derived from the
 * stored payloads rather than kept in a column: raw_records already holds each alert's latest state,
 * and the scan reads only this kind's rows, once a run.
 */
export async function listAlertsLeftOpen(db: StagingDb, kind: string, runId: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("raw_records")
    .select("record_id")
    .where("kind", "=", kind)
    .where("run_id", "!=", runId)
    // json_extract fails the whole statement on a payload nested deeper than SQLite's JSON parser allows
    // (1,000 levels), which raw_records stores: such a record is not tracked as open, and its change
    // waits for the next full read.
    .where(sql<string>`CASE WHEN json_valid(payload) THEN json_extract(payload, '$.status') END`, "!=", "resolved")
    .orderBy("record_id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.record_id);
}
