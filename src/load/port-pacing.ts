/** The longest pause between two requests that `x-ratelimit-*` headers can impose; 429s beyond it are the HTTP client's. */
export const MAX_RATE_LIMIT_PAUSE_MS = 30_000;
// Refresh this long before the token runs out (at most): a request signed just before expiry may arrive just after.
const MAX_REFRESH_MARGIN_MS = 60_000;

/**
 * Whether an access token that runs out at `expiresAt`, after a lifetime of `lifetimeMs`, should be
 * replaced at `now`: a minute before it runs out, or halfway through its lifetime for short-lived tokens
 * (a quarter of a 1-second token, 250 ms, is less than a busy machine can take between signing a
 * request and Port reading it).
 */
export function isTokenStale(token: { readonly expiresAt: number; readonly lifetimeMs: number }, now: number): boolean {
  const margin = Math.min(MAX_REFRESH_MARGIN_MS, token.lifetimeMs / 2);
  return now >= token.expiresAt - margin;
}

/** What one response said about the rate limit; undefined where a header was absent or unreadable. */
export interface RateLimitReading {
  readonly limit: number | undefined;
  readonly remaining: number | undefined;
  /** ms until the window resets. */
  readonly resetMs: number | undefined;
}

/**
 * The spacing between request starts that the latest rate-limit headers call for, given the requests
 * `inFlight` besides the one they answered (sent or waiting to be, they spend the same budget): none
 * while more than 5% of the window's budget (at least 10 requests) is left after those; below that,
 * the rest of the window shared out over the requests left, so the run slows down instead of meeting a
 * 429. Capped.
 */
export function decideRateLimitPause(reading: RateLimitReading, inFlight: number): number {
  const { limit, remaining, resetMs } = reading;
  if (limit === undefined || remaining === undefined || resetMs === undefined) return 0;
  const left = remaining - inFlight;
  const lowWater = Math.max(10, Math.floor(limit * 0.05));
  if (left > lowWater) return 0;
  return Math.min(MAX_RATE_LIMIT_PAUSE_MS, Math.ceil(resetMs / (Math.max(left, 0) + 1)));
}

/**
 * Reserves the next request start given the earliest allowed start `nextAt` and the current
 * spacing: returns how long to wait from `now` and where the following start may be.
 */
export function reserveStart(nextAt: number, now: number, spacingMs: number): { waitMs: number; nextAt: number } {
  const start = Math.max(now, nextAt);
  return { waitMs: start - now, nextAt: start + spacingMs };
}

/** Reads a header as a non-negative number, or undefined. */
export function readCount(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}
