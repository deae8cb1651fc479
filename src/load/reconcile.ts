import { hashCanonicalJson, toCanonicalJson } from "../canonical-json";
import { readSnapshotEntities, type SnapshotRow } from "../../db/queries/port-snapshot";
import { forgetUnseenSnapshotRows, writeSnapshotRows } from "../../db/queries/snapshot-ledger";
import { readStagedEntities } from "../../db/queries/load-inputs";
import { tallySnapshot, tallyStagedEntities } from "../../db/queries/load-plan";
import { addSeenIdentifiers, countSeenIdentifiers, dropSeenIdentifiers, startSeenIdentifiers } from "../../db/queries/reconcile-seen";
import type { StagingDb } from "../../db/database";
import { LoadError } from "../errors";
import type { PageBoundSettings } from "../model/config";
import { describePortError } from "./batches";
import { isDeepEqual } from "./plan";
import type { PortClient } from "./port-client";

/** Port's largest search page. */
const SEARCH_PAGE = 1000;
/** Entities of a search page decided at a time. */
const DECIDE_CHUNK = 100;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** What reconcile does with one entity Port holds under a mapped blueprint. */
export type ReconcileDecision =
  /** The snapshot row already says what Port holds. */
  | { readonly type: "keep" }
  /** Record this row: Port holds it (as staged, or differently, which makes the next diff re-push it). */
  | { readonly type: "write"; readonly row: SnapshotRow }
  /** Not ours: neither staged nor pushed by us. Left alone in Port and out of the snapshot, so it is never deleted. */
  | { readonly type: "ignore" };

/**
 * Decides how one entity read from Port enters the snapshot. If it equals the staged entity, the
 * snapshot records the staged hash (nothing to push). Otherwise, if the snapshot row already
 * matches Port, it stays (the usual pending update). Otherwise Port's copy is recorded as
 * `read-from-port`, so the diff re-pushes a staged entity (repairing a hand edit) or deletes one no
 * longer staged. Entities that are neither staged nor in the snapshot were made by someone else
 * (by hand, or another integration writing to the same blueprint) and are ignored. Pure.
 */
export function decideReconcile(
  port: Readonly<Record<string, unknown>>,
  snapshot: SnapshotRow | undefined,
  staged: { readonly entityJson: string; readonly hash: string } | undefined,
): ReconcileDecision {
  const identifier = String(port["identifier"]);
  if (staged && isSameEntity(JSON.parse(staged.entityJson) as Record<string, unknown>, port)) {
    const isConfirmed = snapshot?.state === "confirmed" && snapshot.hash === staged.hash;
    return isConfirmed ? { type: "keep" } : { type: "write", row: { identifier, entityJson: staged.entityJson, state: "confirmed", hash: staged.hash } };
  }
  if (snapshot && snapshot.state !== "pending" && isSameEntity(JSON.parse(snapshot.entityJson) as Record<string, unknown>, port)) return { type: "keep" };
  if (!snapshot && !staged) return { type: "ignore" };
  const entityJson = toCanonicalJson(port);
  return { type: "write", row: { identifier, entityJson, state: "read-from-port", hash: hashCanonicalJson(entityJson) } };
}

/**
 * Whether Port's copy of an entity says the same as ours, forgiving what Port normalizes or
 * omits: null and absent properties, relations and teams are alike, as are empty and absent
 * relation lists; many-relations and teams compare as sets; date-times compare as instants; an
 * icon counts only when we set one. Extra non-null properties on Port's side are a difference.
 */
export function isSameEntity(ours: Readonly<Record<string, unknown>>, theirs: Readonly<Record<string, unknown>>): boolean {
  const left = normalizeEntity(ours);
  const right = normalizeEntity(theirs);
  if (left.icon === null) right.icon = null;
  return isDeepEqual(left, right);
}

/** What a reconcile of one blueprint did. */
export interface ReconcileTally {
  readonly blueprint: string;
  /** Entities Port holds under the blueprint. */
  readonly inPort: number;
  /** Snapshot rows written (Port differs from what we knew, or holds what we did not know). */
  readonly written: number;
  /** Snapshot rows removed because Port no longer holds them. */
  readonly forgotten: number;
  /** Port entities left alone because we never staged or pushed them. */
  readonly ignored: number;
  /** False when a signal stopped the paging; nothing is forgotten then. */
  readonly complete: boolean;
}

interface ReconcileDeps {
  readonly db: StagingDb;
  readonly client: PortClient;
  readonly signal?: AbortSignal | undefined;
  /** When the search's paging counts as endless (see decideSearchPageBound). */
  readonly pageBound: PageBoundSettings;
}

/** What follows a page of Port's search: the next page's `from`, the end, or why paging cannot go on. */
export type SearchStep = { readonly type: "next"; readonly from: string } | { readonly type: "end" } | { readonly type: "failed"; readonly reason: string };

/**
 * The step after a search page that answered `next` to a request sent with `from`, `pagesRead`
 * pages into the blueprint: the end on a missing or empty `next`; a failure on a `next` equal to the
 * request's `from` or to any earlier one (a cycle), and when another page would exceed `maxPages`,
 * since each would either loop or end a listing that is not over (and reconcile would then forget
 * what it did not see). Pure.
 */
export function decideSearchStep(
  next: unknown,
  from: string | undefined,
  guard: { readonly seen: ReadonlySet<string>; readonly pagesRead: number; readonly maxPages: number },
): SearchStep {
  if (typeof next !== "string" || next === "") return { type: "end" };
  if (next === from) return { type: "failed", reason: `Port's search answered next=${next}, the cursor it was asked for: it is stuck on it` };
  if (guard.seen.has(next)) return { type: "failed", reason: `Port's search answered next=${next}, which it had already answered: the cursors go round in a cycle` };
  if (guard.pagesRead >= guard.maxPages) {
    return {
      type: "failed",
      reason: `Port's search kept answering with a next page past ${guard.maxPages} pages, the bound for this blueprint (ETL_PAGE_BOUND_MIN_PAGES, or ETL_PAGE_BOUND_FACTOR times the pages its snapshot fills)`,
    };
  }
  return { type: "next", from: next };
}

/**
 * The most search pages reconcile reads of a blueprint whose snapshot (or staged entities, when more)
 * holds `entities`: `factor` times the pages they fill, and never fewer than `minPages`. Pure.
 */
export function decideSearchPageBound(settings: PageBoundSettings, entities: number): number {
  return Math.max(settings.minPages, Math.ceil(settings.factor * Math.ceil(entities / SEARCH_PAGE)));
}

async function countKnownEntities(db: StagingDb, blueprint: string): Promise<number> {
  const [snapshot] = await tallySnapshot(db, [blueprint]);
  const staged = (await tallyStagedEntities(db))
    .filter((tally) => tally.blueprint === blueprint)
    .reduce((sum, tally) => sum + tally.creates + tally.updates + tally.unchanged + tally.heldBack, 0);
  return Math.max(snapshot?.entities ?? 0, staged);
}

/**
 * Rebuilds the snapshot of one blueprint from Port, paging its search route: each page is decided
 * entity by entity (`decideReconcile`) and written in one transaction, with its identifiers noted in
 * SQLite (not in memory: one page at a time is held); once every page is read, snapshot rows Port
 * no longer holds are removed, so the diff re-creates them if staged. A blueprint Port does not have
 * (404) holds nothing. Throws LoadError when Port refuses the search, or when its paging repeats a
 * cursor or runs past the bound (decideSearchStep); nothing is forgotten then.
 */
export async function reconcileBlueprint(
  deps: ReconcileDeps,
  blueprint: string,
  stamp: { readonly runId: number; readonly at: string },
): Promise<ReconcileTally> {
  await startSeenIdentifiers(deps.db);
  try {
    return await readPortPages(deps, blueprint, stamp);
  } finally {
    await dropSeenIdentifiers(deps.db);
  }
}

async function readPortPages(
  deps: ReconcileDeps,
  blueprint: string,
  stamp: { readonly runId: number; readonly at: string },
): Promise<ReconcileTally> {
  let written = 0;
  let ignored = 0;
  let from: string | undefined;
  let complete = false;
  const seen = new Set<string>();
  const maxPages = decideSearchPageBound(deps.pageBound, await countKnownEntities(deps.db, blueprint));
  // decideSearchStep fails the blueprint at maxPages; the loop's own bound only backs that up.
  for (let page = 1; page <= maxPages + 1; page += 1) {
    if (deps.signal?.aborted) break;
    const reply = await deps.client.searchEntities(blueprint, from, SEARCH_PAGE);
    if (reply.status === 404) {
      complete = true;
      break;
    }
    if (reply.status !== 200) {
      throw new LoadError({ blueprint, status: reply.status, portMessage: `reconcile cannot read Port's entities: ${describePortError(reply.body)}` });
    }
    const body = asRecord(reply.body);
    const entities = (Array.isArray(body["entities"]) ? body["entities"] : []).map(asRecord).filter((entity) => typeof entity["identifier"] === "string");
    const identifiers = entities.map((entity) => entity["identifier"] as string);
    const outcome = await deps.db.transaction().execute(async (trx) => {
      await addSeenIdentifiers(trx, identifiers);
      return recordPage(trx, blueprint, entities, stamp);
    });
    written += outcome.written;
    ignored += outcome.ignored;
    const step = decideSearchStep(body["next"], from, { seen, pagesRead: page, maxPages });
    if (step.type === "failed") {
      throw new LoadError({ blueprint, status: reply.status, portMessage: `reconcile stopped paging ${from === undefined ? "the first page" : `after from=${from}`}: ${step.reason}` });
    }
    if (step.type === "end") {
      complete = true;
      break;
    }
    seen.add(step.from);
    from = step.from;
  }
  const inPort = await countSeenIdentifiers(deps.db);
  if (!complete) return { blueprint, inPort, written, forgotten: 0, ignored, complete };
  const forgotten = await forgetUnseenSnapshotRows(deps.db, blueprint);
  return { blueprint, inPort, written, forgotten, ignored, complete };
}

/**
 * Decides and writes the snapshot rows of one page of Port's entities, a chunk at a time: the staged
 * and snapshot rows read to decide stay a chunk's worth, so the garbage each page leaves is small.
 */
async function recordPage(
  db: StagingDb,
  blueprint: string,
  entities: readonly Record<string, unknown>[],
  stamp: { readonly runId: number; readonly at: string },
): Promise<{ written: number; ignored: number }> {
  let written = 0;
  let ignored = 0;
  for (let start = 0; start < entities.length; start += DECIDE_CHUNK) {
    const chunk = entities.slice(start, start + DECIDE_CHUNK);
    const identifiers = chunk.map((entity) => entity["identifier"] as string);
    const snapshot = await readSnapshotEntities(db, blueprint, identifiers);
    const staged = await readStagedEntities(db, blueprint, identifiers);
    const rows: SnapshotRow[] = [];
    for (const entity of chunk) {
      const identifier = entity["identifier"] as string;
      const decision = decideReconcile({ ...entity, blueprint }, snapshot.get(identifier), staged.get(identifier));
      if (decision.type === "write") rows.push(decision.row);
      else if (decision.type === "ignore") ignored += 1;
    }
    await writeSnapshotRows(db, blueprint, rows, stamp);
    written += rows.length;
  }
  return { written, ignored };
}

interface NormalizedEntity {
  title: unknown;
  icon: unknown;
  team: unknown;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}

function normalizeEntity(entity: Readonly<Record<string, unknown>>): NormalizedEntity {
  return {
    title: entity["title"] ?? null,
    icon: entity["icon"] ?? null,
    team: normalizeList(entity["team"]),
    properties: normalizeValues(asRecord(entity["properties"]), (value) => normalizeDates(value)),
    relations: normalizeValues(asRecord(entity["relations"]), normalizeList),
  };
}

function normalizeValues(record: Record<string, unknown>, normalize: (value: unknown) => unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const normalized = normalize(value);
    if (normalized !== null && normalized !== undefined) result[key] = normalized;
  }
  return result;
}

function normalizeList(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) return typeof value === "string" ? [JSON.stringify(value)] : value;
  if (value.length === 0) return null;
  return [...value].map((item) => JSON.stringify(item)).sort();
}

function normalizeDates(value: unknown): unknown {
  if (typeof value === "string" && ISO_DATE_TIME.test(value)) {
    const instant = Date.parse(value);
    return Number.isNaN(instant) ? value : `@${instant}`;
  }
  if (Array.isArray(value)) return value.map(normalizeDates);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, normalizeDates(inner)]));
  }
  return value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
