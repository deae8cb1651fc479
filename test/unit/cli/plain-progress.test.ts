import { describe, expect, it } from "vitest";
import { createPlainProgress, listKindCounts } from "../../../src/cli/plain-progress";

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

  it("says a kind started when its first report has nothing counted yet", () => {
    const { lines, progress } = recorder();
    progress.report({ type: "kind", stage: "transform", kind: "users", records: 0, entities: 0, state: "running" });
    progress.report({ type: "kind", stage: "load", kind: "incidentioUser", entities: 40, changes: 0, state: "running", message: "planned 40 creates, 0 updates, 0 deletes" });
    expect(lines.map((l) => l.slice(25))).toEqual([
      "transform users: started\n",
      "load incidentioUser: 40 entities, 0 changes pushed: planned 40 creates, 0 updates, 0 deletes\n",
    ]);
  });

  it("prints a running kind at most every five seconds", () => {
    const { lines, progress, advance } = recorder();
    for (let page = 1; page <= 10; page++) {
      progress.report({ type: "kind", stage: "extract", kind: "alerts", pages: page, state: "running" });
      advance(1_000);
    }
    expect(lines.map((l) => l.slice(25))).toEqual(["extract alerts: 1 page\n", "extract alerts: 6 pages\n"]);
  });

  it("prints a running kind's new message (a retry's wait) at once, and a repeated one as counts are", () => {
    const { lines, progress, advance } = recorder();
    progress.report({ type: "kind", stage: "extract", kind: "alerts", pages: 1, state: "running" });
    advance(100);
    progress.report({ type: "kind", stage: "extract", kind: "alerts", pages: 1, state: "running", message: "429 from GET /v2/alerts: waiting 12 s (attempt 2 of 8)" });
    advance(100);
    progress.report({ type: "kind", stage: "extract", kind: "alerts", pages: 1, state: "running", message: "429 from GET /v2/alerts: waiting 12 s (attempt 2 of 8)" });
    expect(lines.map((l) => l.slice(25))).toEqual(["extract alerts: 1 page\n", "extract alerts: 1 page: 429 from GET /v2/alerts: waiting 12 s (attempt 2 of 8)\n"]);
  });
});

describe("listKindCounts", () => {
  it.each([
    { counts: { pages: 1, records: 1 }, expected: ["1 page", "1 record"] },
    { counts: { pages: 0, records: 50 }, expected: ["0 pages", "50 records"] },
    { counts: { entities: 1, changes: 1 }, expected: ["1 entity", "1 change pushed"] },
    { counts: { entities: 40, changes: 0 }, expected: ["40 entities", "0 changes pushed"] },
    { counts: {}, expected: [] },
  ])("shows $counts as $expected", ({ counts, expected }) => {
    expect(listKindCounts({ type: "kind", stage: "load", kind: "x", state: "running", ...counts })).toEqual(expected);
  });
});
