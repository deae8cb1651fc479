import { parseRateLimitReset, parseRetryAfter } from "./retry-after";

/** The setting that bounds a request's total wait between attempts, named in the errors it causes. */
const MAX_RETRY_WAIT_SETTING = "ETL_MAX_RETRY_WAIT_SECONDS";
/** Its default: five minutes of backoff and Retry-After per request. */
export const DEFAULT_MAX_RETRY_WAIT_MS = 300_000;
const BASE_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

/** What one attempt came to: a response's status and headers, or a network failure's code. */
export type AttemptOutcome =
  | { readonly type: "response"; readonly status: number; readonly headers: { get(name: string): string | null } }
  | { readonly type: "network"; readonly code: string };

/** Where a request stands when one of its attempts failed. */
export interface RetryState {
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** How long this request already waited between attempts. */
  readonly waitedMs: number;
  /** The bound on that total (ETL_MAX_RETRY_WAIT_SECONDS). */
  readonly maxWaitMs: number;
  /** True once any request of the run got an answer from this host. */
  readonly hasReachedHost: boolean;
  readonly nowMs: number;
  /** 0..1, for the backoff's jitter. */
  readonly random: number;
}

export type RetryDecision =
  /** `why`, when set, says why a failure worth retrying is not retried; the caller adds it to the error. */
  | { readonly retry: false; readonly why?: string }
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

// A name that does not resolve, nothing listening, or no route: on a host never reached, a wrong base
// URL or no network, which retries only make slower to report.
const UNREACHABLE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH"]);

/** True for the network failures that mean the host cannot be reached at all (as opposed to a dropped connection). */
export function isUnreachableCode(code: string): boolean {
  return UNREACHABLE_CODES.has(code);
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

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

/**
 * Whether a failed attempt is tried again, and after how long. Not retried: a success or a client
 * error, a TLS failure, a host never reached that cannot be reached (wrong name, nothing listening),
 * the last attempt, or a wait the request's remaining bound (`maxWaitMs - waitedMs`) cannot cover:
 * a server asking for more (Retry-After, seconds or HTTP date; for a 429 its `x-ratelimit-reset`)
 * gets `why` saying so. Otherwise the wait is the server's, else backoff trimmed to the bound.
 */
export function planRetry(outcome: AttemptOutcome, state: RetryState): RetryDecision {
  if (outcome.type === "network" && !isRetryableNetworkCode(outcome.code)) return { retry: false };
  if (outcome.type === "response" && !isRetryableStatus(outcome.status)) return { retry: false };
  if (outcome.type === "network" && isUnreachableCode(outcome.code) && !state.hasReachedHost) return { retry: false };
  if (state.attempt >= state.maxAttempts) return { retry: false };
  const left = Math.max(0, state.maxWaitMs - state.waitedMs);
  const bound = `${MAX_RETRY_WAIT_SETTING} (${seconds(state.maxWaitMs)} a request)`;
  if (outcome.type === "network") {
    if (left <= 0) return { retry: false, why: `not retried: its retries already waited the ${bound}` };
    return { retry: true, delayMs: Math.min(left, computeBackoff(state.attempt, state.random)), reason: outcome.code };
  }
  const requested =
    parseRetryAfter(outcome.headers.get("retry-after"), state.nowMs) ??
    (outcome.status === 429 ? parseRateLimitReset(outcome.headers.get("x-ratelimit-reset"), state.nowMs) : undefined);
  if (requested !== undefined && requested > left) {
    const already = state.waitedMs > 0 ? `, which it has already waited ${seconds(state.waitedMs)} of` : "";
    return { retry: false, why: `the server asked to wait ${seconds(requested)}, more than the ${bound}${already}; not retried` };
  }
  if (requested === undefined && left <= 0) return { retry: false, why: `not retried: its retries already waited the ${bound}` };
  return {
    retry: true,
    delayMs: requested ?? Math.min(left, computeBackoff(state.attempt, state.random)),
    reason: `status ${outcome.status}${requested === undefined ? "" : " (server asked to wait)"}`,
  };
}
