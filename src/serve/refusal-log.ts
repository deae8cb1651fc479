/** How often one class of receiver line (a refusal's status, an ignored event type) is printed at most. */
const CLASS_LINE_EVERY_MS = 60_000;

export interface RefusalLog {
  /** Prints `line` unless a line of its class was printed in the last minute; counts it either way. */
  line(line: string): void;
  /** Every class seen, with how many lines it had, the most first. */
  totals(): { readonly class: string; readonly count: number }[];
}

/** A receiver line's class: the text before its first colon, e.g. `webhook refused (401)`. Pure. */
export function classOf(line: string): string {
  const colon = line.indexOf(":");
  return colon < 0 ? line : line.slice(0, colon);
}

/**
 * The receiver's lines, thinned per class: a flood of forged or stale requests (hundreds a second)
 * prints one line a minute per class, carrying how many like it came since, instead of one each.
 */
export function createRefusalLog(log: (line: string) => void, now: () => number = Date.now): RefusalLog {
  const seen = new Map<string, { count: number; unprinted: number; printedAt: number }>();
  return {
    line(line) {
      const key = classOf(line);
      const entry = seen.get(key) ?? { count: 0, unprinted: 0, printedAt: Number.NEGATIVE_INFINITY };
      seen.set(key, entry);
      entry.count += 1;
      const at = now();
      if (at - entry.printedAt < CLASS_LINE_EVERY_MS) {
        entry.unprinted += 1;
        return;
      }
      log(entry.unprinted > 0 ? `${line} (and ${entry.unprinted} more like it in the last minute)` : line);
      entry.unprinted = 0;
      entry.printedAt = at;
    },
    totals() {
      return [...seen.entries()].map(([key, entry]) => ({ class: key, count: entry.count })).sort((a, b) => b.count - a.count);
    },
  };
}
