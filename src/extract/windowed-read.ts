import { forEachQueued } from "./concurrency";
import { createdAtOf, decideSplit, isInWindow, planFirstWindows, WINDOW_CHAINS, WINDOW_PAGES, windowParams, type CreatedAtWindow } from "./windows";

/** How one list of a kind is read: as StreamHooks.keepPaging says, storing only the items `keep` accepts. */
export interface ListRead {
  /** created_at filters added to the kind's own query parameters; none for the whole list. */
  readonly params: Readonly<Record<string, string>>;
  readonly keep: ((item: unknown) => boolean) | undefined;
  readonly keepPaging: (index: number, items: readonly unknown[]) => boolean;
}

/** Bounds the windows one read may queue: planning cuts windows into whole days, so even 200 years of days stay below it. */
const MAX_WINDOWS = 200_000;

/**
 * Reads a kind's whole list in full through `readList` (which resolves true when it read a list to
 * its end, false when `keepPaging` ended it): as one chain while it stays within WINDOW_PAGES pages
 * (kept as read), else again (at once when `isKnownLong`) as created_at windows, WINDOW_CHAINS at once under
 * the run's request budget, a window whose first page says it holds more than WINDOW_PAGES pages
 * being cut into smaller ones before anything of it is stored. Resolves once every window was read
 * to its end; throws the first failure of any window (the others stop at their next page when the
 * caller's stopReason says so), so a failed window fails the kind's read.
 */
export async function readInWindows(readList: (read: ListRead) => Promise<boolean>, today: number, isKnownLong: boolean): Promise<void> {
  if (!isKnownLong && (await readList({ params: {}, keep: undefined, keepPaging: (index) => index < WINDOW_PAGES - 1 }))) return;
  await forEachQueued(planFirstWindows(today), WINDOW_CHAINS, MAX_WINDOWS, async (window: CreatedAtWindow) => {
    let parts: CreatedAtWindow[] = [];
    await readList({
      params: windowParams(window),
      keep: (item) => isInWindow(window, item),
      keepPaging: (index, items) => {
        if (index > 0) return true;
        parts = decideSplit(window, items.map(createdAtOf), WINDOW_PAGES) ?? [];
        return parts.length === 0;
      },
    });
    return parts;
  });
}
