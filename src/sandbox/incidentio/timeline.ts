import type { IncidentIoKind } from "./kinds";
import { hashIndex, toUnit } from "./random";
import { MICROS_PER_MS, truncateMicros, type Precision } from "./timestamps";

const DAY_MS = 86_400_000;
/** The generated organisation starts here; every generated timestamp lies between this and DATA_END_MS. */
export const ORG_START_MS = Date.UTC(2023, 0, 2, 9, 0, 0);
/** Generated data ends here, well before any real clock, so records changed at run time sort after it. */
export const DATA_END_MS = Date.UTC(2025, 11, 1);

const SALT_CREATED = 1;
const SALT_UPDATED = 2;
const SALT_PRECISION_CREATED = 3;
const SALT_PRECISION_UPDATED = 4;

/**
 * When a kind's generated records were created: record i in the millisecond `startMs + i * intervalMs`
 * plus jitter below one interval, so creation milliseconds strictly rise with the index.
 */
export interface Timeline {
  readonly startMs: number;
  readonly intervalMs: number;
  /** Longest gap between a record's creation and its last update. */
  readonly maxUpdateMicros: number;
}

interface KindWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly maxUpdateDays: number;
}

const SETUP: KindWindow = { fromMs: ORG_START_MS, toMs: ORG_START_MS + 180 * DAY_MS, maxUpdateDays: 500 };
const WINDOWS: Readonly<Record<Exclude<IncidentIoKind, "follow_ups">, KindWindow>> = {
  severities: SETUP,
  catalog_types: SETUP,
  teams: SETUP,
  alert_sources: SETUP,
  schedules: SETUP,
  users: { fromMs: ORG_START_MS, toMs: DATA_END_MS - 30 * DAY_MS, maxUpdateDays: 0 },
  catalog_entries: { fromMs: ORG_START_MS + 14 * DAY_MS, toMs: DATA_END_MS - 60 * DAY_MS, maxUpdateDays: 400 },
  incidents: { fromMs: ORG_START_MS + 30 * DAY_MS, toMs: DATA_END_MS - 20 * DAY_MS, maxUpdateDays: 20 },
  alerts: { fromMs: ORG_START_MS + 30 * DAY_MS, toMs: DATA_END_MS - 3 * DAY_MS, maxUpdateDays: 3 },
};

function spread(fromMs: number, toMs: number, count: number, maxUpdateDays: number): Timeline {
  const intervalMs = Math.max(1, Math.floor((toMs - fromMs) / Math.max(count, 1)));
  return { startMs: fromMs, intervalMs, maxUpdateMicros: maxUpdateDays * DAY_MS * MICROS_PER_MS };
}

/** The timeline of `count` generated records of `kind` (follow-ups: see followUpTimeline). */
export function timelineOf(kind: Exclude<IncidentIoKind, "follow_ups">, count: number): Timeline {
  const window = WINDOWS[kind];
  return spread(window.fromMs, window.toMs, count, window.maxUpdateDays);
}

/** Follow-ups start one incident interval after the first incident, so each can point at an incident created before it. */
export function followUpTimeline(incidents: Timeline, count: number): Timeline {
  return spread(incidents.startMs + incidents.intervalMs, DATA_END_MS, count, 60);
}

/** The exact creation instant of generated record `index` in microseconds (before its text drops digits). */
export function createdMicrosAt(timeline: Timeline, seed: number, tag: number, index: number): number {
  const hash = hashIndex(seed, tag, index, SALT_CREATED);
  const ms = timeline.startMs + index * timeline.intervalMs + Math.floor(toUnit(hash) * timeline.intervalMs);
  return ms * MICROS_PER_MS + (hash % MICROS_PER_MS);
}

function precisionFrom(hash: number): Precision {
  const bucket = hash % 10;
  return bucket < 2 ? 0 : bucket < 6 ? 3 : 6;
}

/** How many fractional digits record `index`'s created_at (or updated_at) is written with. */
export function precisionAt(seed: number, tag: number, index: number, which: "created" | "updated"): Precision {
  return precisionFrom(hashIndex(seed, tag, index, which === "created" ? SALT_PRECISION_CREATED : SALT_PRECISION_UPDATED));
}

/**
 * The last update of record `index`, created at `createdMicros` (already truncated to its precision):
 * a third of records were never updated (same instant), the rest at least a second later, so the
 * truncated update can never precede the creation.
 */
export function updatedMicrosAt(timeline: Timeline, seed: number, tag: number, index: number, createdMicros: number): number {
  const hash = hashIndex(seed, tag, index, SALT_UPDATED);
  if (timeline.maxUpdateMicros === 0 || hash % 3 === 0) return createdMicros;
  const delta = 1_000_000 + Math.floor(toUnit(hash) * timeline.maxUpdateMicros);
  return truncateMicros(createdMicros + delta, precisionAt(seed, tag, index, "updated"));
}
