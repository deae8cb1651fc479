// Pure plan and judgements of the webhook crash test: when serve is SIGKILLed, and whether Port was
// written twice for one change.
import { createRandom } from "./schedule";

/** How long after serve answers /readyz (started or restarted) each SIGKILL comes, ms. */
export interface CrashPlan {
  readonly killAfterReadyMs: readonly number[];
}

const KILLS = { min: 3, max: 4 } as const;
// Long enough that serve has received and applied events since it became ready, short enough that
// every kill falls inside the stream.
const KILL_AFTER_READY_MS = { min: 150, max: 1200 } as const;

/** A seed's SIGKILLs: 3 or 4, each 150 ms to 1.2 s after serve became ready. */
export function planCrashes(seed: number): CrashPlan {
  const unit = createRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(unit() * (max - min + 1));
  const kills = int(KILLS.min, KILLS.max);
  return { killAfterReadyMs: Array.from({ length: kills }, () => int(KILL_AFTER_READY_MS.min, KILL_AFTER_READY_MS.max)) };
}

/** One entity Port wrote (a 2xx bulk upsert carried it), in arrival order. */
export interface EntityWrite {
  /** `blueprint/identifier`. */
  readonly key: string;
  /** The canonical JSON of the entity as sent. */
  readonly content: string;
  readonly at: number;
}

/** A write of an entity with the same content as the write of it before. */
export interface RepeatedWrite {
  readonly key: string;
  readonly firstAt: number;
  readonly againAt: number;
}

/**
 * Splits the writes that repeat the entity's previous write (same content) in two. Across a SIGKILL
 * (`killsAt`, epoch ms) it is the one window the design allows: Port confirmed the write, the snapshot
 * had not committed it yet, so the restarted serve sends it again. Without a kill between them, the
 * same change was applied twice.
 */
export function classifyRepeatedWrites(writes: readonly EntityWrite[], killsAt: readonly number[]): { readonly crashWindow: RepeatedWrite[]; readonly twice: RepeatedWrite[] } {
  const last = new Map<string, EntityWrite>();
  const crashWindow: RepeatedWrite[] = [];
  const twice: RepeatedWrite[] = [];
  for (const write of writes) {
    const previous = last.get(write.key);
    last.set(write.key, write);
    if (!previous || previous.content !== write.content) continue;
    const repeat = { key: write.key, firstAt: previous.at, againAt: write.at };
    if (killsAt.some((at) => at >= previous.at && at <= write.at)) crashWindow.push(repeat);
    else twice.push(repeat);
  }
  return { crashWindow, twice };
}

/** One event the sender got a 2xx for: when it was made (first sent) and when that 2xx came. */
export interface Delivery {
  /** The record it is about, `resource/id`. */
  readonly record: string;
  readonly madeAt: number;
  readonly deliveredAt: number;
}

/**
 * The records some older event about which was delivered after a newer one (the redelivery of an
 * event serve was killed before answering, say): where applying in order of arrival would leave the
 * older state.
 */
export function findOutOfOrderRecords(deliveries: readonly Delivery[]): string[] {
  const newestDelivered = new Map<string, number>();
  const records = new Set<string>();
  for (const delivery of [...deliveries].sort((a, b) => a.deliveredAt - b.deliveredAt)) {
    const newest = newestDelivered.get(delivery.record);
    if (newest !== undefined && delivery.madeAt < newest) records.add(delivery.record);
    else newestDelivered.set(delivery.record, delivery.madeAt);
  }
  return [...records].sort();
}
