import { CompiledQuery, sql } from "kysely";
import type { StagingDb } from "../database";

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

/** Deletes the staged entities of one kind (before the transform stages it again). */
export async function deleteStagedEntitiesOfKind(db: StagingDb, kind: string): Promise<void> {
  await db.deleteFrom("staged_entities").where("kind", "=", kind).execute();
}

// Built as one statement text with positional parameters: compiling a query object of a few hundred
// rows costs more than SQLite's work; 7 parameters a row stays far below SQLite's 32,766.
const ROWS_PER_INSERT = 500;
const COLUMNS = ["blueprint", "identifier", "kind", "record_id", "entity_json", "hash", "held_back_reason"] as const;

function insertStatement(rowCount: number): string {
  const values = Array.from({ length: rowCount }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
  return (
    `INSERT INTO staged_entities (${COLUMNS.join(", ")}) VALUES ${values} ` +
    "ON CONFLICT (blueprint, identifier) DO NOTHING RETURNING blueprint, identifier, kind, record_id"
  );
}

/**
 * Inserts rows in order; a row whose (blueprint, identifier) is already staged, by an earlier row of
 * this call or earlier, is not inserted. Returns the rows that were not inserted.
 */
export async function insertStagedEntities(db: StagingDb, rows: readonly StagedEntityRow[]): Promise<StagedEntityRow[]> {
  const rejected: StagedEntityRow[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const parameters = chunk.flatMap((row) => COLUMNS.map((column) => row[column]));
    const inserted = await db.executeQuery<Pick<StagedEntityRow, "blueprint" | "identifier" | "kind" | "record_id">>(
      CompiledQuery.raw(insertStatement(chunk.length), parameters),
    );
    if (inserted.rows.length === chunk.length) continue;
    const kept = new Set(inserted.rows.map(keyOf));
    for (const row of chunk) {
      const key = keyOf(row);
      // Two rows of one record may share a key (itemsToParse); only the first of them was kept.
      if (kept.has(key)) kept.delete(key);
      else rejected.push(row);
    }
  }
  return rejected;
}

function keyOf(row: Pick<StagedEntityRow, "kind" | "record_id" | "blueprint" | "identifier">): string {
  return `${row.kind}\u0000${row.record_id}\u0000${row.blueprint}\u0000${row.identifier}`;
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
      eb.fn.sum<number>(sql<number>`held_back_reason IS NOT NULL`).as("held_back"),
    ])
    .where("kind", "in", kinds)
    .groupBy(["kind", "blueprint"])
    .orderBy("kind")
    .orderBy("blueprint")
    .execute();
  return rows.map((row) => ({ kind: row.kind, blueprint: row.blueprint, entities: Number(row.entities), held_back: Number(row.held_back) }));
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
        'relation targets are neither staged nor in Port, and createMissingRelatedEntities is false: ' ||
          group_concat(relation || ' -> ' || target_blueprint || '/' || target_identifier, ', '
            ORDER BY relation, target_blueprint, target_identifier) AS reason
      FROM relation_issues
      WHERE run_id = ${runId} AND kind IN (${sql.join(kinds)})
      GROUP BY blueprint, identifier
    ) AS missing
    WHERE staged_entities.blueprint = missing.blueprint
      AND staged_entities.identifier = missing.identifier
      AND staged_entities.held_back_reason IS NULL`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
