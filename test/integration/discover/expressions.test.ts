import { beforeAll, describe, expect, it } from "vitest";
import { findRelationCandidate } from "../../../src/discover/infer-relation";
import { inferProperty } from "../../../src/discover/infer-property";
import type { JqRunner } from "../../../src/jq/jq-runner";
import { rewriteSingleQuotes } from "../../../src/transform/single-quotes";
import { statsOf } from "../../helpers/discover-stats";
import { createTestJqRunner } from "../../helpers/test-jq";

let jq: JqRunner;
beforeAll(async () => {
  jq = await createTestJqRunner();
});

function propertyExpression(field: string, sample: readonly unknown[]): string {
  const inferred = inferProperty(field, statsOf(sample));
  if ("skipped" in inferred) throw new Error(inferred.skipped);
  return inferred.expression;
}

function relationExpression(field: string, sample: readonly unknown[]): string {
  const candidate = findRelationCandidate(field, statsOf(sample));
  if (candidate === undefined) throw new Error(`${field} is no relation`);
  return candidate.expression;
}

const ENUM_SAMPLE = ["live", "live", "closed", "closed"];

describe("proposed jq expressions, run by this machine's jq", () => {
  it.each([
    { name: "an enum keeps a sampled value", expression: () => propertyExpression("status", ENUM_SAMPLE), record: { status: "live" }, expected: "live" },
    { name: "an enum maps an unsampled value to other", expression: () => propertyExpression("status", ENUM_SAMPLE), record: { status: "paused" }, expected: "other" },
    { name: "an enum keeps null", expression: () => propertyExpression("status", ENUM_SAMPLE), record: { status: null }, expected: null },
    { name: "an enum gives null for a missing field", expression: () => propertyExpression("status", ENUM_SAMPLE), record: {}, expected: null },
    { name: "an array property gives [] for a missing field", expression: () => propertyExpression("labels", [["a"]]), record: {}, expected: [] },
    { name: "an array property gives [] for null", expression: () => propertyExpression("labels", [["a"]]), record: { labels: null }, expected: [] },
    { name: "an array property keeps its array", expression: () => propertyExpression("labels", [["a"]]), record: { labels: ["x", "y"] }, expected: ["x", "y"] },
    { name: "an odd field name is read", expression: () => propertyExpression("incident.io/tier", [1]), record: { "incident.io/tier": 2 }, expected: 2 },
    { name: "a keyword field name is read", expression: () => propertyExpression("then", [1]), record: { then: 3 }, expected: 3 },
    { name: "a *_id relation reads the id", expression: () => relationExpression("incident_id", ["I1"]), record: { incident_id: "I9" }, expected: "I9" },
    { name: "an {id} relation reads the id", expression: () => relationExpression("severity", [{ id: "S1" }]), record: { severity: { id: "S2" } }, expected: "S2" },
    { name: "an {id} relation gives null for null", expression: () => relationExpression("severity", [{ id: "S1" }]), record: { severity: null }, expected: null },
    { name: "a *_ids relation gives [] for a missing field", expression: () => relationExpression("team_ids", [["T1"]]), record: {}, expected: [] },
    { name: "a *_ids relation keeps its ids", expression: () => relationExpression("team_ids", [["T1"]]), record: { team_ids: ["T1", "T2"] }, expected: ["T1", "T2"] },
    { name: "a many {id} relation gives [] for null", expression: () => relationExpression("members", [[{ id: "U1" }]]), record: { members: null }, expected: [] },
    { name: "a many {id} relation reads each id", expression: () => relationExpression("members", [[{ id: "U1" }]]), record: { members: [{ id: "U1" }, { id: "U2" }] }, expected: ["U1", "U2"] },
  ])("$name", async ({ expression, record, expected }) => {
    const filter = expression();
    expect(rewriteSingleQuotes(filter)).toBe(filter);
    expect(await jq.runJson(filter, JSON.stringify(record))).toEqual(expected);
  });
});
