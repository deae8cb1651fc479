import { createHash } from "node:crypto";

/** One record as raw_records stores it. */
export interface RawRow {
  readonly record_id: string;
  readonly payload: string;
  readonly payload_hash: string;
}

/** A field to remove: a bare name anywhere in a record, or a dot path from its root. */
export type DropRule = { readonly anywhere: string } | { readonly path: readonly string[] };

/**
 * Reads `settings.dropFields`: `secret_token` (no dot) is removed wherever it occurs in a record, so a
 * secret nested one level deeper than expected is still never stored; `a.b` removes only that path
 * (through arrays along the way, element by element).
 */
export function parseDropRules(fields: readonly string[]): DropRule[] {
  return fields.map((field) => (field.includes(".") ? { path: field.split(".") } : { anywhere: field }));
}

function dropAnywhere(node: unknown, name: string, depth: number): void {
  // JSON.parse output cannot be cyclic; the depth bound only guards against pathological nesting.
  if (node === null || typeof node !== "object" || depth > 64) return;
  if (Array.isArray(node)) {
    for (const element of node) dropAnywhere(element, name, depth + 1);
    return;
  }
  const object = node as Record<string, unknown>;
  if (name in object) delete object[name];
  for (const key in object) dropAnywhere(object[key], name, depth + 1);
}

function dropPath(node: unknown, path: readonly string[], at: number): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const element of node) dropPath(element, path, at);
    return;
  }
  const object = node as Record<string, unknown>;
  const key = path[at] as string;
  if (at === path.length - 1) delete object[key];
  else dropPath(object[key], path, at + 1);
}

/** Removes the fields of `rules` from `record`, in place (records are freshly parsed and owned by the caller). */
export function dropFields(record: unknown, rules: readonly DropRule[]): void {
  for (const rule of rules) {
    if ("anywhere" in rule) dropAnywhere(record, rule.anywhere, 0);
    else dropPath(record, rule.path, 0);
  }
}

/** SHA-256 of a payload, hex: what raw_records and the later stages compare to see a change. */
export function hashPayload(payload: string): string {
  return createHash("sha256").update(payload).digest("hex");
}

/**
 * The raw row of one item: its secret fields removed, the parent value injected as `__<name>` (a
 * string, as Ocean does), serialized once and hashed. The id is the item's `id`; an item without one
 * is keyed by its hash, so identical items collapse and a changed one counts as replaced.
 */
export function toRawRow(item: unknown, rules: readonly DropRule[], parent: { readonly name: string; readonly value: string } | undefined): RawRow {
  dropFields(item, rules);
  const isObject = item !== null && typeof item === "object" && !Array.isArray(item);
  if (parent && isObject) (item as Record<string, unknown>)[`__${parent.name}`] = parent.value;
  const payload = JSON.stringify(item) ?? "null";
  const payload_hash = hashPayload(payload);
  const id = isObject ? (item as Record<string, unknown>)["id"] : undefined;
  const record_id = typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : `sha256:${payload_hash}`;
  return { record_id, payload, payload_hash };
}
