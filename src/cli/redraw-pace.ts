/**
 * The least time between two redraws of the live tree. A redraw measures the width of every character
 * of the tree twice (listr2's line formatting, then log-update's wrapping), about 10–20 ms of CPU for
 * the demo's tree: at 4 a second that is a few percent of a run, where a redraw on every change cost
 * the demo's first run 7× its CPU (issue 13). A person reading the tree sees no difference.
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
