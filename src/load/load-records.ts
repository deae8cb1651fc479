import type { StagingDb } from "../../db/database";
import { listLatestExtractStatus } from "../../db/queries/load-inputs";
import { countSnapshotRowsOf, listRecordEntities, listRecordOrphans, type RecordScope } from "../../db/queries/record-entities";
import type { Blueprint } from "../model/blueprint";
import type { PortAppConfig } from "../model/mapping";
import type { LoadFailure } from "../model/summary";
import { applyWrites } from "./loader";
import { decideExtractBlock, listFeedingKinds, type BlueprintPlan } from "./plan";
import type { PortClient } from "./port-client";
import { planRecordLoad, recordKeyOf, selectDependentRelations } from "./record-plan";
import { orderBlueprintLevels } from "./relation-order";

/** Bulk requests in flight at once, as a full load sends them. */
const CONCURRENCY = 4;

export interface RecordsLoadDeps {
  readonly db: StagingDb;
  /** Kept open by the caller across loads: its access token is reused until it is stale. */
  readonly client: PortClient;
}

export interface RecordsLoadInput {
  readonly runId: number;
  readonly mapping: PortAppConfig;
  readonly blueprints: readonly Blueprint[];
  /** Per kind, the records whose entities are pushed (their current outcome). */
  readonly records: RecordScope;
  /** Per kind, those of `records` the API confirmed gone: their entities are deleted without the guards of a full load. */
  readonly gone: RecordScope;
}

function isTransient(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

function describeFailure(failure: LoadFailure): string {
  return `Port refused the ${failure.operation} of ${failure.blueprint} ${failure.identifier}${failure.status === undefined ? "" : ` (${failure.status})`}: ${failure.message}`;
}

function nothingPlanned(blueprint: string): BlueprintPlan {
  return { blueprint, creates: 0, updates: 0, deletes: 0, unchanged: 0, heldBack: 0, kept: 0, deletesWithheld: 0 };
}

/** What the load did for one record (by recordKeyOf). */
export type RecordLoadOutcome = { readonly writes: number } | { readonly error: string };

function mergeScopes(left: RecordScope, right: RecordScope): Map<string, string[]> {
  const merged = new Map<string, Set<string>>();
  for (const scope of [left, right]) for (const [kind, ids] of scope) merged.set(kind, new Set([...(merged.get(kind) ?? []), ...ids]));
  return new Map([...merged].map(([kind, ids]) => [kind, [...ids]]));
}

/**
 * The load of a few records (`serve`): diffs the entities those records stage against the snapshot
 * rows pushed from them (planRecordLoad) and pushes the differences through the loader of a full
 * load (relation order, bulk batches, the snapshot updated per confirmed batch, refusals in
 * load_errors), narrowed to those records; nothing else of Port is read or written, and no
 * blueprint is created (the runs do that). Returns the outcome per record: the writes Port confirmed,
 * or why not all of its writes were made. Throws only unexpected faults (the database).
 */
export async function loadRecords(deps: RecordsLoadDeps, input: RecordsLoadInput): Promise<Map<string, RecordLoadOutcome>> {
  const { db, client } = deps;
  const scope = mergeScopes(input.records, input.gone);
  const entities = await listRecordEntities(db, scope);
  const orphans = await listRecordOrphans(db, scope);
  const guarded = [...new Set(orphans.filter((row) => !row.unmapped).map((row) => row.blueprint))];
  const snapshotCounts = await countSnapshotRowsOf(db, guarded);
  const latest = guarded.length > 0 ? await listLatestExtractStatus(db) : new Map();
  const confirmedGone = new Set([...input.gone].flatMap(([kind, ids]) => ids.map((id) => recordKeyOf(kind, id))));
  const plan = planRecordLoad({
    entities,
    orphans,
    confirmedGone,
    extractBlock: (blueprint) => decideExtractBlock(listFeedingKinds(blueprint, input.mapping.resources, []), latest),
    snapshotCount: (blueprint) => snapshotCounts.get(blueprint) ?? 0,
    threshold: input.mapping.entityDeletionThreshold,
  });
  const outcomes = new Map<string, RecordLoadOutcome>();
  for (const [kind, ids] of scope) for (const id of ids) outcomes.set(recordKeyOf(kind, id), { writes: plan.writes.get(recordKeyOf(kind, id))?.length ?? 0 });
  if (plan.writes.size === 0) return outcomes;

  const relations = input.blueprints.flatMap((blueprint) => Object.entries(blueprint.relations).map(([name, relation]) => ({ blueprint: blueprint.identifier, name, target: relation.target })));
  const dependentRelations = input.mapping.deleteDependentEntities
    ? selectDependentRelations(
        relations,
        plan.blueprints.filter((blueprint) => blueprint.deletes > 0).map((blueprint) => blueprint.blueprint),
      )
    : [];
  // The blueprints of dependents Port may delete with ours are in the levels too, with nothing planned:
  // the loader creates again, level by level, the staged ones it deleted.
  const planBy = new Map<string, BlueprintPlan>(dependentRelations.map((relation) => [relation.blueprint, nothingPlanned(relation.blueprint)]));
  for (const blueprint of plan.blueprints) planBy.set(blueprint.blueprint, blueprint);
  const levels = orderBlueprintLevels([...planBy.keys()], (blueprint) => relations.filter((relation) => relation.blueprint === blueprint).map((relation) => relation.target)).map(
    (level) => level.map((blueprint) => planBy.get(blueprint) as BlueprintPlan),
  );
  const applied = await applyWrites(
    { db, client, runId: input.runId },
    {
      flags: { merge: input.mapping.enableMergeEntity, createMissingRelatedEntities: input.mapping.createMissingRelatedEntities },
      deleteDependents: input.mapping.deleteDependentEntities,
      concurrency: CONCURRENCY,
      relations: dependentRelations,
      // Every kind: the staged entities Port deletes as dependents of a deletion (a deleted incident's
      // follow-ups) are created again whatever kind stages them; what is upserted is narrowed by `records`.
      kinds: [...new Set(input.mapping.resources.map((resource) => resource.kind))],
      records: { upsertable: scope, deletable: plan.deletable },
    },
    levels,
  );
  const refused = new Map(applied.failures.map((failure) => [`${failure.blueprint}\u0000${failure.identifier}`, failure]));
  for (const [key, planned] of plan.writes) {
    if (applied.fatal) {
      outcomes.set(key, { error: `Port could not be reached: ${applied.fatal.message}` });
      continue;
    }
    const failures = planned.flatMap((write) => refused.get(`${write.blueprint}\u0000${write.identifier}`) ?? []);
    // A refusal Port may not repeat (no answer, 429, 5xx) is tried again with the record's events; one it
    // will repeat is in load_errors, as a run leaves it, for the next run to retry.
    const transient = failures.find((failure) => isTransient(failure.status));
    outcomes.set(key, transient ? { error: describeFailure(transient) } : { writes: planned.length - failures.length });
  }
  return outcomes;
}
