import type { PendingEvent } from "../../db/queries/webhook-inbox";
import type { AppliedRecord, RecordToApply } from "../model/webhook";

/** One pass's work: each record once, and the pending events that asked for it. */
export interface CoalescedPass {
  /** In the order of their oldest pending event. */
  readonly records: readonly RecordToApply[];
  readonly eventsOf: ReadonlyMap<string, readonly PendingEvent[]>;
}

/** What a pass's outcomes mean for the inbox. */
export interface SettledPass {
  /** The events of records now as the API says in Port (applied, deleted, or of a kind the mapping does not read): marked applied together. */
  readonly done: readonly PendingEvent[];
  /** Records that could not be applied now: their events stay pending, with the attempt recorded. */
  readonly retry: readonly { readonly record: RecordToApply; readonly events: readonly PendingEvent[]; readonly error: string }[];
  /** Entities written to (or deleted from) Port. */
  readonly writes: number;
  readonly applied: number;
  readonly deleted: number;
  readonly notMapped: number;
}

/** The key of a record across events: the same incident named by two events is one record to apply. */
export function recordKey(record: Pick<RecordToApply, "resource" | "recordId">): string {
  return `${record.resource}:${record.recordId}`;
}

/**
 * Coalesces pending events (oldest first) into one record per (resource, record id): the record is
 * read from the API anyway, so ten updates of one incident are one read and one write. It counts as
 * deleted when any of its events says so (the API must still confirm it). Pure.
 */
export function coalesceEvents(events: readonly PendingEvent[]): CoalescedPass {
  const eventsOf = new Map<string, PendingEvent[]>();
  const deleted = new Set<string>();
  const order: RecordToApply[] = [];
  for (const event of events) {
    const key = recordKey(event);
    const list = eventsOf.get(key);
    if (list) list.push(event);
    else {
      eventsOf.set(key, [event]);
      order.push({ resource: event.resource, recordId: event.recordId, deleted: false });
    }
    if (event.deleted) deleted.add(key);
  }
  return { records: order.map((record) => (deleted.has(recordKey(record)) ? { ...record, deleted: true } : record)), eventsOf };
}

/**
 * Sorts a pass's outcomes into the events to mark applied and those to retry. A record the applier
 * returned no outcome for (it stopped on SIGTERM before reaching it) is neither: its events stay
 * pending, untouched, for the next pass or process. Pure.
 */
export function settlePass(pass: CoalescedPass, outcomes: readonly AppliedRecord[]): SettledPass {
  const done: PendingEvent[] = [];
  const retry: { record: RecordToApply; events: readonly PendingEvent[]; error: string }[] = [];
  let writes = 0;
  const counts = { applied: 0, deleted: 0, "not-mapped": 0 };
  for (const { record, outcome } of outcomes) {
    const events = pass.eventsOf.get(recordKey(record)) ?? [];
    if (outcome.state === "retry") {
      retry.push({ record, events, error: outcome.error });
      continue;
    }
    done.push(...events);
    counts[outcome.state] += 1;
    if (outcome.state !== "not-mapped") writes += outcome.writes;
  }
  return { done, retry, writes, applied: counts.applied, deleted: counts.deleted, notMapped: counts["not-mapped"] };
}

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 5 * 60_000;

/**
 * How long a record waits before its next attempt after `attempts` failed ones: doubling from a
 * second, at most five minutes, so a Port or Incident.io outage is not hammered every pass while a
 * short blip costs seconds. Its events stay committed meanwhile; nothing is dropped. Pure.
 */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 0) return 0;
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20));
}

/** The events a pass takes up: those whose record is not waiting out a retry delay at `now`. Pure. */
export function selectDueEvents(events: readonly PendingEvent[], notBefore: ReadonlyMap<string, number>, now: number): PendingEvent[] {
  return events.filter((event) => (notBefore.get(recordKey(event)) ?? 0) <= now);
}

/** The lag of applied events (receipt → marked applied), in ms: the mean and the longest. Pure. */
export function measureLag(events: readonly Pick<PendingEvent, "receivedAt">[], appliedAt: number): { meanMs: number; maxMs: number } | undefined {
  if (events.length === 0) return undefined;
  const lags = events.map((event) => Math.max(0, appliedAt - Date.parse(event.receivedAt)));
  return { meanMs: lags.reduce((sum, lag) => sum + lag, 0) / lags.length, maxMs: Math.max(...lags) };
}
