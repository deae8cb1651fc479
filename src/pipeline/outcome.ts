import type { ExtractSummary, LoadSummary, RunSummary, TransformSummary } from "../model/summary";

/**
 * Decides how a run ended from its stage summaries: failed when a kind did not extract or its pages
 * held items that could not be stored, Port refused
 * entities, or a blueprint's deletions were withheld over the threshold; interrupted when stopped by a
 * signal. Returns one line per problem, for the summary and the exit message.
 */
export function judgeRun(
  summaries: { extract?: ExtractSummary | undefined; transform?: TransformSummary | undefined; load?: LoadSummary | undefined },
  interrupted: boolean,
): { status: RunSummary["status"]; errors: string[] } {
  const errors: string[] = [];
  for (const kind of summaries.extract?.kinds ?? []) {
    if (kind.status === "failed") errors.push(`extract ${kind.name}: ${kind.error ?? "failed"}`);
    if (kind.rejected > 0) {
      errors.push(
        `extract ${kind.name}: ${kind.rejected} item${kind.rejected === 1 ? " was" : "s were"} not stored (not an object, or no usable id; see etl status); ` +
          "deletions of the blueprints it feeds are withheld",
      );
    }
  }
  for (const blueprint of summaries.load?.blueprints ?? []) {
    if (blueprint.failed > 0) errors.push(`load ${blueprint.blueprint}: Port refused ${blueprint.failed} entit${blueprint.failed === 1 ? "y" : "ies"} (see etl status; they are retried next run)`);
    if (blueprint.deleteBlock === "threshold" && blueprint.deletesWithheld > 0) {
      errors.push(
        `load ${blueprint.blueprint}: ${blueprint.deletesWithheld} deletions withheld, more than the entityDeletionThreshold allows; ` +
          "check the source, then rerun with --allow-mass-delete if they are real",
      );
    }
  }
  if (interrupted) return { status: "interrupted", errors };
  return { status: errors.length > 0 ? "failed" : "succeeded", errors };
}
