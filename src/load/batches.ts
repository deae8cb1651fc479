import { redactSecrets } from "../model/secret";

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
 * Reads a bulk upsert answer for the batch that sent `identifiers` (in request order). 200/207 name
 * written entities in `entities[]` and refused ones in `errors[]`; both are matched by identifier,
 * never by position: an entity is confirmed only when `entities[]` names it and `errors[]` does not.
 * Anything else (not named, another identifier at its position, named in both lists) is refused, so
 * it is retried next run. An `errors[]` item without an identifier refuses the entity at its index.
 * 413 asks for smaller batches; any other status refuses the whole batch.
 */
export function readUpsertReply(status: number, body: unknown, identifiers: readonly string[]): BatchOutcome {
  if (status === 413 && identifiers.length > 1) return { type: "split" };
  if (status !== 200 && status !== 207) return refuseAll(status, body, identifiers.length);
  const record = asRecord(body);
  const written = new Set<string>();
  // What the answer put at each position, to say so when it is another entity.
  const namedAt = new Map<number, string>();
  for (const item of asArray(record["entities"])) {
    const { identifier, index } = asRecord(item);
    if (typeof identifier === "string") written.add(identifier);
    if (typeof index === "number" && typeof identifier === "string") namedAt.set(index, identifier);
  }
  const refusedBy = new Map<number, Rejection>();
  const positions = new Map(identifiers.map((identifier, index) => [identifier, index]));
  for (const item of asArray(record["errors"])) {
    const error = asRecord(item);
    const { identifier, index, statusCode } = error;
    const position = typeof identifier === "string" ? positions.get(identifier) : typeof index === "number" && index >= 0 && index < identifiers.length ? index : undefined;
    if (position === undefined || refusedBy.has(position)) continue;
    refusedBy.set(position, { index: position, status: typeof statusCode === "number" ? statusCode : status, message: describePortError(error) });
  }
  const confirmed: number[] = [];
  const rejected: Rejection[] = [];
  for (const [index, identifier] of identifiers.entries()) {
    const refusal = refusedBy.get(index);
    if (refusal) rejected.push(refusal);
    else if (written.has(identifier)) confirmed.push(index);
    else rejected.push({ index, status, message: describeUnconfirmed(namedAt.get(index), identifier) });
  }
  return { type: "settled", confirmed, rejected };
}

function describeUnconfirmed(namedHere: string | undefined, identifier: string): string {
  if (namedHere !== undefined && namedHere !== identifier) {
    return redactSecrets(`Port's answer did not confirm this entity (it named "${namedHere.slice(0, 100)}" at its position)`);
  }
  return "Port's answer did not confirm this entity";
}

/**
 * Reads a bulk delete answer for `identifiers`: 200 settles every identifier (those Port did not
 * hold were already gone) except those its `errors[]` names, and, when it says `ok: false`, those its
 * `deletedEntities` leaves out; 404 settles all (the blueprint itself is gone); 413, and 422 when a
 * dependent blocks part of a larger batch, ask for halves so only the blocked entities fail; anything
 * else refuses all.
 */
export function readDeleteReply(status: number, body: unknown, identifiers: readonly string[]): BatchOutcome {
  const size = identifiers.length;
  if (status === 404) return { type: "settled", confirmed: range(size), rejected: [] };
  if ((status === 413 || status === 422) && size > 1) return { type: "split" };
  if (status !== 200) return refuseAll(status, body, size);
  const record = asRecord(body);
  const refusals = new Map<string, Rejection>();
  for (const item of asArray(record["errors"])) {
    const error = asRecord(item);
    const identifier = typeof error["identifier"] === "string" ? error["identifier"] : typeof error["index"] === "number" ? identifiers[error["index"]] : undefined;
    if (identifier === undefined || refusals.has(identifier)) continue;
    const statusCode = error["statusCode"];
    refusals.set(identifier, { index: -1, status: typeof statusCode === "number" ? statusCode : status, message: describePortError(error) });
  }
  const deleted = new Set(asArray(record["deletedEntities"]).filter((item): item is string => typeof item === "string"));
  const isPartial = record["ok"] === false;
  const confirmed: number[] = [];
  const rejected: Rejection[] = [];
  for (const [index, identifier] of identifiers.entries()) {
    const refusal = refusals.get(identifier);
    if (refusal) rejected.push({ ...refusal, index });
    else if (isPartial && !deleted.has(identifier)) rejected.push({ index, status, message: `Port's answer did not confirm this deletion (${describePortError(body)})` });
    else confirmed.push(index);
  }
  return { type: "settled", confirmed, rejected };
}

/** Port's `{error, message}` as one line: `not_found: Related entity "x" was not found`. */
export function describePortError(body: unknown): string {
  const record = asRecord(body);
  const error = typeof record["error"] === "string" ? record["error"] : undefined;
  const message = typeof record["message"] === "string" ? record["message"] : undefined;
  // Port may quote the request's Authorization header back: the text is scrubbed before anyone stores or prints it.
  if (error && message) return redactSecrets(`${error}: ${message}`);
  return redactSecrets(error ?? message ?? "no error message");
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
