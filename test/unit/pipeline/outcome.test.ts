import { describe, expect, it } from "vitest";
import type { ExtractKindSummary, LoadBlueprintSummary } from "../../../src/model/summary";
import { judgeRun } from "../../../src/pipeline/outcome";

const kind = (status: "complete" | "failed", error?: string): ExtractKindSummary => ({
  kind: "/v2/users",
  name: "users",
  status,
  mode: "full",
  pages: 1,
  records: 1,
  requests: 1,
  rejected: 0,
  durationMs: 1,
  ...(error ? { error } : {}),
});
const blueprint = (over: Partial<LoadBlueprintSummary>): LoadBlueprintSummary => ({
  blueprint: "incidentioUser",
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
  deletesWithheld: 0,
  ...over,
});
const extract = (...kinds: ExtractKindSummary[]) => ({ runId: 1, kinds, requests: 1, durationMs: 1 });
const load = (...blueprints: LoadBlueprintSummary[]) => ({ runId: 1, blueprints, requests: { entityWrites: 0, other: 0 }, durationMs: 1, dryRun: false });

describe("judgeRun", () => {
  it.each([
    { name: "a clean run succeeds", summaries: { extract: extract(kind("complete")), load: load(blueprint({})) }, interrupted: false, status: "succeeded", errors: 0 },
    { name: "a failed kind fails the run", summaries: { extract: extract(kind("failed", "GET /v2/users: 500")) }, interrupted: false, status: "failed", errors: 1 },
    { name: "refused entities fail the run", summaries: { load: load(blueprint({ failed: 2 })) }, interrupted: false, status: "failed", errors: 1 },
    {
      name: "deletions over the threshold fail the run",
      summaries: { load: load(blueprint({ deleteBlock: "threshold", deletesWithheld: 9 })) },
      interrupted: false,
      status: "failed",
      errors: 1,
    },
    {
      name: "deletions withheld for an incomplete extract add no second error",
      summaries: { extract: extract(kind("failed")), load: load(blueprint({ deleteBlock: "extract-incomplete", deletesWithheld: 3 })) },
      interrupted: false,
      status: "failed",
      errors: 1,
    },
    {
      name: "items a kind could not store fail the run, and the deletions withheld for them add no second error",
      summaries: { extract: extract({ ...kind("complete"), rejected: 3 }), load: load(blueprint({ deleteBlock: "extract-rejected", deletesWithheld: 2 })) },
      interrupted: false,
      status: "failed",
      errors: 1,
    },
    { name: "a signal makes the run interrupted", summaries: { extract: extract(kind("failed", "interrupted")) }, interrupted: true, status: "interrupted", errors: 1 },
  ])("$name", ({ summaries, interrupted, status, errors }) => {
    const result = judgeRun(summaries, interrupted);
    expect(result.status).toBe(status);
    expect(result.errors).toHaveLength(errors);
  });
});
