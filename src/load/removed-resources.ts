import type { StagingDb } from "../../db/database";
import { recordLoadErrors } from "../../db/queries/load-errors";
import { listRemovedResourcePage, type MappingCoverage, type RemovedResourceTally } from "../../db/queries/port-binding";
import { forgetSnapshotRows } from "../../db/queries/snapshot-ledger";
import { dropSnapshotRelations, indexSnapshotRelations, listDependents, type RelationDefinition } from "../../db/queries/snapshot-relations";
import { HttpError } from "../errors";
import type { RemovedResourceSummary } from "../model/summary";
import { MAX_DELETE_BATCH, readDeleteReply } from "./batches";
import type { PortClient } from "./port-client";

/** Batches of one blueprint before the deletion gives up on a page that never shrinks (10 million entities). */
const MAX_DELETE_BATCHES = 100_000;

/**
 * Decides, per blueprint and kind, what happens to the entities of resources no longer in the
 * mapping: nothing unless `deleteRequested`; then deleted unless the blueprint's share of them is
 * over `threshold` (as the diff's deletions: removed / snapshot rows of the blueprint) without
 * `allowMassDelete`. `deleted` is what would be deleted. Pure.
 */
export function planRemovedResources(
  tallies: readonly RemovedResourceTally[],
  rules: { readonly deleteRequested: boolean; readonly threshold: number; readonly allowMassDelete: boolean },
): RemovedResourceSummary[] {
  const removedOf = new Map<string, number>();
  for (const tally of tallies) removedOf.set(tally.blueprint, (removedOf.get(tally.blueprint) ?? 0) + tally.entities);
  return tallies.map((tally) => {
    const share = (removedOf.get(tally.blueprint) ?? 0) / Math.max(tally.blueprintEntities, 1);
    const deleteBlock = !rules.deleteRequested ? "not-requested" : !rules.allowMassDelete && share > rules.threshold ? "threshold" : undefined;
    return { blueprint: tally.blueprint, kind: tally.kind, entities: tally.entities, deleted: deleteBlock ? 0 : tally.entities, ...(deleteBlock ? { deleteBlock } : {}) };
  });
}

/**
 * Deletes from Port the entities of removed resources the plan lets go, blueprint by blueprint, in
 * batches read page by page from the snapshot; each confirmed batch leaves the snapshot in the same
 * step, and refusals go to load_errors (retried next run, as they are still listed). With
 * `deleteDependents`, the entities Port deletes along with them (those whose relations lead to
 * them) leave the snapshot in that step too, so the next run sends the staged ones again. Returns
 * the deletions Port confirmed, per blueprint, and how many dependents were forgotten; stops early
 * on a signal or when Port cannot be reached.
 */
export async function deleteRemovedResources(
  deps: { readonly db: StagingDb; readonly client: PortClient; readonly runId: number; readonly signal?: AbortSignal | undefined },
  coverage: MappingCoverage,
  plans: readonly RemovedResourceSummary[],
  dependents: { readonly deleteDependents: boolean; readonly relations: readonly RelationDefinition[] },
): Promise<{ readonly deleted: Map<string, number>; readonly forgotten: number; readonly fatal?: HttpError }> {
  const blueprints = [...new Set(plans.filter((plan) => plan.deleted > 0).map((plan) => plan.blueprint))];
  if (blueprints.length === 0) return { deleted: new Map(), forgotten: 0 };
  if (dependents.deleteDependents) await indexSnapshotRelations(deps.db, dependents.relations);
  try {
    return await deleteBlueprints(deps, coverage, blueprints, dependents.deleteDependents);
  } finally {
    if (dependents.deleteDependents) await dropSnapshotRelations(deps.db);
  }
}

async function deleteBlueprints(
  deps: { readonly db: StagingDb; readonly client: PortClient; readonly runId: number; readonly signal?: AbortSignal | undefined },
  coverage: MappingCoverage,
  blueprints: readonly string[],
  deleteDependents: boolean,
): Promise<{ readonly deleted: Map<string, number>; readonly forgotten: number; readonly fatal?: HttpError }> {
  const deleted = new Map<string, number>();
  let forgotten = 0;
  for (const blueprint of blueprints) {
    let after: string | undefined;
    for (let batch = 0; batch < MAX_DELETE_BATCHES && !deps.signal?.aborted; batch += 1) {
      const identifiers = await listRemovedResourcePage(deps.db, coverage, { blueprint, after, limit: MAX_DELETE_BATCH });
      if (identifiers.length === 0) break;
      after = identifiers.at(-1);
      let reply;
      try {
        reply = await deps.client.deleteEntities(blueprint, identifiers, deleteDependents);
      } catch (error) {
        if (error instanceof HttpError) return { deleted, forgotten, fatal: error };
        throw error;
      }
      const outcome = readDeleteReply(reply.status, reply.body, identifiers);
      const confirmed = outcome.type === "settled" ? outcome.confirmed.map((index) => identifiers[index] as string) : [];
      const rejected = outcome.type === "settled" ? outcome.rejected : identifiers.map((_, index) => ({ index, status: reply.status, message: "Port refused the batch" }));
      await deps.db.transaction().execute(async (trx) => {
        await forgetSnapshotRows(trx, blueprint, confirmed);
        if (deleteDependents) {
          for (const dependent of await listDependents(trx, blueprint, confirmed)) {
            await forgetSnapshotRows(trx, dependent.blueprint, [dependent.identifier]);
            forgotten += 1;
          }
        }
        await recordLoadErrors(
          trx,
          deps.runId,
          rejected.map((rejection) => ({ blueprint, identifier: identifiers[rejection.index] as string, operation: "delete", status: rejection.status ?? null, message: rejection.message })),
        );
      });
      deleted.set(blueprint, (deleted.get(blueprint) ?? 0) + confirmed.length);
    }
  }
  return { deleted, forgotten };
}
