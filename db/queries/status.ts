import type { StagingDb } from "../database";
import { isHeldBack } from "./pushable";

/** Per kind: raw records held, and the most recent extract attempt. */
export async function listKindOverview(db: StagingDb) {
  const raw = await db.selectFrom("raw_records").select(["kind"]).select((eb) => eb.fn.countAll<number>().as("records")).groupBy("kind").execute();
  const latest = await db
    .selectFrom("extract_status as s")
    .selectAll("s")
    .where("s.run_id", "=", (eb) => eb.selectFrom("extract_status as t").select((t) => t.fn.max("t.run_id").as("m")).whereRef("t.kind", "=", "s.kind"))
    .execute();
  return { rawByKind: new Map(raw.map((r) => [r.kind, Number(r.records)])), latestExtract: new Map(latest.map((r) => [r.kind, r])) };
}

/** The most recent mapping errors, newest first. */
export async function listLatestMappingErrors(db: StagingDb, limit: number) {
  return db.selectFrom("mapping_errors").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/** The most recent dangling relations, newest first. */
export async function listLatestRelationIssues(db: StagingDb, limit: number) {
  return db.selectFrom("relation_issues").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/** The most recent entities Port refused, newest first. */
export async function listLatestLoadErrors(db: StagingDb, limit: number) {
  return db.selectFrom("load_errors").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/** Held-back entities with their reasons, newest kinds first. */
export async function listHeldBack(db: StagingDb, limit: number) {
  return db
    .selectFrom("staged_entities")
    .select(["blueprint", "identifier", "kind", "held_back_reason"])
    .where(isHeldBack())
    .orderBy("kind")
    .limit(limit)
    .execute();
}

/** Who holds the pipeline lock, if anyone. */
export async function readLockHolder(db: StagingDb) {
  return db.selectFrom("locks").selectAll().where("name", "=", "pipeline").executeTakeFirst();
}
