import type { ReconcileReason } from "../model/summary";

const HOUR_MS = 3_600_000;

export interface ReconcileScheduleInput {
  /** `--reconcile`, or `--adopt-port` (the snapshot was emptied and must be rebuilt from the new Port). */
  readonly requested: boolean;
  readonly fullRefresh: boolean;
  /** ETL_RECONCILE_EVERY_HOURS; 0 = never on a schedule. */
  readonly everyHours: number;
  /** The file's binding, when it has one. */
  readonly binding: { readonly lastReconciledAt: string | null } | undefined;
  /** Snapshot rows: with none, Port holds nothing the file knows of, so there is nothing to drift. */
  readonly snapshotRows: number;
  readonly now: number;
}

/**
 * Why a load should rebuild the snapshot from Port before diffing, or undefined when it need not.
 * Asked for, or a full refresh (which re-reads the source, so it re-reads Port too and ends exact);
 * else on the schedule: when the last complete reconcile is older than `everyHours`, or there never
 * was one although the snapshot holds entities (a file from before bindings, or a reconcile that
 * never finished). A file that has pushed nothing yet starts its clock when it is bound. Pure.
 */
export function decideReconcileReason(input: ReconcileScheduleInput): ReconcileReason | undefined {
  if (input.requested) return "requested";
  if (input.fullRefresh) return "full-refresh";
  if (!(input.everyHours > 0) || input.snapshotRows === 0) return undefined;
  const last = input.binding?.lastReconciledAt;
  if (last === null || last === undefined) return "never-reconciled";
  const at = Date.parse(last);
  if (Number.isNaN(at)) return "never-reconciled";
  return input.now - at >= input.everyHours * HOUR_MS ? "schedule" : undefined;
}
