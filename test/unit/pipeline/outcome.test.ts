import { describe, expect, it } from "vitest";
import type { ExtractKindSummary, LoadBlueprintSummary, TransformKindSummary } from "../../../src/model/summary";
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
const transformed = (unmapped: number): TransformKindSummary => ({
  kind: "/v2/schedules",
  name: "schedules",
  records: 2,
  entities: 2 - unmapped,
  skipped: 0,
  filtered: 0,
  heldBack: 0,
  mappingErrors: unmapped,
  unmapped,
  danglingRelations: 0,
  durationMs: 1,
});
const transform = (...kinds: TransformKindSummary[]) => ({ runId: 1, kinds, blueprints: {}, durationMs: 1 });
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

describe("judgeRun: records that could not be mapped and entities kept", () => {
  it.each([
    {
      name: "an unmapped record fails the run, naming how many, why, and etl status",
      summaries: { transform: transform(transformed(1)) },
      error:
        "transform: 1 record could not be mapped (unparseable by jq, or a jq error in its identifier, blueprint or selector); " +
        "the entities it made before stay in Port as last pushed; see pnpm etl status for the records and reasons",
    },
    {
      name: "kept entities fail the run",
      summaries: { load: load(blueprint({ kept: 2 })) },
      error:
        "load: 2 entities were kept in Port as last pushed, neither updated nor deleted (their record could not be mapped, or their new version is held back); " +
        "see pnpm etl status for the records and reasons",
    },
    {
      name: "both, over several kinds and blueprints, make one line",
      summaries: { transform: transform(transformed(1), transformed(1)), load: load(blueprint({ kept: 1 }), blueprint({ blueprint: "incidentioSchedule", kept: 1 })) },
      error:
        "transform: 2 records could not be mapped (unparseable by jq, or a jq error in their identifier, blueprint or selector); " +
        "load: 2 entities were kept in Port as last pushed, neither updated nor deleted (their record could not be mapped, or their new version is held back); " +
        "see pnpm etl status for the records and reasons",
    },
  ])("$name", ({ summaries, error }) => {
    expect(judgeRun(summaries, false)).toEqual({ status: "failed", errors: [error] });
  });

  it("succeeds when every record mapped and nothing was kept, summaries written before these counts included", () => {
    const { unmapped: _unmapped, ...old } = transformed(0);
    expect(judgeRun({ transform: transform(old, transformed(0)), load: load(blueprint({ kept: 0 }), blueprint({})) }, false)).toEqual({
      status: "succeeded",
      errors: [],
    });
  });
});
