import type { SnapshotTallyRow as SnapshotTally, StagedTallyRow as StagedTally } from "../../db/queries/load-plan";
import type { ResourceMapping } from "../model/mapping";
import type { DeleteBlock } from "../model/summary";

// The tallies are counted by SQLite (db/queries/load-plan.ts); the plan is decided from them here.
export type { SnapshotTally, StagedTally };

/**
 * What load will do to one blueprint, in counts: the identifiers are read page by page, in
 * identifier order, while the changes are sent, so batches are the same from run to run.
 */
export interface BlueprintPlan {
  readonly blueprint: string;
  readonly creates: number;
  readonly updates: number;
  /** Deletions to send (0 when withheld). */
  readonly deletes: number;
  readonly unchanged: number;
  readonly heldBack: number;
  /** Entities Port holds that are left as last pushed: their record could not be mapped, or their new version is held back. */
  readonly kept: number;
  readonly deletesWithheld: number;
  readonly deleteBlock?: DeleteBlock;
}

export interface PlanInput {
  /** The blueprints this load covers, in any order. */
  readonly blueprints: readonly string[];
  /** Staged tallies of every kind; only those of the selected kinds are counted. */
  readonly staged: readonly StagedTally[];
  /** Snapshot tallies: an entity staged by any kind, selected or not, is never a deletion. */
  readonly snapshot: readonly SnapshotTally[];
  /** Kinds whose entities may be pushed (`--only` narrows them). */
  readonly selectedKinds: ReadonlySet<string>;
  /** Why the extracts of the kinds feeding the blueprint cannot tell what disappeared (see decideExtractBlock), or undefined when they can. */
  readonly extractBlock: (blueprint: string) => ExtractBlock | undefined;
  /** `entityDeletionThreshold`: the largest fraction of a blueprint's entities one run may delete. */
  readonly threshold: number;
  readonly allowMassDelete: boolean;
}

/** The delete blocks that come from the extracts rather than from the deletions themselves. */
export type ExtractBlock = Extract<DeleteBlock, "extract-incomplete" | "extract-incremental" | "extract-rejected">;

/**
 * Why a blueprint's deletions must not be sent, or undefined when they may. The extracts come first
 * (`extractBlock`): a kind that did not finish reading, or read only what changed, says nothing about
 * what disappeared. Then the threshold, as Ocean applies it (`deleted / before <= threshold`
 * deletes) but per blueprint.
 */
export function decideDeleteBlock(input: {
  readonly deletions: number;
  readonly snapshotCount: number;
  readonly extractBlock: ExtractBlock | undefined;
  readonly threshold: number;
  readonly allowMassDelete: boolean;
}): DeleteBlock | undefined {
  if (input.deletions === 0) return undefined;
  if (input.extractBlock !== undefined) return input.extractBlock;
  if (input.allowMassDelete) return undefined;
  return input.deletions / Math.max(input.snapshotCount, 1) > input.threshold ? "threshold" : undefined;
}

/**
 * What the staging says about an entity Port holds (a snapshot row), as SQLite sorts the rows
 * (tallySnapshot, listDeletionPage in db/queries/load-plan.ts):
 * - `staged`: a pushable entity is staged under its key (an update, or unchanged);
 * - `held-back`: its entity is staged but transform held it back (validation, a missing relation target);
 * - `unmapped`: nothing is staged under its key and the record it was pushed from was read but could
 *   not be mapped (jq cannot parse it or fails on it; its identifier, blueprint or selector expression fails);
 * - `gone`: nothing is staged under its key and its record is not unmapped: absent from the read,
 *   renamed (it maps to another identifier now), filtered out by the selector, or of no known record.
 */
export type SnapshotCategory = "staged" | "held-back" | "unmapped" | "gone";

/** What the load does to an entity Port holds: push the staged one (or nothing, unchanged), keep it as last pushed, delete it, or withhold its deletion. */
export type SnapshotFate = "sync" | "keep" | "delete" | "withhold";

/**
 * The deletion rule, the one place it is decided: an entity is deleted only when its source record
 * is absent from a complete read. One whose record was read but could not be mapped, or whose new
 * version is held back, is kept exactly as last pushed; a deletion is withheld while `deleteBlock`
 * says the reads cannot tell what disappeared, or there are too many (decideDeleteBlock).
 */
export function decideSnapshotFate(category: SnapshotCategory, deleteBlock: DeleteBlock | undefined): SnapshotFate {
  switch (category) {
    case "staged":
      return "sync";
    case "held-back":
    case "unmapped":
      return "keep";
    case "gone":
      return deleteBlock === undefined ? "delete" : "withhold";
  }
}

/**
 * Plans each blueprint from the tallies SQLite counted: the creates, updates, unchanged and
 * held-back entities of the selected kinds, and for the snapshot's entities in each category what
 * decideSnapshotFate makes of it: kept, deleted, or deletions withheld (decideDeleteBlock, which
 * counts only the entities that would be deleted). Pure.
 */
export function planLoad(input: PlanInput): BlueprintPlan[] {
  return [...new Set(input.blueprints)].map((blueprint) => {
    let creates = 0;
    let updates = 0;
    let unchanged = 0;
    let heldBack = 0;
    for (const tally of input.staged) {
      if (tally.blueprint !== blueprint || !input.selectedKinds.has(tally.kind)) continue;
      creates += tally.creates;
      updates += tally.updates;
      unchanged += tally.unchanged;
      heldBack += tally.heldBack;
    }
    const snapshot = input.snapshot.find((tally) => tally.blueprint === blueprint);
    const gone = snapshot?.deletions ?? 0;
    const deleteBlock = decideDeleteBlock({
      deletions: gone,
      snapshotCount: snapshot?.entities ?? 0,
      extractBlock: input.extractBlock(blueprint),
      threshold: input.threshold,
      allowMassDelete: input.allowMassDelete,
    });
    const counts = { sync: 0, keep: 0, delete: 0, withhold: 0 };
    const categories: readonly [SnapshotCategory, number][] = [
      ["held-back", snapshot?.heldBack ?? 0],
      ["unmapped", snapshot?.unmapped ?? 0],
      ["gone", gone],
    ];
    for (const [category, count] of categories) counts[decideSnapshotFate(category, deleteBlock)] += count;
    return {
      blueprint,
      creates,
      updates,
      deletes: counts.delete,
      unchanged,
      heldBack,
      kept: counts.keep,
      deletesWithheld: counts.withhold,
      ...(deleteBlock === undefined ? {} : { deleteBlock }),
    };
  });
}

/**
 * The blueprint a mapping's `blueprint` expression always yields (`"incidentioUser"`), or undefined
 * when the expression computes it per record.
 */
export function readLiteralBlueprint(expression: string): string | undefined {
  const match = /^"([^"\\]+)"$/.exec(expression.trim());
  return match?.[1];
}

/**
 * The kinds that may produce entities of `blueprint`: those whose mapping names it literally, every
 * kind whose blueprint is computed (it might), and any kind already staged under it. Deletions of
 * the blueprint wait until all of them have extracted completely.
 */
export function listFeedingKinds(blueprint: string, resources: readonly ResourceMapping[], stagedKinds: Iterable<string>): string[] {
  const kinds = new Set<string>();
  for (const resource of resources) {
    const literal = readLiteralBlueprint(resource.mappings.blueprint);
    if (literal === undefined || literal === blueprint) kinds.add(resource.kind);
  }
  for (const kind of stagedKinds) kinds.add(kind);
  return [...kinds].sort(compareCodeUnits);
}

/**
 * Whether the latest extracts of `kinds` can tell what disappeared: `extract-incomplete` when there
 * is no kind, or one's latest extract is missing, failed or still running; `extract-incremental` when
 * they all completed but one only read what changed (deletions wait for its next full extract, and
 * what was computed before stands); `extract-rejected` when one's pages held items that could not be
 * stored (one may be the record of an entity that would otherwise look deleted); undefined when
 * every one completed in full.
 */
export function decideExtractBlock(
  kinds: readonly string[],
  latest: ReadonlyMap<string, { readonly status: string; readonly mode: string; readonly rejected?: number }>,
): ExtractBlock | undefined {
  if (kinds.length === 0 || kinds.some((kind) => latest.get(kind)?.status !== "complete")) return "extract-incomplete";
  if (kinds.some((kind) => (latest.get(kind)?.rejected ?? 0) > 0)) return "extract-rejected";
  return kinds.every((kind) => latest.get(kind)?.mode === "full") ? undefined : "extract-incremental";
}

/**
 * The blueprints a load covers: those the selected resources name literally, plus those their
 * staged entities carry (for computed blueprints).
 */
export function listScopeBlueprints(selected: readonly ResourceMapping[], staged: readonly { readonly blueprint: string; readonly kind: string }[]): string[] {
  const kinds = new Set(selected.map((resource) => resource.kind));
  const blueprints = new Set<string>();
  for (const resource of selected) {
    const literal = readLiteralBlueprint(resource.mappings.blueprint);
    if (literal !== undefined) blueprints.add(literal);
  }
  for (const entity of staged) if (kinds.has(entity.kind)) blueprints.add(entity.blueprint);
  return [...blueprints].sort(compareCodeUnits);
}

/**
 * The fields that differ between what Port holds and what would be sent: `title`, `icon`, `team`,
 * and one level into `properties` and `relations` (`properties.status`). Sorted.
 */
export function listChangedFields(before: unknown, after: unknown): string[] {
  const left = asRecord(before);
  const right = asRecord(after);
  const changed: string[] = [];
  for (const key of unionKeys(left, right)) {
    if (key === "identifier" || key === "blueprint") continue;
    if (key === "properties" || key === "relations") {
      const innerLeft = asRecord(left[key]);
      const innerRight = asRecord(right[key]);
      for (const inner of unionKeys(innerLeft, innerRight)) {
        if (!isDeepEqual(innerLeft[inner] ?? null, innerRight[inner] ?? null)) changed.push(`${key}.${inner}`);
      }
    } else if (!isDeepEqual(left[key] ?? null, right[key] ?? null)) {
      changed.push(key);
    }
  }
  return changed.sort(compareCodeUnits);
}

/** Structural equality of JSON values (object key order ignored). */
export function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => isDeepEqual(item, right[index]));
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const keys = Object.keys(leftRecord);
  return keys.length === Object.keys(rightRecord).length && keys.every((key) => key in rightRecord && isDeepEqual(leftRecord[key], rightRecord[key]));
}

/** Orders strings by UTF-16 code units, as SQLite's default collation and Port's paging do, independent of locale. */
export function compareCodeUnits(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function unionKeys(left: Record<string, unknown>, right: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(left), ...Object.keys(right)])];
}
