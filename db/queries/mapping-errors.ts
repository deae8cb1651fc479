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

/** How the error of a record whose entity lost its key to another record's begins. */
export const DUPLICATE_IDENTIFIER = "duplicate identifier ";

/**
 * Whether a record of `kind` lost an entity's key to another record: who wins depends on the order
 * records are staged in, so such a kind is mapped again in full.
 */
export async function hasDuplicateIdentifierErrors(db: StagingDb, kind: string): Promise<boolean> {
  const row = await db
    .selectFrom("mapping_errors")
    .select("id")
    .where("kind", "=", kind)
    .where("field", "=", "identifier")
    .where((eb) => eb(eb.fn("substr", ["message", eb.val(1), eb.val(DUPLICATE_IDENTIFIER.length)]), "=", DUPLICATE_IDENTIFIER))
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts mapping errors, in order. */
export async function insertMappingErrors(db: StagingDb, rows: readonly MappingErrorRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await db.insertInto("mapping_errors").values(rows.slice(start, start + ROWS_PER_INSERT)).execute();
  }
}
