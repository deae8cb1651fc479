import { sha256Hex } from "../sha256";

/** One record as raw_records stores it. */
export interface RawRow {
  readonly record_id: string;
  readonly payload: string;
  readonly payload_hash: string;
}

/**
 * A field to remove: a bare name anywhere in a record, or a dot path from its root; `quoted` is the
 * field's name as JSON writes it as a key: a record text without it has nothing to remove.
 */
export type DropRule = ({ readonly anywhere: string } | { readonly path: readonly string[] }) & { readonly quoted: string };

/**
 * Reads `settings.dropFields`: `secret_token` (no dot) is removed wherever it occurs in a record, so a
 * secret nested one level deeper than expected is still never stored; `a.b` removes only that path
 * (through arrays along the way, element by element).
 */
export function parseDropRules(fields: readonly string[]): DropRule[] {
  return fields.map((field) => {
    const path = field.split(".");
    return { ...(path.length > 1 ? { path } : { anywhere: field }), quoted: JSON.stringify(path[path.length - 1]) };
  });
}

// Both walks keep their own stack rather than recursing: a record nested deeper than the call stack
// allows must still lose its secrets (JSON.parse output has no cycles, so each node is visited once).
function dropAnywhere(root: unknown, name: string): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const element of node) pending.push(element);
      continue;
    }
    const object = node as Record<string, unknown>;
    if (name in object) delete object[name];
    for (const key in object) pending.push(object[key]);
  }
}

function dropPath(root: unknown, path: readonly string[]): void {
  const pending: { node: unknown; at: number }[] = [{ node: root, at: 0 }];
  while (pending.length > 0) {
    const { node, at } = pending.pop() as { node: unknown; at: number };
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const element of node) pending.push({ node: element, at });
      continue;
    }
    const object = node as Record<string, unknown>;
    const key = path[at] as string;
    if (at === path.length - 1) delete object[key];
    else pending.push({ node: object[key], at: at + 1 });
  }
}

/** Removes the fields of `rules` from `record`, in place (records are freshly parsed and owned by the caller). */
export function dropFields(record: unknown, rules: readonly DropRule[]): void {
  for (const rule of rules) {
    if ("anywhere" in rule) dropAnywhere(record, rule.anywhere);
    else dropPath(record, rule.path);
  }
}

/** SHA-256 of a payload, hex: what raw_records and the later stages compare to see a change. */
export function hashPayload(payload: string): string {
  return sha256Hex(payload);
}

/** The value a fan-out record was fetched under, stored in it as `__<name>`. */
type ParentValue = { readonly name: string; readonly value: string };

/**
 * Why `item` cannot be stored as a record, or undefined when it can: it must be an object with an
 * `id` that is a non-blank string or a number, since raw_records (and the entity's deletion when it
 * disappears) are keyed by it. Keying such an item by its hash instead made it vanish from the
 * counts without a trace. Pure.
 */
export function findRejectionReason(item: unknown): string | undefined {
  if (!isObject(item)) return `the item is ${describeValue(item)}, not an object`;
  if (!("id" in item)) return "the record has no id";
  const id = item["id"];
  if (typeof id === "number") return Number.isFinite(id) ? undefined : "the record's id is not a finite number";
  if (typeof id === "string") return id.trim() === "" ? "the record's id is empty" : undefined;
  return `the record's id is ${describeValue(id)}, not a string or a number`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The raw row of one item that findRejectionReason accepts: its secret fields removed, the parent
 * value injected as `__<name>` (a string, as Ocean does), serialized once and hashed, keyed by its
 * `id` as read before the rules ran (a rule removing `id` from the payload keeps the key). `text` is
 * the item as the API wrote it (compact JSON, see sliceItemTexts), when known: an object with nothing
 * to remove is then stored as that text, the parent value appended, rather than serialized again.
 * Throws when the item is nested too deeply to serialize, or has no usable id.
 */
export function toRawRow(item: unknown, rules: readonly DropRule[], parent: ParentValue | undefined, text?: string): RawRow {
  const reason = findRejectionReason(item);
  if (reason !== undefined) throw new Error(`cannot store the item as a record: ${reason}`);
  const record_id = String(readId(item));
  const injected = parent && `"__${parent.name}"`;
  const payload =
    isObject(item) && text !== undefined && !rules.some((rule) => text.includes(rule.quoted)) && !(injected && text.includes(injected))
      ? appendParent(text, injected, parent?.value)
      : serialize(item, rules, parent);
  return { record_id, payload, payload_hash: hashPayload(payload) };
}

function isObject(item: unknown): item is Record<string, unknown> {
  return item !== null && typeof item === "object" && !Array.isArray(item);
}

function readId(item: unknown): unknown {
  return isObject(item) ? item["id"] : undefined;
}

/** An object's text with `"__name":"value"` as its last key, as JSON.stringify writes a key added last (the object has an id, so it is never `{}`). */
function appendParent(text: string, injected: string | undefined, value: string | undefined): string {
  if (injected === undefined) return text;
  return `${text.slice(0, -1)},${injected}:${JSON.stringify(value)}}`;
}

/** The item serialized with its secret fields removed and the parent value injected (the item is changed in place). */
function serialize(item: unknown, rules: readonly DropRule[], parent: ParentValue | undefined): string {
  const inject = (): void => {
    if (parent && isObject(item)) item[`__${parent.name}`] = parent.value;
  };
  inject();
  try {
    let payload = JSON.stringify(item) ?? "null";
    // Walking every record for fields that nearly none has cost more than searching its text (a
    // field's name appears there quoted, as JSON writes keys). The parent value is injected again
    // after the walk: no rule removes it.
    const present = rules.filter((rule) => payload.includes(rule.quoted));
    if (present.length > 0) {
      dropFields(item, present);
      inject();
      payload = JSON.stringify(item) ?? "null";
    }
    return payload;
  } catch (error) {
    // JSON.stringify recurses, so a record nested some thousands of levels deep exhausts the stack.
    if (!(error instanceof RangeError)) throw error;
    const id = readId(item);
    const which = typeof id === "string" || typeof id === "number" ? `record ${id}` : "a record";
    throw new Error(`${which} is nested too deeply to store (${error.message})`, { cause: error });
  }
}
