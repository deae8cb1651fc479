/** A client-side rate limit shared by every request of a run, so a normal run never meets a 429. */
export interface RequestBudget {
  /** Resolves when one more request may start. */
  take(): Promise<void>;
}

/** The bucket between two takes: `tokens` may go negative, meaning requests already promised a later start. */
export interface BudgetState {
  readonly tokens: number;
  readonly updatedAt: number;
}

export interface BudgetShape {
  /** Requests that may start back to back after a quiet spell. */
  readonly burst: number;
  /** Tokens earned per ms. */
  readonly refillPerMs: number;
}

/**
 * Sizes the bucket for a per-minute limit. The burst is a second's worth of requests, and the refill
 * rate leaves room for it: within any 60 s window at most burst + 60 s of refill = `requestsPerMinute`
 * requests start, which is the window Incident.io counts in (1,200 a minute per key).
 */
export function shapeBudget(requestsPerMinute: number): BudgetShape {
  const burst = Math.max(1, Math.min(Math.floor(requestsPerMinute / 60), requestsPerMinute - 1));
  const refill = Math.max(requestsPerMinute - burst, 1);
  return { burst, refillPerMs: refill / 60_000 };
}

/**
 * Reserves one request start at `now`: refills the bucket for the time passed (never above `burst`),
 * takes a token, and says how long the caller must wait before starting (0 while tokens remain).
 */
export function reserveRequest(state: BudgetState, now: number, shape: BudgetShape): { waitMs: number; state: BudgetState } {
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(shape.burst, state.tokens + elapsed * shape.refillPerMs) - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil(-tokens / shape.refillPerMs);
  return { waitMs, state: { tokens, updatedAt: Math.max(now, state.updatedAt) } };
}

function sleepFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A budget of `requestsPerMinute` request starts, shared by every caller of `take()`. Callers are
 * served in the order they ask; each waits at most as long as the requests reserved before it need.
 */
export function createRequestBudget(options: {
  requestsPerMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): RequestBudget {
  if (!(options.requestsPerMinute > 0)) throw new RangeError(`requestsPerMinute must be positive, got ${options.requestsPerMinute}`);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  const shape = shapeBudget(options.requestsPerMinute);
  let state: BudgetState = { tokens: shape.burst, updatedAt: now() };
  return {
    async take() {
      const reserved = reserveRequest(state, now(), shape);
      state = reserved.state;
      if (reserved.waitMs > 0) await sleep(reserved.waitMs);
    },
  };
}
