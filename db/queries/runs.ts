import type BetterSqlite3 from "better-sqlite3";
import type { StagingDb } from "../database";

export type RunStatus = "running" | "succeeded" | "failed" | "interrupted";

/** Inserts a `running` run and returns its id. `options` must hold no secrets (it is shown by `etl status`). */
export async function createRun(db: StagingDb, command: string, options: Record<string, unknown>, startedAt: string): Promise<number> {
  const row = await db
    .insertInto("runs")
    .values({ command, status: "running", started_at: startedAt, options_json: JSON.stringify(options) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records how a run ended, with its summary (JSON-serializable, secret-free). */
export async function finishRun(
  db: StagingDb,
  id: number,
  result: { status: Exclude<RunStatus, "running">; finishedAt: string; summary: unknown; error: string | undefined },
): Promise<void> {
  await db
    .updateTable("runs")
    .set({ status: result.status, finished_at: result.finishedAt, summary_json: JSON.stringify(result.summary), error: result.error ?? null })
    .where("id", "=", id)
    .execute();
}

/** Records that a stage of a run started. */
export async function startStage(db: StagingDb, runId: number, stage: string, startedAt: string): Promise<void> {
  await db.insertInto("run_stages").values({ run_id: runId, stage, status: "running", started_at: startedAt }).execute();
}

/** Records how a stage of a run ended. */
export async function finishStage(
  db: StagingDb,
  runId: number,
  stage: string,
  result: { status: Exclude<RunStatus, "running">; finishedAt: string; summary: unknown; error: string | undefined },
): Promise<void> {
  await db
    .updateTable("run_stages")
    .set({ status: result.status, finished_at: result.finishedAt, summary_json: JSON.stringify(result.summary ?? null), error: result.error ?? null })
    .where("run_id", "=", runId)
    .where("stage", "=", stage)
    .execute();
}

/**
 * Marks runs still `running` as `interrupted`: called by a process that holds the staging file's lock,
 * so any other `running` row belongs to a process that died (SIGKILL, power loss) without finishing it.
 */
export async function closeAbandonedRuns(db: StagingDb, exceptRunId: number, finishedAt: string): Promise<void> {
  const error = "the process ended without finishing this run (killed or crashed); the next run repaired its effects";
  await db
    .updateTable("runs")
    .set({ status: "interrupted", finished_at: finishedAt, error })
    .where("status", "=", "running")
    .where("id", "!=", exceptRunId)
    .execute();
  await db
    .updateTable("run_stages")
    .set({ status: "interrupted", finished_at: finishedAt })
    .where("status", "=", "running")
    .where("run_id", "!=", exceptRunId)
    .execute();
}

/** The most recent runs, newest first, with their stages. */
export async function listRecentRuns(db: StagingDb, limit: number) {
  const runs = await db.selectFrom("runs").selectAll().orderBy("id", "desc").limit(limit).execute();
  const ids = runs.map((r) => r.id);
  const stages = ids.length === 0 ? [] : await db.selectFrom("run_stages").selectAll().where("run_id", "in", ids).execute();
  return runs.map((run) => ({ ...run, stages: stages.filter((s) => s.run_id === run.id) }));
}

/**
 * Marks a run and its unfinished stages `interrupted`, synchronously on the raw connection: for a
 * process about to exit at once (a second Ctrl-C), where no promise would run. A run already finished
 * keeps its status.
 */
export function markRunInterruptedNow(sqlite: BetterSqlite3.Database, runId: number, finishedAt: string, error: string): void {
  if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
  sqlite.transaction(() => {
    sqlite.prepare("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'").run(finishedAt, error, runId);
    sqlite.prepare("UPDATE run_stages SET status = 'interrupted', finished_at = ? WHERE run_id = ? AND status = 'running'").run(finishedAt, runId);
  })();
}
