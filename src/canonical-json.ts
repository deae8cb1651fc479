import { sha256Hex } from "./sha256";

// V8 enumerates array-index keys ("0", "42") first, in numeric order, whatever the insertion order,
// so an object holding one cannot be re-created in code-unit order for JSON.stringify.
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes any JSON value with sorted keys, one piece at a time (for objects with array-index keys). */
function writeSorted(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : writeSorted(item))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort(compareKeys)) {
    if (record[key] !== undefined) parts.push(`${JSON.stringify(key)}:${writeSorted(record[key])}`);
  }
  return `{${parts.join(",")}}`;
}

/** An object's keys in code-unit order, with each value sorted in turn; undefined when a value has an array-index key. */
function copySorted(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> | undefined {
  const copy: Record<string, unknown> = {};
  for (const key of [...keys].sort(compareKeys)) {
    const item = record[key];
    const sorted = sortKeys(item);
    if (sorted === undefined && item !== undefined) return undefined;
    copy[key] = sorted;
  }
  return copy;
}

/**
 * The same value with every object's keys in code-unit order (objects already in order are reused),
 * or undefined when an object has an array-index key.
 */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index] as unknown;
      const sorted = sortKeys(item);
      if (sorted === undefined && item !== undefined) return undefined;
      if (sorted !== item) (copy ??= value.slice())[index] = sorted;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let isInOrder = true;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    // Only a key starting with a digit can be an array index; the regular expression is the slow part.
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39 && ARRAY_INDEX.test(key)) return undefined;
    if (index > 0 && compareKeys(keys[index - 1] as string, key) > 0) isInOrder = false;
    const item = record[key];
    if (item === null || typeof item !== "object") continue;
    const sorted = sortKeys(item);
    if (sorted === undefined) return undefined;
    if (sorted !== item) isInOrder = false;
  }
  return isInOrder ? record : copySorted(record, keys);
}

/**
 * Serializes JSON data with object keys sorted (by UTF-16 code units) at every depth and no
 * whitespace, so equal entities give equal text whatever order jq built their keys in.
 */
export function toCanonicalJson(value: unknown): string {
  const sorted = sortKeys(value);
  return sorted === undefined ? writeSorted(value) : (JSON.stringify(sorted) ?? "null");
}

/** The sha-256 (hex) of a canonical JSON text: the content hash staged entities are diffed by. */
export function hashCanonicalJson(text: string): string {
  return sha256Hex(text);
}
