import { EMBEDDED_KINDS, INCIDENTIO_KINDS, type IdKind } from "./kinds";
import { hash32 } from "./random";

// Crockford's base32, as ULIDs use: no I, L, O or U, so IDs survive being read aloud or retyped.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DIGITS = new Map([...ALPHABET].map((char, value) => [char, value]));
// Every pair of digits, so encoding takes one lookup per two characters.
const PAIRS = Array.from({ length: 1024 }, (_, value) => ALPHABET.charAt(value >> 5) + ALPHABET.charAt(value & 31));

const TIME_WIDTH = 10;
const TAG_BITS = 10;
const INDEX_BITS = 40;
const BODY_WIDTH = (TAG_BITS + INDEX_BITS) / 5;
const CHECK_WIDTH = 6;
/** Every ID is as long as a ULID. */
export const ID_LENGTH = TIME_WIDTH + BODY_WIDTH + CHECK_WIDTH;
export const MAX_INDEX = 2 ** INDEX_BITS - 1;
const MAX_TAG = 2 ** TAG_BITS - 1;
const MAX_TIME_MS = 32 ** TIME_WIDTH - 1;
const CHECK_MASK = 32 ** CHECK_WIDTH - 1;
const HALF = 2 ** 25;
const ROUNDS = 4;

/**
 * An ID laid out as `time(10) body(10) check(6)`. The leading ULID timestamp orders IDs of one kind by
 * creation, and so by index, since creation milliseconds strictly rise with the index. The body is
 * (tag, index) passed through a keyed permutation: reversible, so `after=<id>` is an O(1) lookup and
 * kinds never share an ID, yet it looks as random as a ULID's. The check digits reject IDs of the
 * right shape that the dataset never issued.
 */
export interface RecordIdParts {
  readonly timeMs: number;
  readonly tag: number;
  readonly index: number;
  readonly check: number;
}

const TAGS: ReadonlyMap<IdKind, number> = new Map([...INCIDENTIO_KINDS, ...EMBEDDED_KINDS].map((kind, position) => [kind, position + 1]));

/** The tag that sets `kind`'s IDs apart from every other kind's. */
export function tagOf(kind: IdKind): number {
  const tag = TAGS.get(kind);
  if (tag === undefined) throw new RangeError(`no ID tag for kind ${kind}`);
  return tag;
}

/** Writes a non-negative integer as exactly `width` base32 digits; throws when it does not fit. */
export function encodeBase32(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 32 ** width) {
    throw new RangeError(`${value} does not fit in ${width} base32 digits`);
  }
  let text = "";
  let rest = value;
  let position = 0;
  for (; position + 2 <= width; position += 2) {
    text = (PAIRS[rest % 1024] ?? "") + text;
    rest = Math.floor(rest / 1024);
  }
  return position < width ? ALPHABET.charAt(rest % 32) + text : text;
}

/** Reads base32 digits (upper or lower case); undefined when any character is not one. */
export function decodeBase32(text: string): number | undefined {
  let value = 0;
  for (const char of text.toUpperCase()) {
    const digit = DIGITS.get(char);
    if (digit === undefined) return undefined;
    value = value * 32 + digit;
  }
  return value;
}

function roundKey(key: number, round: number, half: number): number {
  return hash32(key, round, half) % HALF;
}

/** A Feistel network over 50 bits (two 25-bit halves): a bijection for every key, undone by `unscramble`. */
function scramble(value: number, key: number): number {
  let left = Math.floor(value / HALF);
  let right = value % HALF;
  for (let round = 0; round < ROUNDS; round += 1) [left, right] = [right, (left ^ roundKey(key, round, right)) >>> 0];
  return left * HALF + right;
}

function unscramble(value: number, key: number): number {
  let left = Math.floor(value / HALF);
  let right = value % HALF;
  for (let round = ROUNDS - 1; round >= 0; round -= 1) [left, right] = [(right ^ roundKey(key, round, left)) >>> 0, left];
  return left * HALF + right;
}

/** Builds the 26-character ID of one record under `key` (the dataset's seed); throws when a part is out of range. */
export function encodeRecordId(parts: RecordIdParts, key: number): string {
  if (parts.tag < 0 || parts.tag > MAX_TAG || parts.index < 0 || parts.index > MAX_INDEX) {
    throw new RangeError(`tag ${parts.tag} / index ${parts.index} out of range for an ID`);
  }
  const timeMs = Math.min(Math.max(Math.floor(parts.timeMs), 0), MAX_TIME_MS);
  const body = scramble(parts.tag * 2 ** INDEX_BITS + parts.index, key);
  return encodeBase32(timeMs, TIME_WIDTH) + encodeBase32(body, BODY_WIDTH) + encodeBase32(parts.check & CHECK_MASK, CHECK_WIDTH);
}

/** Splits an ID issued under `key` back into its parts; undefined when it is not 26 base32 characters. */
export function decodeRecordId(id: string, key: number): RecordIdParts | undefined {
  if (id.length !== ID_LENGTH) return undefined;
  const timeMs = decodeBase32(id.slice(0, TIME_WIDTH));
  const body = decodeBase32(id.slice(TIME_WIDTH, TIME_WIDTH + BODY_WIDTH));
  const check = decodeBase32(id.slice(TIME_WIDTH + BODY_WIDTH));
  if (timeMs === undefined || body === undefined || check === undefined) return undefined;
  const value = unscramble(body, key);
  return { timeMs, tag: Math.floor(value / 2 ** INDEX_BITS), index: value % 2 ** INDEX_BITS, check };
}

/** The check digits an ID of (seed, tag, index) carries, already reduced to their width. */
export function checkOf(hash: number): number {
  return hash & CHECK_MASK;
}
