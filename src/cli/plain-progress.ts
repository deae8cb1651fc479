import type { Progress, ProgressEvent } from "../model/progress";
import { printable } from "./printable";

/** Seconds between two "running" lines of the same kind, so CI logs stay readable at 10^5 records. */
const RUNNING_LINE_EVERY_MS = 5_000;

function count(value: number, one: string, many: string): string {
  return `${value} ${value === 1 ? one : many}`;
}

/** A kind's counters as the progress shows them (plain lines and the listr2 tree alike): `2 pages, 500 records`. */
export function listKindCounts(event: Extract<ProgressEvent, { type: "kind" }>): string[] {
  return [
    event.pages === undefined ? undefined : count(event.pages, "page", "pages"),
    event.records === undefined ? undefined : count(event.records, "record", "records"),
    event.entities === undefined ? undefined : count(event.entities, "entity", "entities"),
    event.changes === undefined ? undefined : count(event.changes, "change pushed", "changes pushed"),
  ].filter((text): text is string => text !== undefined);
}

function describeKind(event: Extract<ProgressEvent, { type: "kind" }>): string {
  const counts = [event.pages, event.records, event.entities, event.changes];
  // A kind's first report comes before any work: "started" says so better than a row of zeros.
  const hasStarted = event.state !== "running" || event.message !== undefined || counts.some((count) => count !== undefined && count > 0);
  if (!hasStarted) return "started";
  const state = event.state === "running" ? "" : event.state === "done" ? "done" : "FAILED";
  return [state, listKindCounts(event).join(", "), event.message].filter(Boolean).join(": ");
}

/**
 * Progress as plain timestamped lines (no ANSI escapes), for pipes, CI logs and `--json` runs. Each
 * kind prints when it starts, at most every few seconds while running, and when it ends.
 */
export function createPlainProgress(write: (line: string) => void, now: () => Date = () => new Date()): Progress {
  const lastRunningLine = new Map<string, number>();
  const lastMessage = new Map<string, string | undefined>();
  const line = (text: string) => write(`${now().toISOString()} ${printable(text)}\n`);
  return {
    report(event) {
      switch (event.type) {
        case "stage-start":
          line(`${event.stage}: started (${event.kinds.length} kind${event.kinds.length === 1 ? "" : "s"})`);
          return;
        case "stage-end":
          line(`${event.stage}: ${event.ok ? "finished" : "finished with failures"}`);
          return;
        case "warning":
          line(`${event.stage}: warning: ${event.message}`);
          return;
        case "kind": {
          const key = `${event.stage} ${event.kind}`;
          if (event.state === "running") {
            const at = now().getTime();
            const last = lastRunningLine.get(key);
            // A new message (a retry's wait, say) is news: only repeated counts are thinned out.
            const isNews = event.message !== undefined && event.message !== lastMessage.get(key);
            lastMessage.set(key, event.message);
            if (!isNews && last !== undefined && at - last < RUNNING_LINE_EVERY_MS) return;
            lastRunningLine.set(key, at);
          }
          const text = describeKind(event);
          line(`${event.stage} ${event.kind}${text ? `: ${text}` : ""}`);
        }
      }
    },
  };
}
