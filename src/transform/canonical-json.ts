import { createHash } from "node:crypto";

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeCanonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let index = 0; index < value.length; index += 1) text += (index > 0 ? "," : "") + writeCanonical(value[index]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareKeys);
  let text = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${writeCanonical(item)}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * Serializes JSON data with object keys sorted (by UTF-16 code units) at every depth and no
 * whitespace, so equal entities give equal text whatever order jq built their keys in.
 */
export function toCanonicalJson(value: unknown): string {
  return writeCanonical(value);
}

/** The sha-256 (hex) of a canonical JSON text: the content hash staged entities are diffed by. */
export function hashCanonicalJson(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
