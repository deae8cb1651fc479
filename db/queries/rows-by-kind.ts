import { sql } from "kysely";
import type { StagingDb } from "../database";

/** Tables whose every row names the kind it came from. */
export type PerKindTable = "mapping_errors" | "relation_issues" | "unmapped_records" | "raw_records" | "transformed_records";

/** Counts the rows of `table` for each of `kinds` (kinds without any are absent). */
export async function countRowsByKind(db: StagingDb, table: PerKindTable, kinds: readonly string[]): Promise<Map<string, number>> {
  if (kinds.length === 0) return new Map();
  const { rows } = await sql<{ kind: string; count: number }>`
    SELECT kind, count(*) AS count FROM ${sql.table(table)} WHERE kind IN (${sql.join(kinds)}) GROUP BY kind`.execute(db);
  return new Map(rows.map((row) => [row.kind, Number(row.count)]));
}
