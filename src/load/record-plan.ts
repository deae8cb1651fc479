import type { RecordEntityRow, RecordOrphanRow } from "../../db/queries/record-entities";
import { decideDeleteBlock, type BlueprintPlan, type ExtractBlock } from "./plan";

/** The key of one record in the maps below (NUL never occurs in kinds). */
export function recordKeyOf(kind: string, recordId: string): string {
  return `${kind}\u0000${recordId}`;
}

export interface RecordPlanInput {
  /** The staged entities of the records in scope. */
  readonly entities: readonly RecordEntityRow[];
  /** The snapshot rows pushed from them that nothing stages any more. */
  readonly orphans: readonly RecordOrphanRow[];
  /** Keys (recordKeyOf) of the records the API confirmed gone (a 404 on a read by ID). */
  readonly confirmedGone: ReadonlySet<string>;
  /** Why the extracts of the kinds feeding a blueprint cannot tell what disappeared (decideExtractBlock). */
  readonly extractBlock: (blueprint: string) => ExtractBlock | undefined;
  /** The snapshot rows the blueprint holds. */
  readonly snapshotCount: (blueprint: string) => number;
  /** entityDeletionThreshold. */
  readonly threshold: number;
}

/** One entity write the plan sends for a record. */
interface PlannedWrite {
  readonly blueprint: string;
  readonly identifier: string;
}

export interface RecordPlan {
  /** Per blueprint in play, what the load does (the counts applyWrites sends). */
  readonly blueprints: readonly BlueprintPlan[];
  /** Per kind, the records whose orphans are deleted. */
  readonly deletable: ReadonlyMap<string, readonly string[]>;
  /** Per record key, the writes planned for it. */
  readonly writes: ReadonlyMap<string, readonly PlannedWrite[]>;
}

/**
 * Plans a load narrowed to a few records (serve). Their staged entities are created or updated
 * where the snapshot lacks them or differs; held-back ones are kept as last pushed. Of the snapshot
 * rows they no longer stage, those of unmapped records are kept (decideSnapshotFate); those of
 * records the API confirmed gone are deleted, whatever the extracts and the threshold say, since the
 * absence is confirmed; the others (a record that maps to another identifier now, or that its
 * selector filters out) are deleted under the guards of a full load (decideDeleteBlock). Pure.
 */
export function planRecordLoad(input: RecordPlanInput): RecordPlan {
  const blueprints = new Set([...input.entities.map((row) => row.blueprint), ...input.orphans.map((row) => row.blueprint)]);
  const writes = new Map<string, PlannedWrite[]>();
  const deletable = new Map<string, Set<string>>();
  const addWrite = (kind: string, recordId: string, write: PlannedWrite): void => {
    const key = recordKeyOf(kind, recordId);
    writes.set(key, [...(writes.get(key) ?? []), write]);
  };
  const plans = [...blueprints].sort().map((blueprint): BlueprintPlan => {
    let creates = 0;
    let updates = 0;
    let unchanged = 0;
    let heldBack = 0;
    let kept = 0;
    for (const row of input.entities) {
      if (row.blueprint !== blueprint) continue;
      if (row.heldBack) {
        heldBack += 1;
        // Port holds its last pushed version, which stays (decideSnapshotFate).
        if (!row.isCreate) kept += 1;
        continue;
      }
      if (row.isUnchanged) unchanged += 1;
      else {
        if (row.isCreate) creates += 1;
        else updates += 1;
        addWrite(row.kind, row.recordId, { blueprint, identifier: row.identifier });
      }
    }
    const orphans = input.orphans.filter((row) => row.blueprint === blueprint);
    const gone = orphans.filter((row) => !row.unmapped);
    kept += orphans.length - gone.length;
    const confirmed = gone.filter((row) => input.confirmedGone.has(recordKeyOf(row.kind, row.recordId)));
    const guarded = gone.filter((row) => !input.confirmedGone.has(recordKeyOf(row.kind, row.recordId)));
    const deleteBlock = decideDeleteBlock({
      deletions: guarded.length,
      snapshotCount: guarded.length === 0 ? 0 : input.snapshotCount(blueprint),
      extractBlock: guarded.length === 0 ? undefined : input.extractBlock(blueprint),
      threshold: input.threshold,
      allowMassDelete: false,
    });
    const deleted = deleteBlock === undefined ? [...confirmed, ...guarded] : confirmed;
    for (const row of deleted) {
      deletable.set(row.kind, (deletable.get(row.kind) ?? new Set()).add(row.recordId));
      addWrite(row.kind, row.recordId, { blueprint, identifier: row.identifier });
    }
    const withheld = deleteBlock === undefined ? 0 : guarded.length;
    return {
      blueprint,
      creates,
      updates,
      deletes: deleted.length,
      unchanged,
      heldBack,
      kept,
      deletesWithheld: withheld,
      ...(deleteBlock === undefined ? {} : { deleteBlock }),
    };
  });
  return { blueprints: plans, deletable: new Map([...deletable].map(([kind, ids]) => [kind, [...ids].sort()])), writes };
}

/** A relation a blueprint declares: entities of `blueprint` name entities of `target` through it. */
interface Relation {
  readonly blueprint: string;
  readonly target: string;
}

/**
 * The relations through which deleting entities of `deleting` can reach dependents, directly or
 * through dependents of dependents: those targeting a blueprint of `deleting`, then those targeting
 * a blueprint such a relation starts from, and so on. Indexing only these finds the same dependents
 * Port deletes along with ours (deleteDependentEntities) as indexing every relation, without reading
 * the snapshot rows of blueprints no deletion can reach. Pure.
 */
export function selectDependentRelations<R extends Relation>(relations: readonly R[], deleting: Iterable<string>): R[] {
  const reached = new Set(deleting);
  for (let grew = true, round = 0; grew && round <= relations.length; round += 1) {
    grew = false;
    for (const relation of relations) {
      if (reached.has(relation.target) && !reached.has(relation.blueprint)) {
        reached.add(relation.blueprint);
        grew = true;
      }
    }
  }
  return relations.filter((relation) => reached.has(relation.target));
}
