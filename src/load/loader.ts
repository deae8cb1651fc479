import type { StagingDb } from "../../db/database";
import { recordLoadErrors, type LoadErrorRow } from "../../db/queries/load-errors";
import { readStagedEntities } from "../../db/queries/load-inputs";
import { listSnapshotEntities, PENDING_HASH, removeSnapshotRows, writeSnapshotRows } from "../../db/queries/port-snapshot";
import { HttpError } from "../errors";
import type { LoadFailure } from "../model/summary";
import {
  MAX_BODY_BYTES,
  MAX_DELETE_BATCH,
  MAX_UPSERT_BATCH,
  readDeleteReply,
  readUpsertReply,
  splitIntoBatches,
  buildUpsertBody,
  type BatchOutcome,
  type OutgoingEntity,
  type Rejection,
} from "./batches";
import { collectDependents, formatEntityKey, listRelationKeys, parseEntityKey, type DependentsIndex, type RelationTargets } from "./dependents";
import type { PortClient, UpsertFlags } from "./port-client";

/** Staged rows read from SQLite at a time while batches are cut (a few batches' worth, so memory stays flat). */
const READ_CHUNK = 200;
/** Refused entities listed in the summary; all of them are in load_errors. */
const MAX_LISTED_FAILURES = 100;

export interface LoaderDeps {
  readonly db: StagingDb;
  readonly client: PortClient;
  readonly runId: number;
  readonly signal?: AbortSignal | undefined;
  /** Called after every settled batch with the blueprint's running counts. */
  readonly onBatch?: (blueprint: string, counts: BlueprintCounts) => void;
}

export interface LoaderSettings {
  readonly flags: UpsertFlags;
  readonly deleteDependents: boolean;
  /** Bulk requests in flight at once. */
  readonly concurrency: number;
  /** Relation name → target blueprint, per blueprint (from the blueprint definitions). */
  readonly relationTargets: RelationTargets;
}

/** The writes planned for one blueprint. */
export interface BlueprintWrites {
  readonly blueprint: string;
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
}

export interface BlueprintCounts {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
}

export interface ApplyResult {
  readonly counts: ReadonlyMap<string, BlueprintCounts>;
  readonly failures: readonly LoadFailure[];
  /** True when a signal stopped the load before every batch was sent. */
  readonly interrupted: boolean;
  /** Port could not be reached (after retries): the load stopped after the batches in flight. */
  readonly fatal?: HttpError;
  /** Entities Port deleted as dependents of our deletes and that were re-created. */
  readonly recreated: number;
}

interface UpsertBatch {
  readonly blueprint: string;
  readonly entities: readonly OutgoingEntity[];
  readonly creates: ReadonlySet<string>;
}

interface DeleteBatch {
  readonly blueprint: string;
  readonly identifiers: readonly string[];
}

/**
 * Applies planned writes to Port: upserts level by level in relation order (targets first),
 * then, when missing targets are not created as placeholders, one more try for entities Port
 * refused with 404 (a target sent later in the same run), then deletes level by level in reverse
 * order. Within a level `concurrency` bulk requests are in flight. Before a create is sent its
 * snapshot row is marked pending; every answer is recorded in one transaction (confirmed rows
 * into `port_snapshot`, refusals into `load_errors`). When Port deletes dependents of our deletes,
 * their snapshot rows are forgotten in the transaction that records the delete, and the staged ones
 * are re-created at the end of the run (or by the next run, if this one stops first). A signal or an
 * unreachable Port stops new batches; those in flight finish and are recorded. Throws only
 * unexpected faults.
 */
export async function applyWrites(
  deps: LoaderDeps,
  settings: LoaderSettings,
  levels: readonly (readonly BlueprintWrites[])[],
  isPushable: (blueprint: string, identifier: string) => boolean,
): Promise<ApplyResult> {
  const counts = new Map<string, BlueprintCounts>();
  const failures: LoadFailure[] = [];
  const deferred: UpsertBatch[] = [];
  const state: { fatal: HttpError | undefined } = { fatal: undefined };
  const countsOf = (blueprint: string): BlueprintCounts => {
    let found = counts.get(blueprint);
    if (!found) {
      found = { created: 0, updated: 0, deleted: 0, failed: 0 };
      counts.set(blueprint, found);
    }
    return found;
  };
  const shouldStop = (): boolean => deps.signal?.aborted === true || state.fatal !== undefined;
  const stamp = (): { runId: number; at: string } => ({ runId: deps.runId, at: new Date().toISOString() });

  const recordFailures = async (rows: LoadErrorRow[], db: StagingDb): Promise<void> => {
    await recordLoadErrors(db, deps.runId, rows);
    for (const row of rows) {
      countsOf(row.blueprint).failed += 1;
      if (failures.length < MAX_LISTED_FAILURES) failures.push({ ...row, status: row.status ?? undefined });
    }
  };

  const settleUpserts = async (batch: UpsertBatch, outcome: Extract<BatchOutcome, { type: "settled" }>, retrying: boolean): Promise<void> => {
    const confirmed = outcome.confirmed.map((index) => batch.entities[index] as OutgoingEntity);
    // A refused entity whose target comes later in this run gets one more try before it counts as failed.
    const isDeferrable = (rejection: Rejection): boolean => !retrying && !settings.flags.createMissingRelatedEntities && rejection.status === 404;
    const toDefer = outcome.rejected.filter(isDeferrable).map((rejection) => batch.entities[rejection.index] as OutgoingEntity);
    const refused = outcome.rejected.filter((rejection) => !isDeferrable(rejection));
    await deps.db.transaction().execute(async (trx) => {
      await writeSnapshotRows(
        trx,
        batch.blueprint,
        confirmed.map((entity) => ({ identifier: entity.identifier, entityJson: entity.stagedJson, hash: entity.hash })),
        stamp(),
      );
      const rejectedCreates = outcome.rejected.map((rejection) => (batch.entities[rejection.index] as OutgoingEntity).identifier).filter((id) => batch.creates.has(id));
      await removeSnapshotRows(trx, batch.blueprint, rejectedCreates, true);
      await recordFailures(
        refused.map((rejection) => ({
          blueprint: batch.blueprint,
          identifier: (batch.entities[rejection.index] as OutgoingEntity).identifier,
          operation: "upsert",
          status: rejection.status ?? null,
          message: rejection.message,
        })),
        trx,
      );
    });
    const tally = countsOf(batch.blueprint);
    for (const entity of confirmed) {
      if (batch.creates.has(entity.identifier)) tally.created += 1;
      else tally.updated += 1;
    }
    if (toDefer.length > 0) deferred.push({ blueprint: batch.blueprint, entities: toDefer, creates: batch.creates });
    deps.onBatch?.(batch.blueprint, tally);
  };

  const sendUpserts = async (batch: UpsertBatch, retrying: boolean): Promise<void> => {
    let outcome: BatchOutcome;
    try {
      const reply = await deps.client.upsertEntities(
        batch.blueprint,
        batch.entities.map((entity) => entity.body),
        settings.flags,
      );
      outcome = readUpsertReply(reply.status, reply.body, batch.entities.length);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      state.fatal ??= error;
      // Port may or may not have written them: pending rows stay, so the next run re-sends or deletes them.
      await recordFailures(
        batch.entities.map((entity) => ({ blueprint: batch.blueprint, identifier: entity.identifier, operation: "upsert", status: error.status ?? null, message: error.message })),
        deps.db,
      );
      return;
    }
    if (outcome.type === "split") {
      const half = Math.ceil(batch.entities.length / 2);
      await sendUpserts({ ...batch, entities: batch.entities.slice(0, half) }, retrying);
      await sendUpserts({ ...batch, entities: batch.entities.slice(half) }, retrying);
      return;
    }
    await settleUpserts(batch, outcome, retrying);
  };

  const upsertBatch = async (batch: UpsertBatch, retrying: boolean): Promise<void> => {
    const creates = batch.entities.filter((entity) => batch.creates.has(entity.identifier));
    await writeSnapshotRows(
      deps.db,
      batch.blueprint,
      creates.map((entity) => ({ identifier: entity.identifier, entityJson: entity.stagedJson, hash: PENDING_HASH })),
      { ...stamp(), keepExisting: true },
    );
    await sendUpserts(batch, retrying);
  };

  // Filled just before the deletes are sent, when Port is asked to delete dependents.
  let dependents: DependentsIndex | undefined;
  // Entities deleted or forgotten so far, and the forgotten ones by blueprint.
  const gone = new Set<string>();
  const forgotten = new Map<string, string[]>();

  const sendDeletes = async (batch: DeleteBatch): Promise<void> => {
    let outcome: BatchOutcome;
    try {
      const reply = await deps.client.deleteEntities(batch.blueprint, batch.identifiers, settings.deleteDependents);
      outcome = readDeleteReply(reply.status, reply.body, batch.identifiers.length);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      state.fatal ??= error;
      await recordFailures(
        batch.identifiers.map((identifier) => ({ blueprint: batch.blueprint, identifier, operation: "delete", status: error.status ?? null, message: error.message })),
        deps.db,
      );
      return;
    }
    if (outcome.type === "split") {
      const half = Math.ceil(batch.identifiers.length / 2);
      await sendDeletes({ ...batch, identifiers: batch.identifiers.slice(0, half) });
      await sendDeletes({ ...batch, identifiers: batch.identifiers.slice(half) });
      return;
    }
    const confirmed = outcome.confirmed.map((index) => batch.identifiers[index] as string);
    await deps.db.transaction().execute(async (trx) => {
      await removeSnapshotRows(trx, batch.blueprint, confirmed);
      // In the same transaction: a run stopped (or killed) after this point would otherwise leave the
      // dependents Port just deleted in the snapshot, unchanged to every later diff and gone from Port.
      if (dependents) await forgetDependents(trx, dependents, confirmed.map((identifier) => formatEntityKey(batch.blueprint, identifier)), gone, forgotten);
      await recordFailures(
        outcome.rejected.map((rejection) => ({
          blueprint: batch.blueprint,
          identifier: batch.identifiers[rejection.index] as string,
          operation: "delete",
          status: rejection.status ?? null,
          message: rejection.message,
        })),
        trx,
      );
    });
    const tally = countsOf(batch.blueprint);
    tally.deleted += confirmed.length;
    deps.onBatch?.(batch.blueprint, tally);
  };

  const upsertLevels = async (writes: readonly (readonly BlueprintWrites[])[]): Promise<void> => {
    for (const level of writes) {
      if (shouldStop()) return;
      await runPool(cutUpsertBatches(deps.db, level), settings.concurrency, (batch) => upsertBatch(batch, false), shouldStop);
    }
  };

  await upsertLevels(levels);
  if (deferred.length > 0 && !shouldStop()) {
    const retries = deferred.splice(0).flatMap((batch) =>
      splitIntoBatches(batch.entities, (entity) => entity.bytes, { maxCount: MAX_UPSERT_BATCH, maxBytes: MAX_BODY_BYTES }).map((entities) => ({ ...batch, entities })),
    );
    await runPool(fromArray(retries), settings.concurrency, (batch) => upsertBatch(batch, true), shouldStop);
  }

  const hasDeletes = levels.some((level) => level.some((writes) => writes.delete.length > 0));
  if (settings.deleteDependents && hasDeletes && !shouldStop()) dependents = await indexSnapshotDependents(deps.db, settings.relationTargets);
  for (const level of [...levels].reverse()) {
    if (shouldStop()) break;
    const batches = level.flatMap((writes) =>
      chunk(writes.delete, MAX_DELETE_BATCH).map((identifiers): DeleteBatch => ({ blueprint: writes.blueprint, identifiers })),
    );
    await runPool(fromArray(batches), settings.concurrency, (batch) => sendDeletes(batch), shouldStop);
  }

  let recreated = 0;
  if (forgotten.size > 0 && !shouldStop()) {
    const repairs = levels.map((level) =>
      level.flatMap((writes) => {
        const identifiers = (forgotten.get(writes.blueprint) ?? []).filter((identifier) => isPushable(writes.blueprint, identifier));
        return identifiers.length === 0 ? [] : [{ blueprint: writes.blueprint, create: identifiers, update: [], delete: [] }];
      }),
    );
    recreated = repairs.flat().reduce((sum, writes) => sum + writes.create.length, 0);
    await upsertLevels(repairs);
  }

  return {
    counts,
    failures,
    interrupted: deps.signal?.aborted === true,
    ...(state.fatal ? { fatal: state.fatal } : {}),
    recreated,
  };
}

/**
 * Indexes who points at whom among the snapshot's entities (the relations we pushed), for finding the
 * dependents Port deletes along with ours (`delete_dependents=true`). Read once, before any delete.
 */
async function indexSnapshotDependents(db: StagingDb, relationTargets: RelationTargets): Promise<DependentsIndex> {
  const index = new Map<string, Set<string>>();
  for (const [blueprint, targets] of relationTargets) {
    if (targets.size === 0) continue;
    for (const row of await listSnapshotEntities(db, blueprint)) {
      const dependent = formatEntityKey(blueprint, row.identifier);
      for (const target of listRelationKeys(JSON.parse(row.entityJson) as unknown, targets)) {
        let dependents = index.get(target);
        if (!dependents) {
          dependents = new Set();
          index.set(target, dependents);
        }
        dependents.add(dependent);
      }
    }
  }
  return index;
}

/**
 * Removes from the snapshot the entities Port deleted along with the confirmed deletes `roots`, so the
 * next diff sees them as missing; records them in `gone` and, by blueprint, in `forgotten`.
 */
async function forgetDependents(db: StagingDb, index: DependentsIndex, roots: readonly string[], gone: Set<string>, forgotten: Map<string, string[]>): Promise<void> {
  for (const root of roots) gone.add(root);
  const byBlueprint = new Map<string, string[]>();
  for (const key of collectDependents(index, roots, gone)) {
    gone.add(key);
    const { blueprint, identifier } = parseEntityKey(key);
    const identifiers = byBlueprint.get(blueprint);
    if (identifiers) identifiers.push(identifier);
    else byBlueprint.set(blueprint, [identifier]);
  }
  for (const [blueprint, identifiers] of byBlueprint) {
    for (let start = 0; start < identifiers.length; start += 500) await removeSnapshotRows(db, blueprint, identifiers.slice(start, start + 500));
    forgotten.set(blueprint, [...(forgotten.get(blueprint) ?? []), ...identifiers]);
  }
}

/** Reads the staged entities of one level in chunks and cuts them into bulk batches (≤ 20 entities, ≤ 1 MiB). */
async function* cutUpsertBatches(db: StagingDb, level: readonly BlueprintWrites[]): AsyncGenerator<UpsertBatch> {
  for (const writes of level) {
    const creates = new Set(writes.create);
    const identifiers = [...writes.create, ...writes.update];
    for (let start = 0; start < identifiers.length; start += READ_CHUNK) {
      const slice = identifiers.slice(start, start + READ_CHUNK);
      const staged = await readStagedEntities(db, writes.blueprint, slice);
      const entities: OutgoingEntity[] = [];
      for (const identifier of slice) {
        const row = staged.get(identifier);
        if (!row) continue;
        const body = buildUpsertBody(JSON.parse(row.entityJson) as Record<string, unknown>);
        entities.push({ identifier, stagedJson: row.entityJson, hash: row.hash, body, bytes: Buffer.byteLength(JSON.stringify(body)) });
      }
      for (const batch of splitIntoBatches(entities, (entity) => entity.bytes, { maxCount: MAX_UPSERT_BATCH, maxBytes: MAX_BODY_BYTES })) {
        yield { blueprint: writes.blueprint, entities: batch, creates };
      }
    }
  }
}

/**
 * Runs `work` over the items of `source` with at most `concurrency` at once, starting no new item
 * once `shouldStop` says so. Every started item finishes; the first unexpected error is rethrown
 * after all have settled.
 */
async function runPool<T>(source: AsyncIterator<T>, concurrency: number, work: (item: T) => Promise<void>, shouldStop: () => boolean): Promise<void> {
  let failed = false;
  const worker = async (): Promise<void> => {
    // Bounded by the source, which is finite.
    for (;;) {
      if (failed || shouldStop()) return;
      const next = await source.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, worker));
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (rejected) throw rejected.reason;
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

