// jq words that cannot follow a dot in jq 1.6 (1.7 allows some of them).
const JQ_KEYWORDS = new Set([
  "and", "or", "not", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach", "try", "catch", "label", "import", "include", "__loc__",
]);
const JQ_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACRONYMS: Readonly<Record<string, string>> = { id: "ID", ids: "IDs", url: "URL", urls: "URLs", api: "API", sla: "SLA", ip: "IP", uuid: "UUID" };

/** Splits a field or kind name into lower-case words: on anything but letters and digits, and at camelCase humps. */
export function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `slack_user_id` → `slackUserId`: a Port property or relation identifier. */
export function toCamelCase(name: string): string {
  const [first = "", ...rest] = splitWords(name);
  return first + rest.map(capitalize).join("");
}

/** `catalog_entries` → `CatalogEntries`. */
export function toPascalCase(name: string): string {
  return splitWords(name).map(capitalize).join("");
}

/** `slack_user_id` → `Slack User ID`: a readable title, in the style of the shipped blueprints. */
export function toTitle(name: string): string {
  return splitWords(name)
    .map((word) => ACRONYMS[word] ?? capitalize(word))
    .join(" ");
}

/** The jq path to a record field: `.created_at`, or `.["odd key"]` when the name is not a plain jq identifier. */
export function toJqPath(field: string): string {
  return JQ_IDENTIFIER.test(field) && !JQ_KEYWORDS.has(field) ? `.${field}` : `.[${JSON.stringify(field)}]`;
}
