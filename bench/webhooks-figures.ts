// The webhook phase's figures, computed from what the inbox and the sandboxes recorded. Pure.

/** Latencies of a set of events, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * The nearest-rank percentile `p` (0 < p ≤ 1) of ascending `sorted` values: the smallest value that at
 * least `p` of the values do not exceed. 0 for no values.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}

/** p50, p95, p99 and the largest of `latenciesMs` (any order). */
export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? 0,
  };
}

/** One event as the inbox keeps it (webhook_inbox's times, ISO-8601 with milliseconds). */
export interface InboxTimes {
  readonly receivedAt: string;
  readonly appliedAt: string | null;
}

/**
 * Receipt → Port write of each applied event (applied_at is set once Port confirmed its record's
 * entities), and events applied per second from the first receipt to the last application; events not
 * applied are left out of both and counted.
 */
export function measureInbox(rows: readonly InboxTimes[]): { readonly latency: LatencySummary; readonly perSecond: number; readonly pending: number } {
  const latencies: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    if (row.appliedAt === null) continue;
    const received = Date.parse(row.receivedAt);
    const applied = Date.parse(row.appliedAt);
    latencies.push(applied - received);
    first = Math.min(first, received);
    last = Math.max(last, applied);
  }
  const spanSeconds = (last - first) / 1000;
  return {
    latency: summarizeLatencies(latencies),
    perSecond: latencies.length > 0 && spanSeconds > 0 ? latencies.length / spanSeconds : 0,
    pending: rows.length - latencies.length,
  };
}

/** A signed event the Incident.io sandbox posted, about the entity it changed (its identifier is the record's ID). */
export interface SentEvent {
  readonly identifier: string;
  /** When the sandbox first posted it, epoch ms. */
  readonly sentAt: number;
}

/** An entity Port wrote, epoch ms. */
export interface PortWrite {
  readonly identifier: string;
  readonly at: number;
}

/**
 * The same latency seen from outside the product: from the sandbox's first post of each event to
 * Port's first write of its entity at or after it (record IDs differ across kinds, so the identifier
 * names the entity). An event whose entity Port did not write after it
 * (its change was coalesced into an earlier write, or did not change the entity) has none, and is
 * counted as unmatched.
 */
export function matchPortWrites(sent: readonly SentEvent[], writes: readonly PortWrite[]): { readonly latency: LatencySummary; readonly unmatched: number } {
  const byEntity = new Map<string, number[]>();
  for (const write of writes) {
    const times = byEntity.get(write.identifier) ?? [];
    times.push(write.at);
    byEntity.set(write.identifier, times);
  }
  for (const times of byEntity.values()) times.sort((a, b) => a - b);
  const latencies: number[] = [];
  for (const event of sent) {
    const times = byEntity.get(event.identifier) ?? [];
    const at = times.find((time) => time >= event.sentAt);
    if (at !== undefined) latencies.push(at - event.sentAt);
  }
  return { latency: summarizeLatencies(latencies), unmatched: sent.length - latencies.length };
}
