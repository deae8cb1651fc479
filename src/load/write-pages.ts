import type { StagingDb } from "../../db/database";
import { readStagedEntities } from "../../db/queries/load-inputs";
import { listDeletionPage, listUpsertPage, type UpsertRow } from "../../db/queries/load-plan";
import type { RecordScope } from "../../db/queries/record-entities";
import { buildUpsertBody, MAX_BODY_BYTES, MAX_DELETE_BATCH, MAX_UPSERT_BATCH, splitIntoBatches, type OutgoingEntity } from "./batches";

// The writes of a load, read from SQLite a few batches ahead of what is sent and cut into bulk
// batches, so memory follows the batches, not the catalog.

/** Staged rows read from SQLite at a time while batches are cut (a few batches' worth, so memory stays flat). */
const READ_CHUNK = 200;
/** Identifiers to delete read from SQLite at a time (a few bulk deletes' worth). */
const DELETE_READ_CHUNK = 500;

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

export interface UpsertBatch {
  readonly blueprint: string;
  readonly entities: readonly OutgoingEntity[];
  readonly creates: ReadonlySet<string>;
}

export interface DeleteBatch {
  readonly blueprint: string;
  readonly identifiers: readonly string[];
}

/**
 * The creates and updates of one blueprint, page by page in identifier order, until the planned
 * count is read or a page comes back short. Each page starts after the last identifier read, so what
 * the batches in flight write to the snapshot meanwhile cannot move an entity into a later page.
 */
export async function* readChangedEntities(db: StagingDb, writes: BlueprintWrites, kinds: readonly string[], records?: RecordScope): AsyncGenerator<UpsertRow[]> {
  const planned = writes.creates + writes.updates;
  let after: string | undefined;
  // Bounded by the plan: every page but the last holds READ_CHUNK of the planned rows.
  for (let read = 0; read < planned; ) {
    const rows = await listUpsertPage(db, { blueprint: writes.blueprint, kinds, after, limit: READ_CHUNK, records });
    if (rows.length > 0) yield rows;
    if (rows.length < READ_CHUNK) return;
    read += rows.length;
    after = rows[rows.length - 1]?.identifier;
  }
}

/** The pushable staged entities among `identifiers` of one blueprint (of `kinds`, not held back), as creates, a page at a time. */
export async function* readStagedCreates(db: StagingDb, blueprint: string, identifiers: readonly string[], kinds: readonly string[]): AsyncGenerator<UpsertRow[]> {
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
export async function* cutLevelBatches(level: readonly BlueprintWrites[], pagesOf: (writes: BlueprintWrites) => AsyncIterable<UpsertRow[]>): AsyncGenerator<UpsertBatch> {
  for (const writes of level) {
    for await (const rows of pagesOf(writes)) {
      const creates = new Set(rows.filter((row) => row.isCreate).map((row) => row.identifier));
      const entities = rows.map((row): OutgoingEntity => {
        const body = buildUpsertBody(JSON.parse(row.entityJson) as Record<string, unknown>);
        return { identifier: row.identifier, stagedJson: row.entityJson, hash: row.hash, body, bytes: Buffer.byteLength(JSON.stringify(body)) };
      });
      for (const batch of cutUpsertBatches(entities)) yield { blueprint: writes.blueprint, entities: batch, creates };
    }
  }
}

/** Cuts entities into bulk upsert batches (≤ 20 entities, ≤ 1 MiB). */
export function cutUpsertBatches(entities: readonly OutgoingEntity[]): OutgoingEntity[][] {
  return splitIntoBatches(entities, (entity) => entity.bytes, { maxCount: MAX_UPSERT_BATCH, maxBytes: MAX_BODY_BYTES });
}

/**
 * The deletions of each blueprint of one level, page by page in identifier order, cut into bulk
 * deletes, until the planned count is read or a page comes back short. A dependent Port already
 * deleted along with another (and the snapshot forgot) is not sent again.
 */
export async function* cutDeleteBatches(db: StagingDb, level: readonly BlueprintWrites[], records?: RecordScope): AsyncGenerator<DeleteBatch> {
  for (const writes of level) {
    let after: string | undefined;
    // Bounded by the plan: every page but the last holds DELETE_READ_CHUNK of the planned deletions.
    for (let read = 0; read < writes.deletes; ) {
      const identifiers = await listDeletionPage(db, { blueprint: writes.blueprint, after, limit: DELETE_READ_CHUNK, records });
      for (let start = 0; start < identifiers.length; start += MAX_DELETE_BATCH) {
        yield { blueprint: writes.blueprint, identifiers: identifiers.slice(start, start + MAX_DELETE_BATCH) };
      }
      if (identifiers.length < DELETE_READ_CHUNK) break;
      read += identifiers.length;
      after = identifiers[identifiers.length - 1];
    }
  }
}
