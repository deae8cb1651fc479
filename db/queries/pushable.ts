import { sql, type RawBuilder } from "kysely";

// "Pushable" is a staged entity Port would take: transform did not hold it back (held_back_reason
// names why it would be refused). The condition is written here only; every query asks these two.

/** Whether the staged_entities row under `table` (its name or alias) is pushable. For Kysely's where/filterWhere and sql templates. */
export function isPushable(table = "staged_entities"): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${table}.held_back_reason`)} IS NULL`;
}

/** Whether the staged_entities row under `table` is held back: the negation of isPushable. */
export function isHeldBack(table = "staged_entities"): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${table}.held_back_reason`)} IS NOT NULL`;
}
