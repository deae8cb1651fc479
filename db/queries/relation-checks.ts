import { sql } from "kysely";
import type { StagingDb } from "../database";
import { isInPort } from "./port-snapshot";

/** The inputs hash of the last relation check, or undefined when staged entities changed since (or there was none). */
export async function readRelationCheck(db: StagingDb): Promise<string | undefined> {
  const row = await db.selectFrom("relation_checks").select("inputs_hash").where("id", "=", 1).executeTakeFirst();
  return row?.inputs_hash;
}

/** Records the inputs of the relation check just made. */
export async function saveRelationCheck(db: StagingDb, inputsHash: string, runId: number): Promise<void> {
  await db
    .insertInto("relation_checks")
    .values({ id: 1, inputs_hash: inputsHash, run_id: runId })
    .onConflict((conflict) => conflict.column("id").doUpdateSet({ inputs_hash: inputsHash, run_id: runId }))
    .execute();
}

/** Says the last relation check's result no longer holds: staged entities are about to change. */
export async function forgetRelationCheck(db: StagingDb): Promise<void> {
  await db.deleteFrom("relation_checks").execute();
}

/** The identifiers of `blueprints` Port is known to hold, in (blueprint, identifier) order: what relation targets may be found in. */
export async function listIdentifiersInPort(db: StagingDb, blueprints: readonly string[]): Promise<{ blueprint: string; identifier: string }[]> {
  if (blueprints.length === 0) return [];
  const { rows } = await sql<{ blueprint: string; identifier: string }>`
    SELECT p.blueprint, p.identifier FROM port_snapshot p
    WHERE p.blueprint IN (${sql.join(blueprints)}) AND ${isInPort("p")}
    ORDER BY p.blueprint, p.identifier`.execute(db);
  return rows;
}
