import type { StagingDb } from "../database";

/** A mapping_errors row as the transform writes it. */
export interface MappingErrorRow {
  readonly run_id: number;
  readonly kind: string;
  readonly record_id: string;
  readonly field: string;
  readonly expression: string;
  readonly message: string;
}

// 6 columns a row, well under SQLite's 32,766 bound parameters a statement.
const ROWS_PER_INSERT = 1000;

/** Deletes the mapping errors of one kind (before the transform maps it again). */
export async function deleteMappingErrorsOfKind(db: StagingDb, kind: string): Promise<void> {
  await db.deleteFrom("mapping_errors").where("kind", "=", kind).execute();
}

/** Inserts mapping errors, in order. */
export async function insertMappingErrors(db: StagingDb, rows: readonly MappingErrorRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await db.insertInto("mapping_errors").values(rows.slice(start, start + ROWS_PER_INSERT)).execute();
  }
}
