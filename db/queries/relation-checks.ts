import { sql } from "kysely";
import type { StagingDb } from "../database";
import { isInPort } from "./port-snapshot";
import { isPushable } from "./pushable";

/** The last relation check: the hash of its inputs, and per target blueprint the hash of the identifiers only Port held (listIdentifiersOnlyInPort). */
export interface RelationCheckRecord {
  readonly inputsHash: string;
  readonly inPort: ReadonlyMap<string, string>;
}

/** The last relation check, or undefined when staged entities changed since (or there was none). */
export async function readRelationCheck(db: StagingDb): Promise<RelationCheckRecord | undefined> {
  const row = await db.selectFrom("relation_checks").select("inputs_hash").where("id", "=", 1).executeTakeFirst();
  if (row === undefined) return undefined;
  const targets = await db.selectFrom("relation_check_targets").select(["blueprint", "in_port_hash"]).execute();
  return { inputsHash: row.inputs_hash, inPort: new Map(targets.map((target) => [target.blueprint, target.in_port_hash])) };
}

/** Records the relation check just made. */
export async function saveRelationCheck(db: StagingDb, check: RelationCheckRecord, runId: number): Promise<void> {
  await db
    .insertInto("relation_checks")
    .values({ id: 1, inputs_hash: check.inputsHash, run_id: runId })
    .onConflict((conflict) => conflict.column("id").doUpdateSet({ inputs_hash: check.inputsHash, run_id: runId }))
    .execute();
  await db.deleteFrom("relation_check_targets").execute();
  const rows = [...check.inPort].map(([blueprint, hash]) => ({ blueprint, in_port_hash: hash }));
  if (rows.length > 0) await db.insertInto("relation_check_targets").values(rows).execute();
}

/** Says the last relation check's result no longer holds: staged entities are about to change. */
export async function forgetRelationCheck(db: StagingDb): Promise<void> {
  await db.deleteFrom("relation_checks").execute();
}

/**
 * The identifiers of `blueprints` Port is known to hold that are not staged as pushable entities, in
 * (blueprint, identifier) order: where relation targets may be found besides the staged entities. A
 * load that confirms staged entities leaves it as it was, since it changes no relation's target.
 */
export async function listIdentifiersOnlyInPort(db: StagingDb, blueprints: readonly string[]): Promise<{ blueprint: string; identifier: string }[]> {
  if (blueprints.length === 0) return [];
  const { rows } = await sql<{ blueprint: string; identifier: string }>`
    SELECT p.blueprint, p.identifier FROM port_snapshot p
    WHERE p.blueprint IN (${sql.join(blueprints)}) AND ${isInPort("p")}
      AND NOT EXISTS (
        SELECT 1 FROM staged_entities s
        WHERE s.blueprint = p.blueprint AND s.identifier = p.identifier AND ${isPushable("s")})
    ORDER BY p.blueprint, p.identifier`.execute(db);
  return rows;
}
