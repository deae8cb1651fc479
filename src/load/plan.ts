import type { ResourceMapping } from "../model/mapping";
import type { DeleteBlock } from "../model/summary";

/** A staged entity as the planner sees it: where it comes from, its canonical hash, and whether transform held it back. */
export interface StagedKey {
  readonly blueprint: string;
  readonly identifier: string;
  readonly kind: string;
  readonly hash: string;
  readonly heldBack: boolean;
}

/** What Port is known to hold: one `port_snapshot` row without its JSON. */
export interface SnapshotKey {
  readonly blueprint: string;
  readonly identifier: string;
  readonly hash: string;
}

/** What load will do to one blueprint. Identifier lists are sorted, so batches are the same from run to run. */
export interface BlueprintPlan {
  readonly blueprint: string;
  readonly create: readonly string[];
  readonly update: readonly string[];
  /** Deletions to send (empty when withheld). */
  readonly delete: readonly string[];
  readonly unchanged: number;
  readonly heldBack: number;
  readonly deletesWithheld: number;
  readonly deleteBlock?: DeleteBlock;
}

export interface PlanInput {
  /** The blueprints this load covers, in any order. */
  readonly blueprints: readonly string[];
  /** Every staged entity, of every kind: an entity staged by any kind is never a deletion. */
  readonly staged: readonly StagedKey[];
  readonly snapshot: readonly SnapshotKey[];
  /** Kinds whose entities may be pushed (`--only` narrows them). */
  readonly selectedKinds: ReadonlySet<string>;
  /** Why the extracts of the kinds feeding the blueprint cannot tell what disappeared (see decideExtractBlock), or undefined when they can. */
  readonly extractBlock: (blueprint: string) => ExtractBlock | undefined;
  /** `entityDeletionThreshold`: the largest fraction of a blueprint's entities one run may delete. */
  readonly threshold: number;
  readonly allowMassDelete: boolean;
}

/** The delete blocks that come from the extracts rather than from the deletions themselves. */
export type ExtractBlock = Extract<DeleteBlock, "extract-incomplete" | "extract-incremental">;

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
 * Diffs staged entities against the snapshot, per blueprint: new pushable entities are created,
 * pushable ones whose hash differs are updated, snapshot entities no kind stages any more are
 * deleted (unless withheld), held-back entities are neither pushed nor deleted. Pure.
 */
export function planLoad(input: PlanInput): BlueprintPlan[] {
  const stagedBy = groupBy(input.staged, (entity) => entity.blueprint);
  const snapshotBy = groupBy(input.snapshot, (entity) => entity.blueprint);
  return [...new Set(input.blueprints)].map((blueprint) => {
    const staged = stagedBy.get(blueprint) ?? [];
    const snapshot = snapshotBy.get(blueprint) ?? [];
    const pushedHash = new Map(snapshot.map((entity) => [entity.identifier, entity.hash]));
    const stagedIdentifiers = new Set(staged.map((entity) => entity.identifier));
    const create: string[] = [];
    const update: string[] = [];
    let unchanged = 0;
    let heldBack = 0;
    for (const entity of staged) {
      if (!input.selectedKinds.has(entity.kind)) continue;
      if (entity.heldBack) {
        heldBack += 1;
        continue;
      }
      const hash = pushedHash.get(entity.identifier);
      if (hash === undefined) create.push(entity.identifier);
      else if (hash !== entity.hash) update.push(entity.identifier);
      else unchanged += 1;
    }
    const deletions = snapshot.filter((entity) => !stagedIdentifiers.has(entity.identifier)).map((entity) => entity.identifier);
    const deleteBlock = decideDeleteBlock({
      deletions: deletions.length,
      snapshotCount: snapshot.length,
      extractBlock: input.extractBlock(blueprint),
      threshold: input.threshold,
      allowMassDelete: input.allowMassDelete,
    });
    return {
      blueprint,
      create: create.sort(compareCodeUnits),
      update: update.sort(compareCodeUnits),
      delete: deleteBlock === undefined ? deletions.sort(compareCodeUnits) : [],
      unchanged,
      heldBack,
      deletesWithheld: deleteBlock === undefined ? 0 : deletions.length,
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
 * what was computed before stands); undefined when every one completed in full.
 */
export function decideExtractBlock(kinds: readonly string[], latest: ReadonlyMap<string, { readonly status: string; readonly mode: string }>): ExtractBlock | undefined {
  if (kinds.length === 0 || kinds.some((kind) => latest.get(kind)?.status !== "complete")) return "extract-incomplete";
  return kinds.every((kind) => latest.get(kind)?.mode === "full") ? undefined : "extract-incremental";
}

/**
 * The blueprints a load covers: those the selected resources name literally, plus those their
 * staged entities carry (for computed blueprints).
 */
export function listScopeBlueprints(selected: readonly ResourceMapping[], staged: readonly StagedKey[]): string[] {
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

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
