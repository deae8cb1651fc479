import type { StagingDb } from "../database";

/** Identifiers of the blueprints a load created whose deferred parts Port has not all confirmed. */
export async function listPendingBlueprints(db: StagingDb): Promise<string[]> {
  const rows = await db.selectFrom("pending_blueprints").select("identifier").orderBy("identifier").execute();
  return rows.map((row) => row.identifier);
}

/** Records blueprints about to be created (already recorded ones are kept as they are). */
export async function addPendingBlueprints(db: StagingDb, identifiers: readonly string[], runId: number): Promise<void> {
  if (identifiers.length === 0) return;
  await db
    .insertInto("pending_blueprints")
    .values(identifiers.map((identifier) => ({ identifier, run_id: runId })))
    .onConflict((conflict) => conflict.column("identifier").doNothing())
    .execute();
}

/** Forgets blueprints that are finished, or that are not ours after all. */
export async function removePendingBlueprints(db: StagingDb, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  await db.deleteFrom("pending_blueprints").where("identifier", "in", identifiers).execute();
}
