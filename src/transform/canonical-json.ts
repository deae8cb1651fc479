import { createHash } from "node:crypto";

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeCanonical(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, index) => {
      if (index > 0) out.push(",");
      writeCanonical(item, out);
    });
    out.push("]");
    return;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort(compareKeys);
    out.push("{");
    keys.forEach((key, index) => {
      if (index > 0) out.push(",");
      out.push(JSON.stringify(key), ":");
      writeCanonical(record[key], out);
    });
    out.push("}");
    return;
  }
  out.push(JSON.stringify(value) ?? "null");
}

/**
 * Serializes JSON data with object keys sorted (by UTF-16 code units) at every depth and no
 * whitespace, so equal entities give equal text whatever order jq built their keys in.
 */
export function toCanonicalJson(value: unknown): string {
  const out: string[] = [];
  writeCanonical(value, out);
  return out.join("");
}

/** The sha-256 (hex) of a canonical JSON text: the content hash staged entities are diffed by. */
export function hashCanonicalJson(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
