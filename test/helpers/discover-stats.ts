import { createValueStats, observeValue, type ValueStats } from "../../src/discover/value-stats";

/** The stats of a record field that took these values in the sample. */
export function statsOf(values: readonly unknown[]): ValueStats {
  const stats = createValueStats();
  for (const value of values) observeValue(stats, value, true);
  return stats;
}
