import type { StagingDb } from "../../db/database";
import type { RecordScope } from "../../db/queries/record-entities";
import type { UpsertRow } from "../../db/queries/load-plan";
import { confirmSnapshotRows, forgetPendingSnapshotRows, forgetSnapshotRows, markSnapshotPending, type SnapshotStamp } from "../../db/queries/snapshot-ledger";
import { dropSnapshotRelations, indexSnapshotRelations, listDependents, type RelationDefinition } from "../../db/queries/snapshot-relations";
import type { HttpError } from "../errors";
import type { LoadFailure } from "../model/summary";
import { BatchSender, type BatchRequest, type SettledOutcome } from "./batch-sender";
import { readDeleteReply, readUpsertReply, type OutgoingEntity, type Rejection } from "./batches";
import { LoadTally, type BlueprintCounts } from "./load-tally";
import type { PortClient, UpsertFlags } from "./port-client";
import { fromArray, runPool } from "./run-pool";
import { cutDeleteBatches, cutLevelBatches, cutUpsertBatches, readChangedEntities, readStagedCreates, type BlueprintWrites, type DeleteBatch, type UpsertBatch } from "./write-pages";

/** Snapshot rows removed by one statement (well under SQLite's limit on bound parameters). */
const REMOVE_CHUNK = 500;

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
  /** serve: upsert only the entities of these records, and delete only rows pushed from `deletable` ones. */
  readonly records?: { readonly upsertable: RecordScope; readonly deletable: RecordScope } | undefined;
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
  return new LoadRun(deps, settings, levels).apply();
}

/** One application of planned writes: one method per phase, and the state the phases hand on. */
class LoadRun {
  readonly #deps: LoaderDeps;
  readonly #settings: LoaderSettings;
  readonly #levels: readonly (readonly BlueprintWrites[])[];
  readonly #tally: LoadTally;
  readonly #sender: BatchSender;
  /** Upserts refused with 404 in the first pass, for one more try once every level is sent. */
  readonly #deferred: UpsertBatch[] = [];
  /** Entities deleted or forgotten so far (keys of entityKey): a dependent is forgotten once. */
  readonly #gone = new Set<string>();
  /** Entities Port deleted as dependents of our deletes, by blueprint: re-created at the end. */
  readonly #forgotten = new Map<string, string[]>();
  /** Set once the snapshot's relations are indexed, just before the deletes, when Port is asked to delete dependents. */
  #hasRelationIndex = false;
  #recreated = 0;

  constructor(deps: LoaderDeps, settings: LoaderSettings, levels: readonly (readonly BlueprintWrites[])[]) {
    this.#deps = deps;
    this.#settings = settings;
    this.#levels = levels;
    this.#tally = new LoadTally(deps.runId);
    this.#sender = new BatchSender(deps.db, this.#tally);
  }

  async apply(): Promise<ApplyResult> {
    await this.#sendUpserts();
    await this.#retryDeferred();
    await this.#sendDeletes();
    await this.#recreateForgotten();
    const fatal = this.#sender.fatal;
    return {
      counts: this.#tally.counts,
      failures: this.#tally.failures,
      interrupted: this.#deps.signal?.aborted === true,
      ...(fatal ? { fatal } : {}),
      recreated: this.#recreated,
    };
  }

  readonly #shouldStop = (): boolean => this.#deps.signal?.aborted === true || this.#sender.fatal !== undefined;

  #stamp(): SnapshotStamp {
    return { runId: this.#deps.runId, at: new Date().toISOString() };
  }

  /** Phase 1: the creates and updates, level by level (relation targets first). */
  async #sendUpserts(): Promise<void> {
    for (const level of this.#levels) {
      if (this.#shouldStop()) return;
      const batches = cutLevelBatches(level, (writes) => readChangedEntities(this.#deps.db, writes, this.#settings.kinds, this.#settings.records?.upsertable));
      await this.#pool(batches, (batch) => this.#upsert(batch, false));
    }
  }

  /** Phase 2: one more try for the upserts Port refused with 404 (their target may have come later in phase 1). */
  async #retryDeferred(): Promise<void> {
    if (this.#deferred.length === 0 || this.#shouldStop()) return;
    const retries = this.#deferred.splice(0).flatMap((batch) => cutUpsertBatches(batch.entities).map((entities) => ({ ...batch, entities })));
    await this.#pool(fromArray(retries), (batch) => this.#upsert(batch, true));
  }

  /** Phase 3: the deletes, level by level in reverse order (relation sources first). */
  async #sendDeletes(): Promise<void> {
    const hasDeletes = this.#levels.some((level) => level.some((writes) => writes.deletes > 0));
    try {
      if (this.#settings.deleteDependents && hasDeletes && !this.#shouldStop()) {
        await indexSnapshotRelations(this.#deps.db, this.#settings.relations);
        this.#hasRelationIndex = true;
      }
      for (const level of [...this.#levels].reverse()) {
        if (this.#shouldStop()) return;
        await this.#pool(cutDeleteBatches(this.#deps.db, level, this.#settings.records?.deletable), (batch) => this.#sender.send(this.#deleteRequest(batch.blueprint), batch.identifiers));
      }
    } finally {
      if (this.#hasRelationIndex) await dropSnapshotRelations(this.#deps.db);
    }
  }

  /** Phase 4: the staged entities Port deleted along with our deletes are created again. */
  async #recreateForgotten(): Promise<void> {
    const readRepairs = async function* (run: LoadRun, writes: BlueprintWrites): AsyncGenerator<UpsertRow[]> {
      for await (const rows of readStagedCreates(run.#deps.db, writes.blueprint, run.#forgotten.get(writes.blueprint) ?? [], run.#settings.kinds)) {
        run.#recreated += rows.length;
        yield rows;
      }
    };
    for (const level of this.#levels) {
      if (this.#forgotten.size === 0 || this.#shouldStop()) return;
      await this.#pool(cutLevelBatches(level, (writes) => readRepairs(this, writes)), (batch) => this.#upsert(batch, false));
    }
  }

  async #pool<T>(source: AsyncIterator<T>, work: (item: T) => Promise<void>): Promise<void> {
    await runPool(source, this.#settings.concurrency, work, this.#shouldStop);
  }

  /** Marks the batch's creates pending, then sends it. */
  async #upsert(batch: UpsertBatch, retrying: boolean): Promise<void> {
    const creates = batch.entities.filter((entity) => batch.creates.has(entity.identifier));
    await markSnapshotPending(
      this.#deps.db,
      batch.blueprint,
      creates.map((entity) => ({ identifier: entity.identifier, entityJson: entity.stagedJson })),
      this.#stamp(),
    );
    await this.#sender.send(this.#upsertRequest(batch, retrying), batch.entities);
  }

  #upsertRequest(batch: UpsertBatch, retrying: boolean): BatchRequest<OutgoingEntity> {
    const { client } = this.#deps;
    const { flags } = this.#settings;
    return {
      blueprint: batch.blueprint,
      operation: "upsert",
      identifierOf: (entity) => entity.identifier,
      send: async (entities) => {
        const reply = await client.upsertEntities(batch.blueprint, entities.map((entity) => entity.body), flags);
        return readUpsertReply(reply.status, reply.body, entities.map((entity) => entity.identifier));
      },
      settle: (entities, outcome) => this.#settleUpserts({ ...batch, entities }, outcome, retrying),
    };
  }

  /**
   * Records Port's answer to an upsert batch in one transaction: confirmed entities into the
   * snapshot, refused creates out of it, refusals into load_errors. A refusal with 404 (its target
   * may come later in this run) is deferred instead, once, unless Port creates missing targets.
   */
  async #settleUpserts(batch: UpsertBatch, outcome: SettledOutcome, retrying: boolean): Promise<void> {
    const entityAt = (index: number): OutgoingEntity => batch.entities[index] as OutgoingEntity;
    const confirmed = outcome.confirmed.map(entityAt);
    const isDeferrable = (rejection: Rejection): boolean => !retrying && !this.#settings.flags.createMissingRelatedEntities && rejection.status === 404;
    const toDefer = outcome.rejected.filter(isDeferrable).map((rejection) => entityAt(rejection.index));
    const refused = outcome.rejected.filter((rejection) => !isDeferrable(rejection));
    await this.#deps.db.transaction().execute(async (trx) => {
      const rows = confirmed.map((entity) => ({ identifier: entity.identifier, entityJson: entity.stagedJson, hash: entity.hash }));
      await confirmSnapshotRows(trx, batch.blueprint, rows, this.#stamp());
      const rejectedCreates = outcome.rejected.map((rejection) => entityAt(rejection.index).identifier).filter((id) => batch.creates.has(id));
      await forgetPendingSnapshotRows(trx, batch.blueprint, rejectedCreates);
      const failures = refused.map((rejection) => ({
        blueprint: batch.blueprint,
        identifier: entityAt(rejection.index).identifier,
        operation: "upsert" as const,
        status: rejection.status ?? null,
        message: rejection.message,
      }));
      await this.#tally.recordFailures(trx, failures);
    });
    const tally = this.#tally.of(batch.blueprint);
    for (const entity of confirmed) {
      if (batch.creates.has(entity.identifier)) tally.created += 1;
      else tally.updated += 1;
    }
    if (toDefer.length > 0) this.#deferred.push({ blueprint: batch.blueprint, entities: toDefer, creates: batch.creates });
    this.#deps.onBatch?.(batch.blueprint, tally);
  }

  #deleteRequest(blueprint: string): BatchRequest<string> {
    const { client } = this.#deps;
    const { deleteDependents } = this.#settings;
    return {
      blueprint,
      operation: "delete",
      identifierOf: (identifier) => identifier,
      send: async (identifiers) => {
        const reply = await client.deleteEntities(blueprint, identifiers, deleteDependents);
        return readDeleteReply(reply.status, reply.body, identifiers);
      },
      settle: (identifiers, outcome) => this.#settleDeletes({ blueprint, identifiers }, outcome),
    };
  }

  /** Records Port's answer to a delete batch in one transaction: confirmed ones (and the dependents Port deleted with them) leave the snapshot. */
  async #settleDeletes(batch: DeleteBatch, outcome: SettledOutcome): Promise<void> {
    const confirmed = outcome.confirmed.map((index) => batch.identifiers[index] as string);
    await this.#deps.db.transaction().execute(async (trx) => {
      await forgetSnapshotRows(trx, batch.blueprint, confirmed);
      // In the same transaction: a run stopped (or killed) after this point would otherwise leave the
      // dependents Port just deleted in the snapshot, unchanged to every later diff and gone from Port.
      if (this.#hasRelationIndex) await this.#forgetDependents(trx, batch.blueprint, confirmed);
      const failures = outcome.rejected.map((rejection) => ({
        blueprint: batch.blueprint,
        identifier: batch.identifiers[rejection.index] as string,
        operation: "delete" as const,
        status: rejection.status ?? null,
        message: rejection.message,
      }));
      await this.#tally.recordFailures(trx, failures);
    });
    const tally = this.#tally.of(batch.blueprint);
    tally.deleted += confirmed.length;
    this.#deps.onBatch?.(batch.blueprint, tally);
  }

  /**
   * Forgets the entities Port deleted along with the confirmed deletes `roots` of `blueprint`, so the
   * next diff sees them as missing, and notes them for phase 4. Whatever a gone entity leads to went
   * with it (and is gone already), so skipping gone entities leaves exactly the new ones.
   */
  async #forgetDependents(db: StagingDb, blueprint: string, roots: readonly string[]): Promise<void> {
    for (const identifier of roots) this.#gone.add(entityKey(blueprint, identifier));
    const byBlueprint = new Map<string, string[]>();
    for (const dependent of await listDependents(db, blueprint, roots)) {
      const key = entityKey(dependent.blueprint, dependent.identifier);
      if (this.#gone.has(key)) continue;
      this.#gone.add(key);
      const identifiers = byBlueprint.get(dependent.blueprint);
      if (identifiers) identifiers.push(dependent.identifier);
      else byBlueprint.set(dependent.blueprint, [dependent.identifier]);
    }
    for (const [dependentBlueprint, identifiers] of byBlueprint) {
      for (let start = 0; start < identifiers.length; start += REMOVE_CHUNK) await forgetSnapshotRows(db, dependentBlueprint, identifiers.slice(start, start + REMOVE_CHUNK));
      this.#forgotten.set(dependentBlueprint, [...(this.#forgotten.get(dependentBlueprint) ?? []), ...identifiers]);
    }
  }
}

/** The key of an entity in `gone` (NUL never occurs in identifiers). */
function entityKey(blueprint: string, identifier: string): string {
  return `${blueprint}\u0000${identifier}`;
}
