import { parseDocument } from "yaml";

/** What a YAML text holds, or why it cannot be read. */
export type ParsedYaml = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issues: readonly string[] };

// A text broken in one place (a deep nesting, a stray bracket) can yield hundreds of parser errors.
const MAX_LISTED_ERRORS = 5;

/**
 * Parses a YAML text into plain values. Never throws: parser errors, aliases that are unresolved or
 * expand beyond the yaml library's guard against alias bombs, and nesting too deep to convert all come
 * back as `label: invalid YAML: ...` issues (at most a few, then how many more).
 */
export function parseYamlText(text: string, label: string): ParsedYaml {
  const document = parseDocument(text, { prettyErrors: true });
  const messages = document.errors.map((e) => e.message);
  let value: unknown;
  if (messages.length === 0) {
    try {
      value = document.toJS();
    } catch (error) {
      messages.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (messages.length === 0) return { ok: true, value };
  const issues = messages.slice(0, MAX_LISTED_ERRORS).map((message) => `${label}: invalid YAML: ${message.split("\n")[0]?.replace(/:$/, "")}`);
  if (messages.length > MAX_LISTED_ERRORS) issues.push(`${label}: invalid YAML: ${messages.length - MAX_LISTED_ERRORS} more errors`);
  return { ok: false, issues };
}
