import type { StagingDb } from "../../db/database";
import { recordLoadErrors, type LoadErrorRow } from "../../db/queries/load-errors";
import { readStagedEntities } from "../../db/queries/load-inputs";
import { listDeletionPage, listUpsertPage, type UpsertRow } from "../../db/queries/load-plan";
import { PENDING_HASH, removeSnapshotRows, writeSnapshotRows } from "../../db/queries/port-snapshot";
import { dropSnapshotRelations, indexSnapshotRelations, listDependents, type RelationDefinition } from "../../db/queries/snapshot-relations";
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
import type { PortClient, UpsertFlags } from "./port-client";

/** Staged rows read from SQLite at a time while batches are cut (a few batches' worth, so memory stays flat). */
const READ_CHUNK = 200;
/** Identifiers to delete read from SQLite at a time (a few bulk deletes' worth). */
const DELETE_READ_CHUNK = 500;
/** Snapshot rows removed by one statement (well under SQLite's limit on bound parameters). */
const REMOVE_CHUNK = 500;
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
  /** The relations the blueprint definitions declare, to find the dependents Port deletes with ours. */
  readonly relations: readonly RelationDefinition[];
  /** Kinds whose staged entities may be pushed (`--only` narrows them). */
  readonly kinds: readonly string[];
}

/**
 * The writes planned for one blueprint, in counts. The loader reads the entities to create or update
 * and the identifiers to delete page by page as it sends them, from the same diff the counts come from.
 */
export interface BlueprintWrites {
  readonly blueprint: string;
  readonly creates: number;
  readonly updates: number;
  /** Deletions to send (0 when withheld). */
  readonly deletes: number;
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
 * order. Within a level `concurrency` bulk requests are in flight. Entities and identifiers are read
 * from SQLite a few batches ahead of what is sent, so memory follows the batches, not the catalog.
 * Before a create is sent its snapshot row is marked pending; every answer is recorded in one
 * transaction (confirmed rows into `port_snapshot`, refusals into `load_errors`). When Port deletes
 * dependents of our deletes, their snapshot rows are forgotten in the transaction that records the
 * delete, and the staged ones are re-created at the end of the run (or by the next run, if this one
 * stops first). A signal or an unreachable Port stops new batches; those in flight finish and are
 * recorded. Throws only unexpected faults.
 */
export async function applyWrites(deps: LoaderDeps, settings: LoaderSettings, levels: readonly (readonly BlueprintWrites[])[]): Promise<ApplyResult> {
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
      outcome = readUpsertReply(reply.status, reply.body, batch.entities.map((entity) => entity.identifier));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // A signal that cut a wait short stops the load as interrupted; only an unreachable Port is fatal.
      if (!error.interrupted) state.fatal ??= error;
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

  // Set once the snapshot's relations are indexed, just before the deletes, when Port is asked to delete dependents.
  let hasRelationIndex = false;
  // Entities deleted or forgotten so far (keys of entityKey), and the forgotten ones by blueprint.
  const gone = new Set<string>();
  const forgotten = new Map<string, string[]>();

  const sendDeletes = async (batch: DeleteBatch): Promise<void> => {
    let outcome: BatchOutcome;
    try {
      const reply = await deps.client.deleteEntities(batch.blueprint, batch.identifiers, settings.deleteDependents);
      outcome = readDeleteReply(reply.status, reply.body, batch.identifiers);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // A signal that cut a wait short stops the load as interrupted; only an unreachable Port is fatal.
      if (!error.interrupted) state.fatal ??= error;
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
      if (hasRelationIndex) await forgetDependents(trx, batch.blueprint, confirmed, gone, forgotten);
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

  for (const level of levels) {
    if (shouldStop()) break;
    const batches = cutLevelBatches(level, (writes) => readChangedEntities(deps.db, writes, settings.kinds));
    await runPool(batches, settings.concurrency, (batch) => upsertBatch(batch, false), shouldStop);
  }
  if (deferred.length > 0 && !shouldStop()) {
    const retries = deferred.splice(0).flatMap((batch) =>
      splitIntoBatches(batch.entities, (entity) => entity.bytes, { maxCount: MAX_UPSERT_BATCH, maxBytes: MAX_BODY_BYTES }).map((entities) => ({ ...batch, entities })),
    );
    await runPool(fromArray(retries), settings.concurrency, (batch) => upsertBatch(batch, true), shouldStop);
  }

  const hasDeletes = levels.some((level) => level.some((writes) => writes.deletes > 0));
  try {
    if (settings.deleteDependents && hasDeletes && !shouldStop()) {
      await indexSnapshotRelations(deps.db, settings.relations);
      hasRelationIndex = true;
    }
    for (const level of [...levels].reverse()) {
      if (shouldStop()) break;
      await runPool(cutDeleteBatches(deps.db, level), settings.concurrency, (batch) => sendDeletes(batch), shouldStop);
    }
  } finally {
    if (hasRelationIndex) await dropSnapshotRelations(deps.db);
  }

  let recreated = 0;
  const readRepairs = async function* (writes: BlueprintWrites): AsyncGenerator<UpsertRow[]> {
    for await (const rows of readStagedCreates(deps.db, writes.blueprint, forgotten.get(writes.blueprint) ?? [], settings.kinds)) {
      recreated += rows.length;
      yield rows;
    }
  };
  for (const level of levels) {
    if (forgotten.size === 0 || shouldStop()) break;
    await runPool(cutLevelBatches(level, readRepairs), settings.concurrency, (batch) => upsertBatch(batch, false), shouldStop);
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
 * Removes from the snapshot the entities Port deleted along with the confirmed deletes `roots` of
 * `blueprint`, so the next diff sees them as missing; records them in `gone` and, by blueprint, in
 * `forgotten`. Whatever a gone entity leads to went with it (and is in `gone` already), so skipping
 * gone entities leaves exactly the new ones.
 */
async function forgetDependents(db: StagingDb, blueprint: string, roots: readonly string[], gone: Set<string>, forgotten: Map<string, string[]>): Promise<void> {
  for (const identifier of roots) gone.add(entityKey(blueprint, identifier));
  const byBlueprint = new Map<string, string[]>();
  for (const dependent of await listDependents(db, blueprint, roots)) {
    const key = entityKey(dependent.blueprint, dependent.identifier);
    if (gone.has(key)) continue;
    gone.add(key);
    const identifiers = byBlueprint.get(dependent.blueprint);
    if (identifiers) identifiers.push(dependent.identifier);
    else byBlueprint.set(dependent.blueprint, [dependent.identifier]);
  }
  for (const [dependentBlueprint, identifiers] of byBlueprint) {
    for (let start = 0; start < identifiers.length; start += REMOVE_CHUNK) await removeSnapshotRows(db, dependentBlueprint, identifiers.slice(start, start + REMOVE_CHUNK));
    forgotten.set(dependentBlueprint, [...(forgotten.get(dependentBlueprint) ?? []), ...identifiers]);
  }
}

/** The key of an entity in `gone` (NUL never occurs in identifiers). */
function entityKey(blueprint: string, identifier: string): string {
  return `${blueprint}\u0000${identifier}`;
}

/**
 * The creates and updates of one blueprint, page by page in identifier order, until the planned
 * count is read or a page comes back short. Each page starts after the last identifier read, so what
 * the batches in flight write to the snapshot meanwhile cannot move an entity into a later page.
 */
async function* readChangedEntities(db: StagingDb, writes: BlueprintWrites, kinds: readonly string[]): AsyncGenerator<UpsertRow[]> {
  const planned = writes.creates + writes.updates;
  let after: string | undefined;
  // Bounded by the plan: every page but the last holds READ_CHUNK of the planned rows.
  for (let read = 0; read < planned; ) {
    const rows = await listUpsertPage(db, { blueprint: writes.blueprint, kinds, after, limit: READ_CHUNK });
    if (rows.length > 0) yield rows;
    if (rows.length < READ_CHUNK) return;
    read += rows.length;
    after = rows[rows.length - 1]?.identifier;
  }
}

/** The pushable staged entities among `identifiers` of one blueprint (of `kinds`, not held back), as creates, a page at a time. */
async function* readStagedCreates(db: StagingDb, blueprint: string, identifiers: readonly string[], kinds: readonly string[]): AsyncGenerator<UpsertRow[]> {
  const selected = new Set(kinds);
  for (let start = 0; start < identifiers.length; start += READ_CHUNK) {
    const slice = identifiers.slice(start, start + READ_CHUNK);
    const staged = await readStagedEntities(db, blueprint, slice);
    const rows: UpsertRow[] = [];
    for (const identifier of slice) {
      const row = staged.get(identifier);
      if (row && !row.heldBack && selected.has(row.kind)) rows.push({ identifier, entityJson: row.entityJson, hash: row.hash, isCreate: true });
    }
    if (rows.length > 0) yield rows;
  }
}

/** Cuts the pages of each blueprint of one level into bulk batches (≤ 20 entities, ≤ 1 MiB), one blueprint after another. */
async function* cutLevelBatches(level: readonly BlueprintWrites[], pagesOf: (writes: BlueprintWrites) => AsyncIterable<UpsertRow[]>): AsyncGenerator<UpsertBatch> {
  for (const writes of level) {
    for await (const rows of pagesOf(writes)) {
      const creates = new Set(rows.filter((row) => row.isCreate).map((row) => row.identifier));
      const entities = rows.map((row): OutgoingEntity => {
        const body = buildUpsertBody(JSON.parse(row.entityJson) as Record<string, unknown>);
        return { identifier: row.identifier, stagedJson: row.entityJson, hash: row.hash, body, bytes: Buffer.byteLength(JSON.stringify(body)) };
      });
      for (const batch of splitIntoBatches(entities, (entity) => entity.bytes, { maxCount: MAX_UPSERT_BATCH, maxBytes: MAX_BODY_BYTES })) {
        yield { blueprint: writes.blueprint, entities: batch, creates };
      }
    }
  }
}

/**
 * The deletions of each blueprint of one level, page by page in identifier order, cut into bulk
 * deletes, until the planned count is read or a page comes back short. A dependent Port already
 * deleted along with another (and the snapshot forgot) is not sent again.
 */
async function* cutDeleteBatches(db: StagingDb, level: readonly BlueprintWrites[]): AsyncGenerator<DeleteBatch> {
  for (const writes of level) {
    let after: string | undefined;
    // Bounded by the plan: every page but the last holds DELETE_READ_CHUNK of the planned deletions.
    for (let read = 0; read < writes.deletes; ) {
      const identifiers = await listDeletionPage(db, { blueprint: writes.blueprint, after, limit: DELETE_READ_CHUNK });
      for (let start = 0; start < identifiers.length; start += MAX_DELETE_BATCH) {
        yield { blueprint: writes.blueprint, identifiers: identifiers.slice(start, start + MAX_DELETE_BATCH) };
      }
      if (identifiers.length < DELETE_READ_CHUNK) break;
      read += identifiers.length;
      after = identifiers[identifiers.length - 1];
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
