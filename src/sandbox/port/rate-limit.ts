/** A fixed-window request budget, as Port applies per organization and route group. */
export interface RateLimitBucket {
  readonly limit: number;
  /** Real milliseconds per window (the nominal period divided by the time scale). */
  readonly windowMs: number;
  windowStart: number;
  used: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until the window resets (at least 1 while the window is open). */
  readonly resetSeconds: number;
  readonly periodSeconds: number;
}

/**
 * Creates a bucket of `limit` requests per `periodSeconds`. A `timeScale` above 1 runs the window
 * faster (60 = a 5-minute window lasts 5 real seconds), so simulations of Port's limits finish
 * quickly, while the headers stay in real seconds and a client that honours them waits correctly.
 */
export function createRateLimitBucket(limit: number, periodSeconds: number, timeScale: number, now: number): RateLimitBucket {
  if (!(limit > 0) || !(periodSeconds > 0) || !(timeScale > 0)) {
    throw new Error(`rate limit needs positive limit, periodSeconds and timeScale, got ${limit}, ${periodSeconds}, ${timeScale}`);
  }
  return { limit, windowMs: (periodSeconds * 1000) / timeScale, windowStart: now, used: 0 };
}

/** Counts one request against the bucket at time `now` (ms) and says whether it may be served; a refused request costs nothing. */
export function takeRateLimitToken(bucket: RateLimitBucket, now: number): RateLimitDecision {
  if (now >= bucket.windowStart + bucket.windowMs) {
    bucket.windowStart = now - ((now - bucket.windowStart) % bucket.windowMs);
    bucket.used = 0;
  }
  const allowed = bucket.used < bucket.limit;
  if (allowed) bucket.used += 1;
  return {
    allowed,
    limit: bucket.limit,
    remaining: bucket.limit - bucket.used,
    resetSeconds: Math.max(1, Math.ceil((bucket.windowStart + bucket.windowMs - now) / 1000)),
    periodSeconds: Math.max(1, Math.ceil(bucket.windowMs / 1000)),
  };
}
