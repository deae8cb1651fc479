/** Port's bulk upsert takes at most 20 entities (`maxItems` in its OpenAPI) and a 1 MiB body (413 beyond). */
export const MAX_UPSERT_BATCH = 20;
export const MAX_BODY_BYTES = 1024 * 1024;
/** Port's bulk delete takes at most 100 identifiers. */
export const MAX_DELETE_BATCH = 100;
// `{"entities":[` + `]}`; one comma between entities.
const BULK_ENVELOPE_BYTES = Buffer.byteLength('{"entities":[]}');

/** An entity ready for the bulk upsert body, with what the snapshot records once Port confirms it. */
export interface OutgoingEntity {
  readonly identifier: string;
  /** The staged canonical JSON and its hash, recorded in `port_snapshot` on confirmation. */
  readonly stagedJson: string;
  readonly hash: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Serialized size of `body` in bytes. */
  readonly bytes: number;
}

/**
 * The body Port's upsert takes for a staged entity: identifier, title, icon, team, properties and
 * relations. `blueprint` travels in the URL. Null title, icon and team are left out: Port's
 * published schema types them as strings only, and leaving them out is what Port stores for null.
 */
export function buildUpsertBody(entity: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = { identifier: entity["identifier"] };
  for (const key of ["title", "icon", "team"] as const) {
    if (entity[key] !== null && entity[key] !== undefined) body[key] = entity[key];
  }
  body["properties"] = entity["properties"] ?? {};
  body["relations"] = entity["relations"] ?? {};
  return body;
}

/**
 * Cuts items into consecutive batches of at most `maxCount` items whose bulk body (envelope,
 * items, commas) stays within `maxBytes`. An item too large on its own travels alone, so Port
 * names the problem (413) instead of the client refusing silently.
 */
export function splitIntoBatches<T>(items: readonly T[], bytesOf: (item: T) => number, limits: { maxCount: number; maxBytes: number }): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = BULK_ENVELOPE_BYTES;
  for (const item of items) {
    const bytes = bytesOf(item);
    const separator = current.length > 0 ? 1 : 0;
    if (current.length > 0 && (current.length >= limits.maxCount || currentBytes + separator + bytes > limits.maxBytes)) {
      batches.push(current);
      current = [];
      currentBytes = BULK_ENVELOPE_BYTES;
    }
    currentBytes += (current.length > 0 ? 1 : 0) + bytes;
    current.push(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** One entity Port did not take, in Port's words. */
export interface Rejection {
  readonly index: number;
  /** undefined when Port gave no answer at all. */
  readonly status: number | undefined;
  readonly message: string;
}

/** What one bulk request's answer means for its entities. */
export type BatchOutcome =
  /** Indexes (into the batch) Port confirmed, and those it refused. */
  | { readonly type: "settled"; readonly confirmed: readonly number[]; readonly rejected: readonly Rejection[] }
  /** Send the batch again in halves. */
  | { readonly type: "split" };

/**
 * Reads a bulk upsert answer: 200/207 list confirmed entities in `entities[]` and refused ones in
 * `errors[]`, by index into the request (an index in neither list counts as refused, so it is
 * retried next run); 413 asks for smaller batches; any other status refuses the whole batch.
 */
export function readUpsertReply(status: number, body: unknown, size: number): BatchOutcome {
  if (status === 413 && size > 1) return { type: "split" };
  if (status !== 200 && status !== 207) return refuseAll(status, body, size);
  const record = asRecord(body);
  const confirmed = new Set<number>();
  for (const item of asArray(record["entities"])) {
    const index = asRecord(item)["index"];
    if (typeof index === "number" && index >= 0 && index < size) confirmed.add(index);
  }
  const rejected: Rejection[] = [];
  for (const item of asArray(record["errors"])) {
    const error = asRecord(item);
    const index = error["index"];
    if (typeof index !== "number" || index < 0 || index >= size || confirmed.has(index)) continue;
    const statusCode = error["statusCode"];
    rejected.push({ index, status: typeof statusCode === "number" ? statusCode : status, message: describePortError(error) });
  }
  const named = new Set([...confirmed, ...rejected.map((rejection) => rejection.index)]);
  for (let index = 0; index < size; index += 1) {
    if (!named.has(index)) rejected.push({ index, status, message: "Port's answer did not mention this entity" });
  }
  return { type: "settled", confirmed: [...confirmed].sort((a, b) => a - b), rejected: rejected.sort((a, b) => a.index - b.index) };
}

/**
 * Reads a bulk delete answer: 200 settles every identifier (those Port did not hold were already
 * gone), as does 404 (the blueprint itself is gone); 413, and 422 when a dependent blocks part of
 * a larger batch, ask for halves so only the blocked entities fail; anything else refuses all.
 */
export function readDeleteReply(status: number, body: unknown, size: number): BatchOutcome {
  if (status === 200 || status === 404) return { type: "settled", confirmed: range(size), rejected: [] };
  if ((status === 413 || status === 422) && size > 1) return { type: "split" };
  return refuseAll(status, body, size);
}

/** Port's `{error, message}` as one line: `not_found: Related entity "x" was not found`. */
export function describePortError(body: unknown): string {
  const record = asRecord(body);
  const error = typeof record["error"] === "string" ? record["error"] : undefined;
  const message = typeof record["message"] === "string" ? record["message"] : undefined;
  if (error && message) return `${error}: ${message}`;
  return error ?? message ?? "no error message";
}

function refuseAll(status: number, body: unknown, size: number): BatchOutcome {
  const message = describePortError(body);
  return { type: "settled", confirmed: [], rejected: range(size).map((index) => ({ index, status, message })) };
}

function range(size: number): number[] {
  return Array.from({ length: size }, (_, index) => index);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
