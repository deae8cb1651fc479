import { describe, expect, it } from "vitest";
import { findUntransformedExtracts } from "../../../src/pipeline/staging-freshness";

const extract = (kind: string, runId: number) => ({ kind, runId, finishedAt: `2026-12-07T10:0${runId}:00.000Z` });

describe("findUntransformedExtracts", () => {
  it.each([
    { name: "an extract no transform followed", extracts: [extract("/v2/users", 2)], transforms: [], stale: ["/v2/users"] },
    { name: "a run that extracted and transformed", extracts: [extract("/v2/users", 2)], transforms: [{ runId: 2, kinds: ["/v2/users"] }], stale: [] },
    { name: "a later transform of the kind", extracts: [extract("/v2/users", 2)], transforms: [{ runId: 3, kinds: ["/v2/users"] }], stale: [] },
    { name: "a transform of other kinds (--only)", extracts: [extract("/v2/users", 2)], transforms: [{ runId: 3, kinds: ["/v2/alerts"] }], stale: ["/v2/users"] },
    { name: "a transform before the extract", extracts: [extract("/v2/users", 4)], transforms: [{ runId: 3, kinds: ["/v2/users"] }], stale: ["/v2/users"] },
    {
      name: "one kind of two re-extracted after the transform",
      extracts: [extract("/v2/users", 2), extract("/v2/alerts", 4)],
      transforms: [{ runId: 3, kinds: ["/v2/users", "/v2/alerts"] }],
      stale: ["/v2/alerts"],
    },
    { name: "nothing ever extracted", extracts: [], transforms: [], stale: [] },
  ])("finds $stale for $name", ({ extracts, transforms, stale }) => {
    expect(findUntransformedExtracts(extracts, transforms).map((e) => e.kind)).toEqual(stale);
  });
});
