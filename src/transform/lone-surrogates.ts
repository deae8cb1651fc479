// jq 1.6, 1.7 and 1.8 all refuse a high surrogate escape (`\ud800`) that no low surrogate escape
// follows ("Invalid \uXXXX\uXXXX surrogate pair escape", src/jv_parse.c), which fails the whole
// record, and turn a lone low surrogate escape into U+FFFD. The API's JSON is valid with either, and
// JSON.parse keeps both as lone code units. Writing U+FFFD for every lone surrogate before jq reads
// the record makes it map, to the same entity under every jq.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
// Every escape, left to right, so that an escaped backslash (`\\ud800`, the text "\ud800") is
// consumed whole and never read as the start of an escape: a valid pair, a lone surrogate, anything else.
const ESCAPE = /\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(u[dD][89a-fA-F][0-9a-fA-F]{2})|[^])/g;

/**
 * Replaces each lone surrogate escape in a JSON text with `\ufffd`, leaving valid pairs, escaped
 * backslashes and everything else as written. Returns `text` itself when it holds no surrogate
 * escape, which one scan decides.
 */
export function replaceLoneSurrogates(text: string): string {
  if (!SURROGATE_ESCAPE.test(text)) return text;
  return text.replace(ESCAPE, (escape: string, lone: string | undefined) => (lone === undefined ? escape : "\\ufffd"));
}
