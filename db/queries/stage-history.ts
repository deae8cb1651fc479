import type { StagingDb } from "../database";

export interface KindExtract {
  readonly kind: string;
  readonly runId: number;
  readonly finishedAt: string;
}

export interface TransformRun {
  readonly runId: number;
  /** The kinds its summary lists; empty when it recorded none. */
  readonly kinds: readonly string[];
}

/**
 * The last finished extract of each of `kinds` that may have changed its raw records: one that stored
 * records, or read the kind in full (which may have found records gone).
 */
export async function listLastExtracts(db: StagingDb, kinds: readonly string[]): Promise<KindExtract[]> {
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom("extract_status")
    .select(["kind", "run_id", "finished_at"])
    .where("kind", "in", [...kinds])
    .where("status", "!=", "running")
    .where((eb) => eb.or([eb("records", ">", 0), eb("mode", "=", "full")]))
    .orderBy("run_id", "desc")
    .execute();
  const last = new Map<string, KindExtract>();
  for (const row of rows) if (!last.has(row.kind)) last.set(row.kind, { kind: row.kind, runId: row.run_id, finishedAt: row.finished_at ?? "" });
  return [...last.values()];
}

/** The transform stages that finished in run `fromRunId` or later, with the kinds each one's summary lists. */
export async function listTransformsSince(db: StagingDb, fromRunId: number): Promise<TransformRun[]> {
  const rows = await db
    .selectFrom("run_stages")
    .select(["run_id", "summary_json"])
    .where("stage", "=", "transform")
    .where("status", "!=", "running")
    .where("run_id", ">=", fromRunId)
    .execute();
  return rows.map((row) => {
    const summary = JSON.parse(row.summary_json ?? "null") as { kinds?: { kind?: unknown }[] } | null;
    const kinds = (summary?.kinds ?? []).flatMap((entry) => (typeof entry.kind === "string" ? [entry.kind] : []));
    return { runId: row.run_id, kinds };
  });
}
