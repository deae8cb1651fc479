import { sql, type ExpressionBuilder } from "kysely";
import type { Database, StagingDb } from "../database";
import { forgetWholeSnapshot } from "./snapshot-ledger";

// The Port a staging file syncs with (one row), and the snapshot entities that came from resources
// the mapping no longer has. Port is identified by its base URL and client id: a copied staging file
// run against another Port would otherwise push only what that Port's snapshot says is missing.

/** The one row of port_binding. */
export interface PortBinding {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly organizationId: string | null;
  readonly boundAt: string;
  readonly lastReconciledAt: string | null;
}

/**
 * The form a Port base URL is stored and compared in: scheme and host lower-cased (URL does that), the
 * default port dropped, no trailing slash, no query or fragment. A value that is not a URL is kept trimmed.
 */
export function normalizePortBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl.trim());
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return baseUrl.trim().replace(/\/+$/, "");
  }
}

/** The binding, or undefined when the file has not reached a Port yet. */
export async function readPortBinding(db: StagingDb): Promise<PortBinding | undefined> {
  const row = await db.selectFrom("port_binding").selectAll().where("id", "=", 1).executeTakeFirst();
  if (!row) return undefined;
  return { baseUrl: row.base_url, clientId: row.client_id, organizationId: row.organization_id, boundAt: row.bound_at, lastReconciledAt: row.last_reconciled_at };
}

/**
 * Binds the file to a Port when it has no binding yet, and fills in the organization id of the bound
 * Port when it was not known. Never changes the Port of an existing binding (replacePortBinding does).
 * `lastReconciledAt` is the reconcile clock's start for a new binding.
 */
export async function recordPortBinding(
  db: StagingDb,
  port: { readonly baseUrl: string; readonly clientId: string; readonly organizationId: string | undefined; readonly at: string; readonly lastReconciledAt: string | null },
): Promise<void> {
  await db
    .insertInto("port_binding")
    .values({
      id: 1,
      base_url: normalizePortBaseUrl(port.baseUrl),
      client_id: port.clientId,
      organization_id: port.organizationId ?? null,
      bound_at: port.at,
      last_reconciled_at: port.lastReconciledAt,
    })
    .onConflict((conflict) => conflict.column("id").doUpdateSet({ organization_id: sql`coalesce(port_binding.organization_id, excluded.organization_id)` }))
    .execute();
}

/**
 * Adopts the file for another Port (`--adopt-port`): the binding names the new Port, and the snapshot,
 * which described the old one, is emptied in the same transaction, so nothing is believed to be in the
 * new Port until a reconcile has read it.
 */
export async function replacePortBinding(db: StagingDb, port: { readonly baseUrl: string; readonly clientId: string; readonly at: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("port_binding").execute();
    await trx
      .insertInto("port_binding")
      .values({ id: 1, base_url: normalizePortBaseUrl(port.baseUrl), client_id: port.clientId, organization_id: null, bound_at: port.at, last_reconciled_at: null })
      .execute();
    await forgetWholeSnapshot(trx);
  });
}

/** Records that every blueprint of the mapping was reconciled with the bound Port at `at`. */
export async function recordReconciled(db: StagingDb, at: string): Promise<void> {
  await db.updateTable("port_binding").set({ last_reconciled_at: at }).where("id", "=", 1).execute();
}

/** Snapshot rows, in all. */
export async function countSnapshotRows(db: StagingDb): Promise<number> {
  const row = await db.selectFrom("port_snapshot").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** What the current mapping covers: its kinds, and the blueprints its resources name or stage. */
export interface MappingCoverage {
  readonly kinds: readonly string[];
  readonly blueprints: readonly string[];
}

/** Entities of one blueprint in Port from a resource no longer in the mapping. */
export interface RemovedResourceTally {
  readonly blueprint: string;
  /** The kind they were staged or pushed from, when known. */
  readonly kind: string | null;
  readonly entities: number;
  /** Snapshot rows of the blueprint, in all (the threshold's denominator). */
  readonly blueprintEntities: number;
}

type SnapshotJoin = ExpressionBuilder<Database & { p: Database["port_snapshot"]; s: Database["staged_entities"] }, "p" | "s">;

/**
 * A snapshot row comes from a removed resource when the kind that stages it (else the kind it was
 * pushed from) is not in the mapping, or its blueprint is not one the mapping covers (a resource now
 * maps to another blueprint). Such rows are outside every load's scope: without this they would stay
 * in Port for ever.
 */
function isFromRemovedResource(eb: SnapshotJoin, coverage: MappingCoverage) {
  const kind = eb.fn.coalesce("s.kind", "p.source_kind");
  const kinds = coverage.kinds.length > 0 ? coverage.kinds : [""];
  const blueprints = coverage.blueprints.length > 0 ? coverage.blueprints : [""];
  return eb.or([eb.and([eb(kind, "is not", null), eb(kind, "not in", kinds)]), eb("p.blueprint", "not in", blueprints)]);
}

/** Counts, per blueprint and kind, the snapshot entities that came from resources no longer in the mapping. */
export async function tallyRemovedResources(db: StagingDb, coverage: MappingCoverage): Promise<RemovedResourceTally[]> {
  const rows = await db
    .selectFrom("port_snapshot as p")
    .leftJoin("staged_entities as s", (join) => join.onRef("s.blueprint", "=", "p.blueprint").onRef("s.identifier", "=", "p.identifier"))
    .select((eb) => ["p.blueprint", eb.fn.coalesce("s.kind", "p.source_kind").as("kind"), eb.fn.countAll<number>().as("entities")])
    .where((eb) => isFromRemovedResource(eb, coverage))
    .groupBy(["p.blueprint", "kind"])
    .orderBy("p.blueprint")
    .orderBy("kind")
    .execute();
  if (rows.length === 0) return [];
  const totals = await db
    .selectFrom("port_snapshot")
    .select((eb) => ["blueprint", eb.fn.countAll<number>().as("n")])
    .where("blueprint", "in", [...new Set(rows.map((row) => row.blueprint))])
    .groupBy("blueprint")
    .execute();
  const totalOf = new Map(totals.map((row) => [row.blueprint, Number(row.n)]));
  return rows.map((row) => ({ blueprint: row.blueprint, kind: row.kind, entities: Number(row.entities), blueprintEntities: totalOf.get(row.blueprint) ?? 0 }));
}

/** Up to `limit` identifiers of `blueprint` from removed resources, after `after`, in identifier order. */
export async function listRemovedResourcePage(
  db: StagingDb,
  coverage: MappingCoverage,
  page: { readonly blueprint: string; readonly after: string | undefined; readonly limit: number },
): Promise<string[]> {
  let query = db
    .selectFrom("port_snapshot as p")
    .leftJoin("staged_entities as s", (join) => join.onRef("s.blueprint", "=", "p.blueprint").onRef("s.identifier", "=", "p.identifier"))
    .select("p.identifier")
    .where("p.blueprint", "=", page.blueprint)
    .where((eb) => isFromRemovedResource(eb, coverage));
  if (page.after !== undefined) query = query.where("p.identifier", ">", page.after);
  const rows = await query.orderBy("p.identifier").limit(page.limit).execute();
  return rows.map((row) => row.identifier);
}
