// jq 1.6, 1.7 and 1.8 all refuse a high surrogate escape (`\ud800`) that no low surrogate escape
// follows ("Invalid \uXXXX\uXXXX surrogate pair escape", src/jv_parse.c), which fails the whole
// record, and turn a lone low surrogate escape into U+FFFD. The API's JSON is valid with either, and
// JSON.parse keeps both as lone code units. Writing U+FFFD for every lone surrogate before jq reads
// the record makes it map, to the same entity under every jq.
// Every escape, left to right, so that an escaped backslash (`\\ud800`, the text "\ud800") is
// consumed whole and never read as the start of an escape: a valid pair, a lone surrogate, anything else.
const ESCAPE = /\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(u[dD][89a-fA-F][0-9a-fA-F]{2})|[^])/g;

/**
 * Whether `text` holds `\uD800` to `\uDFFF` in any case (or the same after an escaped backslash, which
 * replaceLoneSurrogates then tells apart). Searching for `\u` and reading two characters is four times
 * faster than a regular expression, which matters over every record of every run.
 */
function hasSurrogateEscape(text: string): boolean {
  for (let at = text.indexOf("\\u"); at !== -1; at = text.indexOf("\\u", at + 2)) {
    // `| 0x20` lower-cases a letter and leaves a digit as it is.
    const first = text.charCodeAt(at + 2) | 0x20;
    const second = text.charCodeAt(at + 3) | 0x20;
    if (first === 0x64 && (second === 0x38 || second === 0x39 || (second >= 0x61 && second <= 0x66))) return true;
  }
  return false;
}

/**
 * Replaces each lone surrogate escape in a JSON text with `\ufffd`, leaving valid pairs, escaped
 * backslashes and everything else as written. Returns `text` itself when it holds no surrogate
 * escape, which one scan decides.
 */
export function replaceLoneSurrogates(text: string): string {
  if (!hasSurrogateEscape(text)) return text;
  return text.replace(ESCAPE, (escape: string, lone: string | undefined) => (lone === undefined ? escape : "\\ufffd"));
}
