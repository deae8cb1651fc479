import type { ExtractSummary, LoadSummary, RunSummary, TransformSummary } from "../model/summary";
import { programName } from "../program-name";

/**
 * Decides how a run ended from its stage summaries: failed when a kind did not extract or its pages
 * held items that could not be stored, records could not be mapped or entities were kept as last
 * pushed, Port refused
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
        `extract ${kind.name}: ${kind.rejected} item${kind.rejected === 1 ? " was" : "s were"} not stored (not an object, or no usable id; see ${programName()} status); ` +
          "deletions of the blueprints it feeds are withheld",
      );
    }
  }
  const kept = describeKept(summaries);
  if (kept !== undefined) errors.push(kept);
  for (const blueprint of summaries.load?.blueprints ?? []) {
    if (blueprint.failed > 0) errors.push(`load ${blueprint.blueprint}: Port refused ${blueprint.failed} entit${blueprint.failed === 1 ? "y" : "ies"} (see ${programName()} status; they are retried next run)`);
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

/**
 * One line for the records that could not be mapped and the entities kept in Port as last pushed
 * (the deletion rule keeps them rather than delete them): a run that leaves Port behind the source
 * must not look like a success to a scheduler. Undefined when there are none.
 */
function describeKept(summaries: { transform?: TransformSummary | undefined; load?: LoadSummary | undefined }): string | undefined {
  const unmapped = (summaries.transform?.kinds ?? []).reduce((sum, kind) => sum + (kind.unmapped ?? 0), 0);
  const kept = (summaries.load?.blueprints ?? []).reduce((sum, blueprint) => sum + (blueprint.kept ?? 0), 0);
  if (unmapped === 0 && kept === 0) return undefined;
  const one = (count: number, singular: string, plural: string): string => (count === 1 ? singular : plural);
  const parts = [
    unmapped > 0
      ? `transform: ${unmapped} ${one(unmapped, "record", "records")} could not be mapped (unparseable by jq, or a jq error in ${one(unmapped, "its", "their")} identifier, blueprint or selector)`
      : undefined,
    kept > 0
      ? `load: ${kept} ${one(kept, "entity was", "entities were")} kept in Port as last pushed, neither updated nor deleted (${one(kept, "its", "their")} record could not be mapped, or ${one(kept, "its", "their")} new version is held back)`
      : `the entities ${one(unmapped, "it", "they")} made before stay in Port as last pushed`,
  ];
  return `${parts.filter(Boolean).join("; ")}; see ${programName()} status for the records and reasons`;
}
