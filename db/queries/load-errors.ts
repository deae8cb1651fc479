import type { StagingDb } from "../database";

export interface LoadErrorRow {
  readonly blueprint: string;
  readonly identifier: string;
  readonly operation: "upsert" | "delete";
  /** null when Port gave no answer. */
  readonly status: number | null;
  readonly message: string;
}

/** Records entities Port refused in run `runId`, with Port's message. */
export async function recordLoadErrors(db: StagingDb, runId: number, rows: readonly LoadErrorRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("load_errors")
    .values(rows.map((row) => ({ run_id: runId, blueprint: row.blueprint, identifier: row.identifier, operation: row.operation, status: row.status, message: row.message })))
    .execute();
}

/** The errors recorded in run `runId`, in the order they were recorded. */
export async function listLoadErrors(db: StagingDb, runId: number): Promise<(LoadErrorRow & { runId: number })[]> {
  const rows = await db.selectFrom("load_errors").selectAll().where("run_id", "=", runId).orderBy("id").execute();
  return rows.map((row) => ({
    runId: row.run_id,
    blueprint: row.blueprint,
    identifier: row.identifier,
    operation: row.operation as LoadErrorRow["operation"],
    status: row.status,
    message: row.message,
  }));
}
