import { parseRateLimitReset, parseRetryAfter } from "./retry-after";

/** The longest wait a server's Retry-After may impose: past it we still wait, but only this long. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;
const BASE_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

/** What one attempt came to: a response's status and headers, or a network failure's code. */
export type AttemptOutcome =
  | { readonly type: "response"; readonly status: number; readonly headers: { get(name: string): string | null } }
  | { readonly type: "network"; readonly code: string };

export type RetryDecision =
  | { readonly retry: false }
  | { readonly retry: true; readonly delayMs: number; readonly reason: string };

/** True for the statuses worth another attempt: 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * True for network failures worth another attempt (resets, timeouts, refused or dropped
 * connections, DNS hiccups); false for TLS certificate problems, which no retry can fix.
 */
export function isRetryableNetworkCode(code: string): boolean {
  return !/^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|HOSTNAME_MISMATCH)/.test(code);
}

/**
 * Exponential backoff for the wait after failed attempt `attempt` (1-based): 200 ms doubling, capped
 * at 30 s, scaled by a jitter factor between 0.75 and 1.25 taken from `random` (0..1), so concurrent
 * requests that failed together do not come back together.
 */
export function computeBackoff(attempt: number, random: number): number {
  const exponential = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.75 + 0.5 * Math.min(1, Math.max(0, random))));
}

/**
 * Whether failed attempt `attempt` of `maxAttempts` is tried again, and after how long: the server's
 * Retry-After (seconds or HTTP date) when it sent one, else for a 429 its `x-ratelimit-reset`, else
 * backoff; server-imposed waits are capped at MAX_RETRY_AFTER_MS.
 */
export function planRetry(outcome: AttemptOutcome, attempt: number, maxAttempts: number, nowMs: number, random: number): RetryDecision {
  if (attempt >= maxAttempts) return { retry: false };
  if (outcome.type === "network") {
    return isRetryableNetworkCode(outcome.code)
      ? { retry: true, delayMs: computeBackoff(attempt, random), reason: outcome.code }
      : { retry: false };
  }
  if (!isRetryableStatus(outcome.status)) return { retry: false };
  const requested =
    parseRetryAfter(outcome.headers.get("retry-after"), nowMs) ??
    (outcome.status === 429 ? parseRateLimitReset(outcome.headers.get("x-ratelimit-reset"), nowMs) : undefined);
  return {
    retry: true,
    delayMs: requested === undefined ? computeBackoff(attempt, random) : Math.min(requested, MAX_RETRY_AFTER_MS),
    reason: `status ${outcome.status}${requested === undefined ? "" : " (server asked to wait)"}`,
  };
}
