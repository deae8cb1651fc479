// Finds, in the text of a page that JSON.parse has already accepted, the text of each record of its
// array of records, so that the extract stores what the API sent instead of serializing every parsed
// record again (JSON.stringify was a tenth of the extract's CPU). It reads only compact JSON, the
// form the API sends: whitespace between tokens, or a key with an escape on the way to the array,
// gives undefined, and the caller serializes the parsed records as before. A record with an escape
// in one of its keys gets no text either: the secret-field rules search record texts for keys as
// JSON.stringify writes them, and `"secret\u005ftoken"` is not written so.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

class NotCompact extends Error {}

/** Where the scan is, and the next backslash at or after `from` (-1 for none), so that each key is checked in constant time. */
interface Scan {
  readonly text: string;
  nextBackslash: number;
  escapedKey: boolean;
}

function checkKey(scan: Scan, start: number, end: number): void {
  if (scan.nextBackslash !== -1 && scan.nextBackslash < start) scan.nextBackslash = scan.text.indexOf("\\", start);
  if (scan.nextBackslash !== -1 && scan.nextBackslash < end) scan.escapedKey = true;
}

/** The index after the string starting at `start` (a quote). */
function skipString(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) throw new NotCompact();
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** The index after the value starting at `start`; throws NotCompact on whitespace or anything unexpected. */
function skipValue(scan: Scan, start: number): number {
  const { text } = scan;
  const code = text.charCodeAt(start);
  if (code === QUOTE) return skipString(text, start);
  if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
    const isObject = code === OPEN_OBJECT;
    const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY;
    let at = start + 1;
    if (text.charCodeAt(at) === close) return at + 1;
    for (;;) {
      if (isObject) {
        if (text.charCodeAt(at) !== QUOTE) throw new NotCompact();
        const keyEnd = skipString(text, at);
        checkKey(scan, at, keyEnd);
        at = keyEnd;
        if (text.charCodeAt(at) !== COLON) throw new NotCompact();
        at += 1;
      }
      at = skipValue(scan, at);
      const next = text.charCodeAt(at);
      if (next === close) return at + 1;
      if (next !== COMMA) throw new NotCompact();
      at += 1;
    }
  }
  // A number, true, false or null: up to the next delimiter, and no whitespace on the way.
  let at = start;
  for (;;) {
    const next = text.charCodeAt(at);
    if (next === COMMA || next === CLOSE_OBJECT || next === CLOSE_ARRAY || Number.isNaN(next)) break;
    if (next <= 0x20) throw new NotCompact();
    at += 1;
  }
  if (at === start) throw new NotCompact();
  return at;
}

/** Where the value of `key` starts in the object starting at `start` (its last occurrence, as JSON.parse keeps), or undefined. */
function findKey(scan: Scan, start: number, key: string): number | undefined {
  const { text } = scan;
  if (text.charCodeAt(start) !== OPEN_OBJECT) return undefined;
  const quoted = `"${key}"`;
  let found: number | undefined;
  let at = start + 1;
  if (text.charCodeAt(at) === CLOSE_OBJECT) return undefined;
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) throw new NotCompact();
    const keyEnd = skipString(text, at);
    // A key written with escapes could equal `key` once decoded: compare those the slow way, never.
    const raw = text.slice(at, keyEnd);
    if (raw.includes("\\")) throw new NotCompact();
    if (raw === quoted) found = keyEnd + 1;
    if (text.charCodeAt(keyEnd) !== COLON) throw new NotCompact();
    at = skipValue(scan, keyEnd + 1);
    const next = text.charCodeAt(at);
    if (next === CLOSE_OBJECT) return found;
    if (next !== COMMA) throw new NotCompact();
    at += 1;
  }
}

/**
 * The texts of the elements of the array at `path` (keys from the page's root; empty for the page
 * itself) in `text`, a JSON text JSON.parse accepted, with undefined for an element with an escaped
 * key; undefined when the text is not compact, the path does not lead to an array, or the page is
 * too deeply nested to walk.
 */
export function sliceItemTexts(text: string, path: readonly string[]): (string | undefined)[] | undefined {
  const scan: Scan = { text, nextBackslash: text.indexOf("\\"), escapedKey: false };
  try {
    let at: number | undefined = 0;
    for (const key of path) {
      at = findKey(scan, at, key);
      if (at === undefined) return undefined;
    }
    if (text.charCodeAt(at) !== OPEN_ARRAY) return undefined;
    // findKey read past the array (for a later duplicate of its key): the scan of the records starts afresh.
    scan.nextBackslash = text.indexOf("\\", at);
    const items: (string | undefined)[] = [];
    at += 1;
    if (text.charCodeAt(at) === CLOSE_ARRAY) return items;
    for (;;) {
      scan.escapedKey = false;
      const end = skipValue(scan, at);
      items.push(scan.escapedKey ? undefined : text.slice(at, end));
      const next = text.charCodeAt(end);
      if (next === CLOSE_ARRAY) return items;
      if (next !== COMMA) return undefined;
      at = end + 1;
    }
  } catch (error) {
    // RangeError: nesting deeper than the call stack; the parsed records are serialized instead.
    if (error instanceof NotCompact || error instanceof RangeError) return undefined;
    throw error;
  }
}

const KEY_PATH = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/** The keys a `data_path` walks from the page's root (none for the page itself), or undefined when it is more than a path of keys. */
export function dataPathKeys(dataPath: string | undefined): string[] | undefined {
  const text = dataPath?.trim();
  if (text === undefined || text === ".") return [];
  return KEY_PATH.test(text) ? text.slice(1).split(".") : undefined;
}
