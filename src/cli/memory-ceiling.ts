// V8 lets its old generation grow to some 130 MB before it collects it, however little of it is live (25 to 40 MB in
// a run). Beside a 128 MB young generation (--max-semi-space-size=64), SQLite's caches and jq, that put a run at 10^6
// alerts over a 400 MB container limit: at the end of extract, whose garbage the transform's start then carried, and
// in the sawtooth of a reconcile that reads a million entities. Where node runs with --expose-gc (the installed
// command, `pnpm etl` and the image do), this process asks for a full collection once the old generation passes a
// ceiling well under that, at most once a second: a collection of a heap that size takes some tens of milliseconds.
import { getHeapSpaceStatistics } from "node:v8";

const CHECK_EVERY_MS = 250;
const MIN_GAP_MS = 1000;
/** Bytes the old and large-object spaces may hold before a full collection is asked for. */
export const OLD_GENERATION_CEILING_BYTES = 80 * 2 ** 20;

/** Whether to collect now, given the bytes the old generation uses and when the last collection was asked for. Pure. */
export function shouldCollect(oldGenerationBytes: number, now: number, lastCollectedAt: number | undefined): boolean {
  if (oldGenerationBytes < OLD_GENERATION_CEILING_BYTES) return false;
  return lastCollectedAt === undefined || now - lastCollectedAt >= MIN_GAP_MS;
}

function oldGenerationBytes(): number {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === "old_space" || space.space_name === "large_object_space") bytes += space.space_used_size;
  }
  return bytes;
}

/**
 * Keeps the old generation under the ceiling while the process runs, when node exposes `gc`; does
 * nothing otherwise (a plain `node dist/main.js` still works, with V8's own pacing). The timer does
 * not hold the process open.
 */
export function keepOldGenerationLow(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) return;
  let lastCollectedAt: number | undefined;
  const timer = setInterval(() => {
    const now = Date.now();
    if (!shouldCollect(oldGenerationBytes(), now, lastCollectedAt)) return;
    lastCollectedAt = now;
    collect();
  }, CHECK_EVERY_MS);
  timer.unref();
}
