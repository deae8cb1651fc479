import type { StagingDb } from "../database";

/** One item of an extracted page that could not be stored as a record. */
export interface RejectedItemRow {
  readonly run_id: number;
  readonly kind: string;
  /** The path-parameter value the page was fetched under; '' when the kind has none. */
  readonly parent_key: string;
  /** The path of the page's request, and its cursor (null for the first page). */
  readonly endpoint: string;
  readonly cursor: string | null;
  /** The item's position in its page, from 0. */
  readonly position: number;
  readonly reason: string;
}

// 8 columns a row: 1,000 rows stay far below SQLite's limit of 32,766 bound parameters a statement.
const ROWS_PER_STATEMENT = 1000;

/** Lists `rows` in rejected_items (with the caller's transaction, when it has one). */
export async function insertRejectedItems(db: StagingDb, rows: readonly RejectedItemRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await db.insertInto("rejected_items").values(rows.slice(start, start + ROWS_PER_STATEMENT)).execute();
  }
}

/**
 * Forgets the rejected items of `kind` listed by runs before `runId`: each read of a kind lists its own,
 * so the table holds the latest read's and does not grow run after run.
 */
export async function deleteEarlierRejectedItems(db: StagingDb, kind: string, runId: number): Promise<void> {
  await db.deleteFrom("rejected_items").where("kind", "=", kind).where("run_id", "<", runId).execute();
}

/** The latest rejected items, newest first, for `etl status`. */
export async function listLatestRejectedItems(db: StagingDb, limit: number) {
  return db.selectFrom("rejected_items").selectAll().orderBy("id", "desc").limit(limit).execute();
}
