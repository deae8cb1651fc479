// Pure judgements of the fault-injection suite: is Port's catalog what it should be, and did a run
// delete anything it had no right to delete.
import { isDeepStrictEqual } from "node:util";

/** An entity as the Port sandbox holds it. */
export interface CatalogEntity {
  readonly blueprint: string;
  readonly identifier: string;
  readonly title?: string;
  readonly icon?: string;
  readonly team?: string | readonly string[];
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, unknown>>;
}

export interface CatalogDiff {
  /** Expected entities Port does not hold, as `blueprint/identifier`. */
  readonly missing: readonly string[];
  /** Entities Port holds that the expected catalog does not, with content of no expected entity. */
  readonly extra: readonly string[];
  /** Entities Port holds under a second identifier (or twice): same blueprint and content as another. */
  readonly duplicates: readonly string[];
  /** Entities both hold, with the fields that differ (`title`, `properties.status`, ...). */
  readonly different: readonly { readonly key: string; readonly fields: readonly string[] }[];
}

function keyOf(entity: CatalogEntity): string {
  return `${entity.blueprint}/${entity.identifier}`;
}

function contentOf(entity: CatalogEntity): unknown {
  return [entity.blueprint, entity.title ?? null, entity.icon ?? null, entity.team ?? null, entity.properties, entity.relations];
}

function listDifferentFields(actual: CatalogEntity, expected: CatalogEntity): string[] {
  const fields: string[] = [];
  for (const field of ["title", "icon", "team"] as const) {
    if (!isDeepStrictEqual(actual[field] ?? null, expected[field] ?? null)) fields.push(field);
  }
  for (const group of ["properties", "relations"] as const) {
    const names = new Set([...Object.keys(actual[group]), ...Object.keys(expected[group])]);
    for (const name of [...names].sort()) {
      if (!isDeepStrictEqual(actual[group][name] ?? null, expected[group][name] ?? null)) fields.push(`${group}.${name}`);
    }
  }
  return fields;
}

/**
 * Compares Port's catalog with the expected one entity by entity (blueprint, identifier, title, icon,
 * team, properties, relations; a null field and an absent one are the same). An entity Port holds
 * twice, or under an identifier the expected catalog lacks but with the content of an expected entity
 * of its blueprint, is a duplicate; any other unexpected entity is extra. Pure.
 */
export function diffCatalogs(actual: readonly CatalogEntity[], expected: readonly CatalogEntity[]): CatalogDiff {
  const expectedBy = new Map(expected.map((entity) => [keyOf(entity), entity]));
  const seen = new Set<string>();
  const missing: string[] = [];
  const extra: string[] = [];
  const duplicates: string[] = [];
  const different: { key: string; fields: string[] }[] = [];
  for (const entity of actual) {
    const key = keyOf(entity);
    if (seen.has(key)) {
      duplicates.push(key);
      continue;
    }
    seen.add(key);
    const wanted = expectedBy.get(key);
    if (wanted) {
      const fields = listDifferentFields(entity, wanted);
      if (fields.length > 0) different.push({ key, fields });
    } else if (expected.some((other) => isDeepStrictEqual(contentOf(other), contentOf(entity)))) {
      duplicates.push(key);
    } else {
      extra.push(key);
    }
  }
  for (const key of expectedBy.keys()) if (!seen.has(key)) missing.push(key);
  return { missing: missing.sort(), extra: extra.sort(), duplicates: duplicates.sort(), different };
}

/** True when the diff found nothing. */
export function isCatalogExact(diff: CatalogDiff): boolean {
  return diff.missing.length === 0 && diff.extra.length === 0 && diff.duplicates.length === 0 && diff.different.length === 0;
}

/** One request the Port sandbox served, as far as deletes are concerned. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

/** One entity the Port sandbox wrote or deleted. */
export interface LoggedWrite {
  readonly op: "upsert" | "delete" | "placeholder";
  readonly blueprint: string;
  readonly identifier: string;
}

export interface DeleteWindow {
  /** Port requests of one run, in arrival order. */
  readonly requests: readonly LoggedRequest[];
  /** Port's entity writes during the same run, in order. */
  readonly writes: readonly LoggedWrite[];
  /** Whether the source still holds the record behind an entity (the dataset as it was during the run). */
  readonly sourceExists: (blueprint: string, identifier: string) => boolean;
  /** The run's load went through every batch (not killed, not stopped by an unreachable Port). */
  readonly loadFinished: boolean;
  /** `blueprint/identifier` of entities Port refused during the run (they are retried next run). */
  readonly refused: ReadonlySet<string>;
}

export interface UnsafeDelete {
  readonly key: string;
  /**
   * `requested`: the product asked Port to delete an entity whose source record still exists.
   * `not-restored`: Port deleted it as a dependent of a requested delete, and the product did not
   * send it again before its load ended.
   */
  readonly reason: "requested" | "not-restored";
}

const BULK_DELETE = /^\/v1\/blueprints\/([^/]+)\/bulk\/entities\/delete$/;
const SINGLE_DELETE = /^\/v1\/blueprints\/([^/]+)\/entities\/([^/]+)$/;

/** The `blueprint/identifier` keys a request asks Port to delete (none for other requests). */
export function listRequestedDeletes(request: LoggedRequest): string[] {
  const bulk = request.method === "POST" ? BULK_DELETE.exec(request.path) : null;
  if (bulk) {
    const body = request.body as { entities?: unknown } | undefined;
    const identifiers = Array.isArray(body?.entities) ? body.entities.filter((id): id is string => typeof id === "string") : [];
    return identifiers.map((identifier) => `${decodeURIComponent(bulk[1] as string)}/${identifier}`);
  }
  const single = request.method === "DELETE" ? SINGLE_DELETE.exec(request.path) : null;
  return single ? [`${decodeURIComponent(single[1] as string)}/${decodeURIComponent(single[2] as string)}`] : [];
}

/**
 * The deletes of one run that lose data whose source is still there: any requested delete of such an
 * entity (a kind that could not be read must never look like a kind whose records disappeared), and,
 * when the load ran to its end, any such entity Port deleted as a dependent that was neither sent
 * again later in the run nor refused by Port. Pure.
 */
export function findUnsafeDeletes(window: DeleteWindow): UnsafeDelete[] {
  const exists = (key: string): boolean => {
    const slash = key.indexOf("/");
    return window.sourceExists(key.slice(0, slash), key.slice(slash + 1));
  };
  const requested = new Set(window.requests.flatMap(listRequestedDeletes));
  const unsafe: UnsafeDelete[] = [...requested].filter(exists).map((key) => ({ key, reason: "requested" as const }));
  if (!window.loadFinished) return unsafe;
  const lastDelete = new Map<string, number>();
  const lastUpsert = new Map<string, number>();
  window.writes.forEach((write, index) => {
    const key = `${write.blueprint}/${write.identifier}`;
    if (write.op === "delete") lastDelete.set(key, index);
    else if (write.op === "upsert") lastUpsert.set(key, index);
  });
  for (const [key, index] of lastDelete) {
    if (requested.has(key) || !exists(key) || window.refused.has(key)) continue;
    if ((lastUpsert.get(key) ?? -1) < index) unsafe.push({ key, reason: "not-restored" });
  }
  return unsafe;
}

export interface KeptViolation {
  readonly key: string;
  /** `deleted`: Port no longer holds it; `changed`: Port holds other content (the fields that differ). */
  readonly reason: "deleted" | "changed";
  readonly fields: readonly string[];
}

/**
 * The entities whose source records cannot be mapped that Port does not hold exactly as last pushed:
 * `kept` are the entities as Port held them when their records became unmappable, `held` reads what
 * Port holds now. Such an entity must be neither deleted nor updated until its record is repaired. Pure.
 */
export function findUnkeptEntities(kept: readonly CatalogEntity[], held: (blueprint: string, identifier: string) => CatalogEntity | undefined): KeptViolation[] {
  return kept.flatMap((entity): KeptViolation[] => {
    const now = held(entity.blueprint, entity.identifier);
    if (!now) return [{ key: keyOf(entity), reason: "deleted", fields: [] }];
    const fields = listDifferentFields(now, entity);
    return fields.length === 0 ? [] : [{ key: keyOf(entity), reason: "changed", fields }];
  });
}

/** One request the Incident.io sandbox served, as far as paging is concerned. */
export interface LoggedPageRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly status: number;
}

/** The sandbox's paging faults, as the suite names them. */
export type PagingFault = "repeated-cursor" | "cursor-cycle" | "endless-cursor";

/**
 * Whether the paging fault armed on `path` changed an answer the product went on to act on, judged
 * from the requests the sandbox answered: a repeated cursor from any request for a later page (its
 * answer names the requested cursor again); a cycle from a request for a third page (two distinct
 * cursors requested; its answer names the first again); endless cursors from a request for a cursor
 * only the fault hands out (`endless-N`). Pure.
 */
export function isPagingFaultServed(fault: PagingFault, path: string, requests: readonly LoggedPageRequest[]): boolean {
  const cursors = requests.flatMap((request) => {
    const after = request.query["after"];
    return request.path === path && request.status === 200 && typeof after === "string" ? [after] : [];
  });
  switch (fault) {
    case "repeated-cursor":
      return cursors.length > 0;
    case "cursor-cycle":
      return new Set(cursors).size >= 2;
    case "endless-cursor":
      return cursors.some((cursor) => cursor.startsWith("endless-"));
  }
}
