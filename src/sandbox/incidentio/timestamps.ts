/** Fractional-second digits a timestamp is written with; the real API varies between these. */
export type Precision = 0 | 3 | 6;

export const MICROS_PER_MS = 1_000;
const MICROS_PER_DAY = 86_400_000_000;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Drops the digits `precision` does not write, so the value and its text always agree. */
export function truncateMicros(micros: number, precision: Precision): number {
  const unit = precision === 0 ? 1_000_000 : precision === 3 ? 1_000 : 1;
  return Math.floor(micros / unit) * unit;
}

const MS_PER_DAY = 86_400_000;
const DAY_CACHE_LIMIT = 4_096;
// Formatting runs several times per generated record; the date part changes rarely between calls,
// so it is cached per day and only the time of day is assembled by hand.
const dayPrefixes = new Map<number, string>();

function dayPrefix(day: number): string {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= DAY_CACHE_LIMIT) dayPrefixes.clear();
    prefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** RFC 3339 in UTC with exactly `precision` fractional digits (none at 0), e.g. `2024-06-01T12:03:11.402115Z`. */
export function formatTimestamp(micros: number, precision: Precision): string {
  const ms = Math.floor(micros / MICROS_PER_MS);
  const day = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - day * MS_PER_DAY;
  const seconds = Math.floor(inDay / 1000);
  const text = `${dayPrefix(day)}${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}`;
  if (precision === 0) return `${text}Z`;
  const millis = String(inDay % 1000).padStart(3, "0");
  if (precision === 3) return `${text}.${millis}Z`;
  return `${text}.${millis}${String(Math.floor(micros) % MICROS_PER_MS).padStart(3, "0")}Z`;
}

function utcMicros(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 2024-02-31 over into March; a round trip exposes such dates as invalid.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return ms * MICROS_PER_MS;
}

/** Microseconds since the epoch of an RFC 3339 timestamp (any offset, up to 9 fractional digits); undefined when malformed. */
export function parseTimestampMicros(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = "", zone = "Z"] = match;
  const base = utcMicros(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
  if (base === undefined) return undefined;
  const micros = Number(fraction.padEnd(6, "0").slice(0, 6));
  if (zone.toUpperCase() === "Z") return base + micros;
  const sign = zone.startsWith("-") ? -1 : 1;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return base + micros - sign * offsetMinutes * 60_000_000;
}

/** Microseconds since the epoch of a `YYYY-MM-DD` date at 00:00 UTC, or of a full timestamp; undefined when neither. */
export function parseDateOrTimestampMicros(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return parseTimestampMicros(text);
  const [, year, month, day] = match;
  return utcMicros(Number(year), Number(month), Number(day), 0, 0, 0);
}

/** 00:00 UTC of the day `micros` falls in. */
export function startOfDayMicros(micros: number): number {
  return Math.floor(micros / MICROS_PER_DAY) * MICROS_PER_DAY;
}
