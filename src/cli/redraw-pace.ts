/**
 * The least time between two redraws of the live tree. A redraw measures the width of the tree's text
 * grapheme by grapheme, in listr2's line formatting and again in log-update's wrapping: 5–30 ms of CPU
 * for the demo's tree. Drawn on every change (a page, a batch) that made the demo's first run cost 7×
 * its CPU on a terminal; four redraws a second cost a few percent and still read as live.
 */
export const REDRAW_INTERVAL_MS = 250;

/**
 * How long to wait before redrawing after a change at `now`, when the tree was last drawn at `lastAt`
 * (undefined: not yet drawn): 0 means draw now, otherwise the rest of the interval since the last draw.
 * Times come from one monotonic clock.
 */
export function redrawDelay(now: number, lastAt: number | undefined, intervalMs: number): number {
  return lastAt === undefined ? 0 : Math.max(0, lastAt + intervalMs - now);
}
