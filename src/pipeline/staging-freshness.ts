import type { StagingDb } from "../../db/database";
import { listLastExtracts, listTransformsSince, type KindExtract, type TransformRun } from "../../db/queries/stage-history";
import { EtlError } from "../errors";
import type { ResourceMapping } from "../model/mapping";
import { programName } from "../program-name";

/**
 * The kinds whose last extract no transform has covered since: a transform of the same run (run maps what
 * it just read) or of a later one counts. Plan and load would otherwise diff what was staged before
 * that extract, and quietly report nothing (or old) changes. Pure.
 */
export function findUntransformedExtracts(extracts: readonly KindExtract[], transforms: readonly TransformRun[]): KindExtract[] {
  return extracts.filter((extract) => !transforms.some((transform) => transform.runId >= extract.runId && transform.kinds.includes(extract.kind)));
}

/** `HH:MM UTC` of an ISO instant, as the message names the extract. */
function clockTime(iso: string): string {
  const match = /T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} UTC` : "an unknown time";
}

/**
 * Refuses a plan or load whose kinds were extracted after their last transform (exit 1): the message
 * names the last such extract and the kinds, and says to run transform first.
 */
export async function refuseUntransformedExtracts(db: StagingDb, resources: readonly ResourceMapping[]): Promise<void> {
  const extracts = await listLastExtracts(db, resources.map((resource) => resource.kind));
  if (extracts.length === 0) return;
  const transforms = await listTransformsSince(db, Math.min(...extracts.map((extract) => extract.runId)));
  const stale = findUntransformedExtracts(extracts, transforms);
  if (stale.length === 0) return;
  const latest = stale.reduce((a, b) => (b.finishedAt > a.finishedAt ? b : a));
  const names = stale.map((extract) => resources.find((resource) => resource.kind === extract.kind)?.name ?? extract.kind);
  throw new EtlError(
    "load",
    `nothing has been transformed since the last extract at ${clockTime(latest.finishedAt)} (${names.join(", ")}); run transform first: ${programName()} transform`,
  );
}
