import type { StagingDb } from "../database";
import { isHeldBack } from "./pushable";

// Read-only queries the load stage runs over tables other stages write (staged_entities,
// extract_status, raw_records). They live apart from those tables' own query files so that each
// stage keeps one file per table it writes.

/** The staged JSON, hash and kind of some identifiers of one blueprint, and whether transform held them back, by identifier (absent ones are left out). */
export async function readStagedEntities(
  db: StagingDb,
  blueprint: string,
  identifiers: readonly string[],
): Promise<Map<string, { entityJson: string; hash: string; kind: string; heldBack: boolean }>> {
  if (identifiers.length === 0) return new Map();
  const rows = await db
    .selectFrom("staged_entities")
    .select(["identifier", "entity_json", "hash", "kind"])
    .select(isHeldBack().as("held_back"))
    .where("blueprint", "=", blueprint)
    .where("identifier", "in", identifiers)
    .execute();
  return new Map(rows.map((row) => [row.identifier, { entityJson: row.entity_json, hash: row.hash, kind: row.kind, heldBack: Boolean(row.held_back) }]));
}

/** Each kind's latest extract: its status (`complete`, `failed` or `running`), mode (`full` or `incremental`) and items rejected. */
export async function listLatestExtractStatus(db: StagingDb): Promise<Map<string, { status: string; mode: string; rejected: number }>> {
  const rows = await db.selectFrom("extract_status").select(["kind", "status", "mode", "rejected"]).orderBy("run_id").execute();
  return new Map(rows.map((row) => [row.kind, { status: row.status, mode: row.mode, rejected: row.rejected }]));
}

/** Up to `limit` raw records of a kind, parsed, in key order. */
export async function listRawExamples(db: StagingDb, kind: string, limit: number): Promise<unknown[]> {
  const rows = await db
    .selectFrom("raw_records")
    .select("payload")
    .where("kind", "=", kind)
    .orderBy("parent_key")
    .orderBy("record_id")
    .limit(limit)
    .execute();
  return rows.map((row) => JSON.parse(row.payload) as unknown);
}
