import { CompiledQuery, sql } from "kysely";
import type { StagingDb } from "../database";
import { isHeldBack, isPushable } from "./pushable";

/** A staged_entities row as the transform writes it. */
export interface StagedEntityRow {
  readonly blueprint: string;
  readonly identifier: string;
  readonly kind: string;
  readonly record_id: string;
  readonly entity_json: string;
  readonly hash: string;
  readonly held_back_reason: string | null;
}

export interface StagedEntityCount {
  readonly kind: string;
  readonly blueprint: string;
  readonly entities: number;
  readonly held_back: number;
}

// Statements of 100 rows, their text built once: compiling a query object for every chunk, or
// preparing a statement of thousands of parameters, costs more than SQLite's own work.
const ROWS_PER_INSERT = 100;
const COLUMNS = ["blueprint", "identifier", "kind", "record_id", "entity_json", "hash", "held_back_reason"] as const;
const statements = new Map<number, string>();

function insertStatement(rowCount: number): string {
  let text = statements.get(rowCount);
  if (text === undefined) {
    const values = Array.from({ length: rowCount }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
    text = `INSERT INTO staged_entities (${COLUMNS.join(", ")}) VALUES ${values} ON CONFLICT (blueprint, identifier) DO NOTHING`;
    statements.set(rowCount, text);
  }
  return text;
}

/** The rows of a chunk that did not get in: their key was staged by another record, or earlier in the chunk. */
async function findRejected(db: StagingDb, chunk: readonly StagedEntityRow[]): Promise<StagedEntityRow[]> {
  const rejected: StagedEntityRow[] = [];
  const seen = new Set<string>();
  for (const row of chunk) {
    const key = `${row.blueprint}\u0000${row.identifier}`;
    const source = await findStagedEntitySource(db, row.blueprint, row.identifier);
    if (seen.has(key) || source?.kind !== row.kind || source.record_id !== row.record_id) rejected.push(row);
    seen.add(key);
  }
  return rejected;
}

/**
 * Inserts rows in order; a row whose (blueprint, identifier) is already staged, by an earlier row of
 * this call or earlier, is not inserted. Returns the rows that were not inserted.
 */
export async function insertStagedEntities(db: StagingDb, rows: readonly StagedEntityRow[]): Promise<StagedEntityRow[]> {
  const rejected: StagedEntityRow[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const parameters: unknown[] = [];
    for (const row of chunk) for (const column of COLUMNS) parameters.push(row[column]);
    const result = await db.executeQuery(CompiledQuery.raw(insertStatement(chunk.length), parameters));
    // Duplicates are rare: only then is each row of the chunk looked up.
    if (Number(result.numAffectedRows ?? 0n) < chunk.length) rejected.push(...(await findRejected(db, chunk)));
  }
  return rejected;
}

/** The kind and record an entity is staged from, or undefined when it is not staged. */
export async function findStagedEntitySource(
  db: StagingDb,
  blueprint: string,
  identifier: string,
): Promise<{ kind: string; record_id: string } | undefined> {
  return db
    .selectFrom("staged_entities")
    .select(["kind", "record_id"])
    .where("blueprint", "=", blueprint)
    .where("identifier", "=", identifier)
    .executeTakeFirst();
}

/** Counts staged and held-back entities per kind and blueprint, for the given kinds. */
export async function countStagedEntities(db: StagingDb, kinds: readonly string[]): Promise<StagedEntityCount[]> {
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom("staged_entities")
    .select(["kind", "blueprint"])
    .select((eb) => [
      eb.fn.countAll<number>().as("entities"),
      eb.fn.sum<number>(isHeldBack()).as("held_back"),
    ])
    .where("kind", "in", kinds)
    .groupBy(["kind", "blueprint"])
    .orderBy("kind")
    .orderBy("blueprint")
    .execute();
  return rows.map((row) => ({ kind: row.kind, blueprint: row.blueprint, entities: Number(row.entities), held_back: Number(row.held_back) }));
}

// How the reason of an entity held back for its relations begins; validation's reasons never do.
const RELATION_HOLD_BACK = "relation targets are neither staged nor in Port, and createMissingRelatedEntities is false: ";

/**
 * Makes pushable again the entities of `kinds` held back for their relations, before their relations
 * are checked again: their targets may be staged or in Port by now. Entities held back by validation stay so.
 */
export async function releaseRelationHoldBacks(db: StagingDb, kinds: readonly string[]): Promise<void> {
  if (kinds.length === 0) return;
  await sql`
    UPDATE staged_entities SET held_back_reason = NULL
    WHERE kind IN (${sql.join(kinds)})
      AND substr(held_back_reason, 1, ${RELATION_HOLD_BACK.length}) = ${RELATION_HOLD_BACK}`.execute(db);
}

/**
 * Holds back the still-pushable entities of `kinds` that have relation issues in run `runId`, naming
 * the missing targets. Returns how many entities it held back.
 */
export async function holdBackEntitiesWithRelationIssues(db: StagingDb, runId: number, kinds: readonly string[]): Promise<number> {
  if (kinds.length === 0) return 0;
  const result = await sql`
    UPDATE staged_entities
    SET held_back_reason = missing.reason
    FROM (
      SELECT blueprint, identifier,
        ${RELATION_HOLD_BACK} ||
          group_concat(relation || ' -> ' || target_blueprint || '/' || target_identifier, ', '
            ORDER BY relation, target_blueprint, target_identifier) AS reason
      FROM relation_issues
      WHERE run_id = ${runId} AND kind IN (${sql.join(kinds)})
      GROUP BY blueprint, identifier
    ) AS missing
    WHERE staged_entities.blueprint = missing.blueprint
      AND staged_entities.identifier = missing.identifier
      AND ${isPushable()}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** The pushable entities the records `recordIds` of `kind` stage: relation targets that go if those records map differently. */
export async function listPushableEntitiesOfRecords(db: StagingDb, kind: string, recordIds: readonly string[]): Promise<{ blueprint: string; identifier: string }[]> {
  if (recordIds.length === 0) return [];
  const { rows } = await sql<{ blueprint: string; identifier: string }>`
    SELECT blueprint, identifier FROM staged_entities
    WHERE kind = ${kind} AND record_id IN (SELECT value FROM json_each(${JSON.stringify(recordIds)})) AND ${isPushable()}`.execute(db);
  return rows;
}
