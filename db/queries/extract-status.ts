import type { StagingDb } from "../database";

export interface ExtractCounters {
  readonly pages: number;
  readonly records: number;
  readonly requests: number;
  /** Items that could not be stored as records (listed in rejected_items). */
  readonly rejected: number;
}

/** Records that a kind's extract started in run `runId`; `since` is the update-time filter value an incremental read sends. */
export async function startExtractStatus(
  db: StagingDb,
  init: { runId: number; kind: string; mode: "full" | "incremental"; since?: string | undefined; startedAt: string },
): Promise<void> {
  await db
    .insertInto("extract_status")
    .values({ run_id: init.runId, kind: init.kind, mode: init.mode, since: init.since ?? null, status: "running", started_at: init.startedAt })
    .execute();
}

export interface ExtractAttemptRow {
  readonly runId: number;
  readonly mode: "full" | "incremental";
  readonly status: string;
  readonly startedAt: string;
}

/**
 * The extracts of `kind` from its latest complete full one on (every one when none completed), in
 * run order: all that deciding the next extract's mode needs, however long the history grows.
 */
export async function listExtractHistory(db: StagingDb, kind: string): Promise<ExtractAttemptRow[]> {
  const rows = await db
    .selectFrom("extract_status")
    .select(["run_id", "mode", "status", "started_at"])
    .where("kind", "=", kind)
    .where("run_id", ">=", (eb) =>
      eb
        .selectFrom("extract_status")
        .select((inner) => inner.fn.coalesce(inner.fn.max("run_id"), inner.lit(0)).as("from_run"))
        .where("kind", "=", kind)
        .where("status", "=", "complete")
        .where("mode", "=", "full"),
    )
    .orderBy("run_id")
    .execute();
  return rows.map((row) => ({ runId: row.run_id, mode: row.mode === "incremental" ? "incremental" : "full", status: row.status, startedAt: row.started_at }));
}

/** Updates a running kind's counters (totals so far, not increments). */
export async function updateExtractCounters(db: StagingDb, runId: number, kind: string, counters: ExtractCounters): Promise<void> {
  await db
    .updateTable("extract_status")
    .set({ pages: counters.pages, records: counters.records, requests: counters.requests, rejected: counters.rejected })
    .where("run_id", "=", runId)
    .where("kind", "=", kind)
    .execute();
}

export type ExtractOutcome =
  | { readonly status: "complete" }
  | {
      readonly status: "failed";
      /** Path of the failing request (no query string), its cursor, HTTP status (null = no response) and message. */
      readonly endpoint: string | null;
      readonly cursor: string | null;
      readonly httpStatus: number | null;
      readonly error: string;
    };

/**
 * Records how a kind's extract ended, with its final counters, and its mode when given: an incremental
 * read may have turned into a full one (too many alerts to read by ID), which then counts as a full read.
 */
export async function finishExtractStatus(
  db: StagingDb,
  runId: number,
  kind: string,
  result: { counters: ExtractCounters; finishedAt: string; outcome: ExtractOutcome; mode?: "full" | "incremental" },
): Promise<void> {
  const { outcome } = result;
  await db
    .updateTable("extract_status")
    .set({
      ...result.counters,
      ...(result.mode === undefined ? {} : { mode: result.mode }),
      ...(result.mode === "full" ? { since: null } : {}),
      status: outcome.status,
      finished_at: result.finishedAt,
      endpoint: outcome.status === "failed" ? outcome.endpoint : null,
      cursor: outcome.status === "failed" ? outcome.cursor : null,
      http_status: outcome.status === "failed" ? outcome.httpStatus : null,
      error: outcome.status === "failed" ? outcome.error : null,
    })
    .where("run_id", "=", runId)
    .where("kind", "=", kind)
    .execute();
}

/**
 * The pages and records of `kind`'s latest complete full read, or undefined when none completed:
 * what the page bound of its next read scales with.
 */
export async function readLastCompleteRead(db: StagingDb, kind: string): Promise<{ pages: number; records: number } | undefined> {
  const row = await db
    .selectFrom("extract_status")
    .select(["pages", "records"])
    .where("kind", "=", kind)
    .where("status", "=", "complete")
    .where("mode", "=", "full")
    .orderBy("run_id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { pages: row.pages, records: row.records };
}
