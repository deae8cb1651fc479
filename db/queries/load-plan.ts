import { sql, type ExpressionBuilder, type RawBuilder } from "kysely";
import type { Database, StagingDb } from "../database";
import { holdsStaged } from "./port-snapshot";
import { isHeldBack, isPushable } from "./pushable";
import { isInRecordScope, type RecordScope } from "./record-entities";

// The load's diff of staged_entities against port_snapshot, computed by SQLite: counts for the
// plan, then pages of what differs, so the load holds neither table in memory (at 250k
// entities, reading every key into JS cost as much memory as the rest of the product together).

/** How the staged entities of one kind under one blueprint compare with the snapshot. */
export interface StagedTallyRow {
  readonly blueprint: string;
  readonly kind: string;
  /** Pushable entities the snapshot does not hold. */
  readonly creates: number;
  /** Pushable entities whose snapshot hash differs (a pending row always differs). */
  readonly updates: number;
  readonly unchanged: number;
  /** Entities transform held back, whatever the snapshot holds. */
  readonly heldBack: number;
}

/**
 * How one blueprint's snapshot compares with the staging: its rows in each category the load plan
 * decides on (decideSnapshotFate in src/load/plan.ts); the others are staged and pushable.
 */
export interface SnapshotTallyRow {
  readonly blueprint: string;
  /** Snapshot rows of the blueprint, pending ones included. */
  readonly entities: number;
  /** Rows no kind stages any more whose source record is not unmapped: gone from the read, renamed, filtered out, or of no known record. */
  readonly deletions: number;
  /** Rows no kind stages because their source record was read but could not be mapped (it is in unmapped_records). */
  readonly unmapped: number;
  /** Rows whose staged entity transform held back. */
  readonly heldBack: number;
}

/** A staged entity to send: its canonical JSON and hash, and whether the snapshot lacks it (a create). */
export interface UpsertRow {
  readonly identifier: string;
  readonly entityJson: string;
  readonly hash: string;
  readonly isCreate: boolean;
}

/**
 * `<table>.blueprint = blueprint`; written `+blueprint` when the rows are narrowed to a few records:
 * SQLite would otherwise read the blueprint's rows in identifier order (its primary key gives the
 * page order for free) rather than find the records' few through their index (300 ms against 1 ms at
 * 10^6 entities).
 */
function onBlueprint(table: "s" | "p", blueprint: string, records: RecordScope | undefined): RawBuilder<boolean> {
  const column = sql.ref(`${table}.blueprint`);
  return records === undefined ? sql<boolean>`${column} = ${blueprint}` : sql<boolean>`+${column} = ${blueprint}`;
}

/** Counts, per blueprint and kind, of staged entities to create, to update, unchanged and held back. One pass over staged_entities. */
export async function tallyStagedEntities(db: StagingDb): Promise<StagedTallyRow[]> {
  const rows = await db
    .selectFrom("staged_entities as s")
    .leftJoin("port_snapshot as p", (join) => join.onRef("p.blueprint", "=", "s.blueprint").onRef("p.identifier", "=", "s.identifier"))
    .select((eb) => [
      "s.blueprint",
      "s.kind",
      eb.fn.countAll<number>().filterWhere((f) => f.and([isPushable("s"), f("p.identifier", "is", null)])).as("creates"),
      eb.fn.countAll<number>().filterWhere((f) => f.and([isPushable("s"), f("p.identifier", "is not", null), f.not(holdsStaged("p", "s"))])).as("updates"),
      eb.fn.countAll<number>().filterWhere((f) => f.and([isPushable("s"), holdsStaged("p", "s")])).as("unchanged"),
      eb.fn.countAll<number>().filterWhere(isHeldBack("s")).as("held_back"),
    ])
    .groupBy(["s.blueprint", "s.kind"])
    .orderBy("s.blueprint")
    .orderBy("s.kind")
    .execute();
  return rows.map((row) => ({ blueprint: row.blueprint, kind: row.kind, creates: row.creates, updates: row.updates, unchanged: row.unchanged, heldBack: row.held_back }));
}

/** Whether the snapshot row `p`'s source record is listed in unmapped_records (one primary-key lookup). */
function isSourceUnmapped(eb: ExpressionBuilder<Database & { p: Database["port_snapshot"] }, "p">) {
  return eb.exists(
    eb
      .selectFrom("unmapped_records as u")
      .select("u.record_id")
      .whereRef("u.kind", "=", "p.source_kind")
      .whereRef("u.record_id", "=", "p.source_record_id"),
  );
}

/** Counts, per blueprint of `blueprints` the snapshot holds anything of, its rows and those in each category the plan decides on. */
export async function tallySnapshot(db: StagingDb, blueprints: readonly string[]): Promise<SnapshotTallyRow[]> {
  if (blueprints.length === 0) return [];
  const rows = await db
    .selectFrom("port_snapshot as p")
    .leftJoin("staged_entities as s", (join) => join.onRef("s.blueprint", "=", "p.blueprint").onRef("s.identifier", "=", "p.identifier"))
    .select((eb) => [
      "p.blueprint",
      eb.fn.countAll<number>().as("entities"),
      eb.fn.countAll<number>().filterWhere((f) => f.and([f("s.identifier", "is", null), f.not(isSourceUnmapped(f))])).as("deletions"),
      eb.fn.countAll<number>().filterWhere((f) => f.and([f("s.identifier", "is", null), isSourceUnmapped(f)])).as("unmapped"),
      eb.fn.countAll<number>().filterWhere(isHeldBack("s")).as("held_back"),
    ])
    .where("p.blueprint", "in", blueprints)
    .groupBy("p.blueprint")
    .orderBy("p.blueprint")
    .execute();
  return rows.map((row) => ({ blueprint: row.blueprint, entities: row.entities, deletions: row.deletions, unmapped: row.unmapped, heldBack: row.held_back }));
}

/**
 * Up to `limit` pushable staged entities of `blueprint`, of `kinds`, that the snapshot lacks or
 * holds with another hash, after identifier `after` (all when undefined), in identifier order:
 * one page of the creates and updates, read as they are sent.
 */
export async function listUpsertPage(
  db: StagingDb,
  page: {
    readonly blueprint: string;
    readonly kinds: readonly string[];
    readonly after: string | undefined;
    readonly limit: number;
    /** Only the entities of these records (serve). */
    readonly records?: RecordScope | undefined;
  },
): Promise<UpsertRow[]> {
  if (page.kinds.length === 0) return [];
  let query = db
    .selectFrom("staged_entities as s")
    .leftJoin("port_snapshot as p", (join) => join.onRef("p.blueprint", "=", "s.blueprint").onRef("p.identifier", "=", "s.identifier"))
    .select(["s.identifier", "s.entity_json", "s.hash", "p.state as pushed_state"])
    .where(onBlueprint("s", page.blueprint, page.records))
    .where("s.kind", "in", page.kinds)
    .where(isPushable("s"))
    .where((eb) => eb.or([eb("p.identifier", "is", null), eb.not(holdsStaged("p", "s"))]));
  if (page.after !== undefined) query = query.where("s.identifier", ">", page.after);
  if (page.records !== undefined) query = query.where(isInRecordScope("s.kind", "s.record_id", page.records));
  const rows = await query.orderBy("s.identifier").limit(page.limit).execute();
  return rows.map((row) => ({ identifier: row.identifier, entityJson: row.entity_json, hash: row.hash, isCreate: row.pushed_state === null }));
}

/**
 * Up to `limit` identifiers of `blueprint` the snapshot holds (pending ones included), no kind
 * stages any more, and whose source record is not unmapped (those are kept), after identifier
 * `after` (all when undefined), in identifier order: one page of the deletions.
 */
export async function listDeletionPage(
  db: StagingDb,
  page: {
    readonly blueprint: string;
    readonly after: string | undefined;
    readonly limit: number;
    /** Only the rows pushed from these records (serve). */
    readonly records?: RecordScope | undefined;
  },
): Promise<string[]> {
  let query = db
    .selectFrom("port_snapshot as p")
    .select("p.identifier")
    .where(onBlueprint("p", page.blueprint, page.records))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("staged_entities as s")
            .select("s.identifier")
            .whereRef("s.blueprint", "=", "p.blueprint")
            .whereRef("s.identifier", "=", "p.identifier"),
        ),
      ),
    )
    .where((eb) => eb.not(isSourceUnmapped(eb)));
  if (page.after !== undefined) query = query.where("p.identifier", ">", page.after);
  if (page.records !== undefined) query = query.where(isInRecordScope("p.source_kind", "p.source_record_id", page.records));
  const rows = await query.orderBy("p.identifier").limit(page.limit).execute();
  return rows.map((row) => row.identifier);
}
