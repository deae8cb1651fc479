import { describe, expect, it } from "vitest";
import { createPlainProgress } from "../../../src/cli/plain-progress";

function recorder() {
  const lines: string[] = [];
  let clock = Date.parse("2026-11-28T10:00:00.000Z");
  const progress = createPlainProgress((l) => lines.push(l), () => new Date(clock));
  return { lines, progress, advance: (ms: number) => (clock += ms) };
}

describe("createPlainProgress", () => {
  it("prints timestamped lines without ANSI escapes", () => {
    const { lines, progress } = recorder();
    progress.report({ type: "stage-start", stage: "extract", kinds: ["users", "incidents"] });
    progress.report({ type: "kind", stage: "extract", kind: "users", pages: 2, records: 500, state: "done" });
    progress.report({ type: "kind", stage: "extract", kind: "incidents", state: "failed", message: "GET /v2/incidents (cursor 01H): 500" });
    progress.report({ type: "stage-end", stage: "extract", ok: false });
    expect(lines).toEqual([
      "2026-11-28T10:00:00.000Z extract: started (2 kinds)\n",
      "2026-11-28T10:00:00.000Z extract users: done: 2 pages, 500 records\n",
      "2026-11-28T10:00:00.000Z extract incidents: FAILED: GET /v2/incidents (cursor 01H): 500\n",
      "2026-11-28T10:00:00.000Z extract: finished with failures\n",
    ]);
    expect(lines.join("")).not.toMatch(/\u001b\[/);
  });

  it("prints a running kind at most every five seconds", () => {
    const { lines, progress, advance } = recorder();
    for (let page = 1; page <= 10; page++) {
      progress.report({ type: "kind", stage: "extract", kind: "alerts", pages: page, state: "running" });
      advance(1_000);
    }
    expect(lines.map((l) => l.slice(25))).toEqual(["extract alerts: 1 pages\n", "extract alerts: 6 pages\n"]);
  });
});
