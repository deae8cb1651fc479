export interface RateLimitPolicy {
  readonly requestsPerMinute: number;
  /** How many times faster than real time the limiter's clock runs: 60 makes a "minute" last one second. */
  readonly timeScale: number;
}

/** One API key's bucket: tokens left as of `atMs`. */
export interface TokenBucket {
  readonly tokens: number;
  readonly atMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly bucket: TokenBucket;
  /** Tokens left after this request (0 when refused). */
  readonly remaining: number;
  /** Real milliseconds until a token is back; 0 when allowed. */
  readonly waitMs: number;
}

/**
 * Token bucket holding a minute's worth of requests that refills continuously: a key may burst up to
 * `requestsPerMinute`, then gets one request per 1/`requestsPerMinute` of a (scaled) minute. A missing
 * bucket is a full one.
 */
export function decideRateLimit(bucket: TokenBucket | undefined, policy: RateLimitPolicy, nowMs: number): RateLimitDecision {
  const capacity = policy.requestsPerMinute;
  const refillPerMs = (capacity * policy.timeScale) / 60_000;
  const elapsed = bucket ? Math.max(0, nowMs - bucket.atMs) : 0;
  const tokens = bucket ? Math.min(capacity, bucket.tokens + elapsed * refillPerMs) : capacity;
  if (tokens >= 1) {
    return { allowed: true, bucket: { tokens: tokens - 1, atMs: nowMs }, remaining: Math.floor(tokens - 1), waitMs: 0 };
  }
  return { allowed: false, bucket: { tokens, atMs: nowMs }, remaining: 0, waitMs: (1 - tokens) / refillPerMs };
}

/** `Retry-After` delta-seconds for a wait: whole seconds, rounded up, at least 1 (HTTP has no finer unit). */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
