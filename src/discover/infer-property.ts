import type { BlueprintProperty } from "../model/blueprint";
import { splitWords, toJqPath } from "./names";
import { readSingleType, type ValueStats } from "./value-stats";

/** Longer values (as JSON text) make a field too large to be worth a property. */
export const MAX_VALUE_CHARS = 2048;
// One sampled value makes no enum: Port would refuse every other value the field takes later.
const MIN_ENUM_VALUES = 2;
const MAX_ENUM_VALUES = 10;
const MAX_ENUM_VALUE_LENGTH = 40;
const MAX_ENUM_VALUE_WORDS = 3;
/** What an enum property maps values outside the sampled ones to, so Port never refuses a new value. */
const ENUM_FALLBACK = "other";

const SECRET_WORDS = new Set(["secret", "secrets", "token", "tokens", "password", "passwd", "pwd", "passphrase", "credential", "credentials", "apikey", "signature", "cookie"]);
const SECRET_PHRASES = ["api_key", "private_key", "access_key", "signing_key", "client_secret"];
// Ids, names and free text have values of their own per record, however few the sample shows.
const NOT_ENUM_WORDS = new Set([
  "id", "ids", "uuid", "key", "name", "names", "title", "summary", "description", "text", "message", "body", "comment", "note", "notes", "reference", "url", "uri", "link", "permalink", "email", "path",
  "date", "time", "at",
]);
// Ids, dates and numbers written as text are values of their own, not labels.
const NOT_LABELS = [/^[0-9A-HJKMNP-TV-Z]{26}$/, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, /^[0-9a-f]{16,}$/i, /^\d{4}-\d{2}-\d{2}/, /^[\d.:/ -]+$/];
const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} _.:/+-]*$/u;

/** The blueprint schema of a proposed property (its title is added by the caller) and the jq that fills it. */
export type PropertyInference = { readonly schema: BlueprintProperty; readonly expression: string } | { readonly skipped: string };

/** True when a field's name says it holds a credential (`secret_token`, `apiKey`, `client_secret`): never proposed. */
export function isSecretLooking(field: string): boolean {
  const words = splitWords(field);
  const snake = `_${words.join("_")}_`;
  return words.some((word) => SECRET_WORDS.has(word)) || SECRET_PHRASES.some((phrase) => snake.includes(`_${phrase}_`));
}

function isEnumValue(text: string): boolean {
  return (
    text.length <= MAX_ENUM_VALUE_LENGTH &&
    LABEL.test(text) &&
    text.split(" ").length <= MAX_ENUM_VALUE_WORDS &&
    !NOT_LABELS.some((pattern) => pattern.test(text))
  );
}

/**
 * The values of a low-cardinality string field, sorted, when it looks like an enum: two to ten
 * distinct short labels, each seen at least twice, in a field that is not an id, a name or free text.
 * Undefined otherwise.
 */
export function inferEnum(field: string, stats: ValueStats): string[] | undefined {
  if (splitWords(field).some((word) => NOT_ENUM_WORDS.has(word))) return undefined;
  if (stats.hasMoreStrings || stats.strings.size < MIN_ENUM_VALUES || stats.strings.size > MAX_ENUM_VALUES) return undefined;
  const values = [...stats.strings.entries()];
  if (values.some(([text, seen]) => seen < 2 || !isEnumValue(text))) return undefined;
  return values.map(([text]) => text).sort();
}

function inferFormat(stats: ValueStats): string | undefined {
  if (stats.areDateTimes) return "date-time";
  if (stats.areWebUrls) return "url";
  if (stats.areEmails) return "email";
  return undefined;
}

function inferItems(items: ValueStats | undefined): BlueprintProperty["items"] | undefined {
  const type = readSingleType(items);
  if (items === undefined || type === undefined) return undefined;
  const format = type === "string" ? inferFormat(items) : undefined;
  return format === undefined ? { type } : { type, format };
}

function buildEnumExpression(path: string, values: readonly string[]): string {
  const list = values.map((value) => JSON.stringify(value)).join(", ");
  return `${path} as $v | if $v == null then null elif ($v | IN(${list})) then $v else ${JSON.stringify(ENUM_FALLBACK)} end`;
}

/**
 * Proposes a blueprint property for a record field from its sampled values: the JSON type (skipped
 * when the sample mixes types, or holds only nulls), a date-time, url or email format when every
 * string has it, an enum for label-like strings (values outside it map to "other"), the item type
 * of arrays (mapped so that a missing array becomes []). Fields with huge values are skipped.
 */
export function inferProperty(field: string, stats: ValueStats): PropertyInference {
  if (stats.count === 0) return { skipped: "always null or missing in the sample" };
  if (stats.maxChars > MAX_VALUE_CHARS) return { skipped: `values up to ${stats.maxChars} characters, too large for a property` };
  const type = readSingleType(stats);
  if (type === undefined) return { skipped: `mixed types in the sample (${[...stats.types].sort().join(", ")})` };
  const path = toJqPath(field);
  if (type === "array") {
    const items = inferItems(stats.items);
    return { schema: items === undefined ? { type } : { type, items }, expression: `${path} // []` };
  }
  if (type !== "string") return { schema: { type }, expression: path };
  const format = inferFormat(stats);
  if (format !== undefined) return { schema: { type, format }, expression: path };
  const values = inferEnum(field, stats);
  if (values === undefined) return { schema: { type }, expression: path };
  const allowed = values.includes(ENUM_FALLBACK) ? values : [...values, ENUM_FALLBACK];
  return { schema: { type, enum: allowed }, expression: buildEnumExpression(path, values) };
}
