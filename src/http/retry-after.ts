const DELTA_SECONDS = /^\s*\d+\s*$/;

/**
 * How long a `Retry-After` header asks the client to wait, in ms from `nowMs`: delta-seconds
 * (`"120"`) or an HTTP date (`"Thu, 17 Apr 2025 11:17:18 GMT"`, RFC 9110 §10.2.3). A date in the
 * past means 0; a missing or unreadable value means undefined (the caller falls back to backoff).
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (DELTA_SECONDS.test(value)) return Number(value.trim()) * 1000;
  return untilDate(value, nowMs);
}

/**
 * How long an `x-ratelimit-reset` header asks the client to wait, in ms from `nowMs`. Servers send
 * either delta-seconds or epoch seconds there; like Ocean's retry transport, numbers above 10,000
 * are read as epoch seconds (no rate-limit window lasts ~3 hours). Dates are accepted too.
 */
export function parseRateLimitReset(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (DELTA_SECONDS.test(value)) {
    const seconds = Number(value.trim());
    return seconds > 10_000 ? Math.max(0, seconds * 1000 - nowMs) : seconds * 1000;
  }
  return untilDate(value, nowMs);
}

function untilDate(value: string, nowMs: number): number | undefined {
  // Date.parse reads "-5" as the year -5 and "1" as 2001: a bare number is never a date here.
  if (/^\s*[+-]?[\d.]+\s*$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
