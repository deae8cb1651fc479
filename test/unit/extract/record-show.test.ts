import { describe, expect, it } from "vitest";
import { describeShowRead, isListedByFullRead, readShownRecord } from "../../../src/extract/record-show";

const resource = (kind: string, queryParams: Record<string, string> = {}) => ({ kind, selector: { queryParams } }) as unknown as Parameters<typeof isListedByFullRead>[0];

describe("describeShowRead", () => {
  it.each([
    { kind: "/v2/incidents", expected: { type: "show", path: "/v2/incidents", envelope: "incident" } },
    { kind: "/v2/alerts", expected: { type: "show", path: "/v2/alerts", envelope: "alert" } },
    { kind: "/v2/schedules/", expected: { type: "show", path: "/v2/schedules", envelope: "schedule" } },
    { kind: "/v2/follow_ups", expected: { type: "show", path: "/v2/follow_ups", envelope: "follow_up" } },
    { kind: "/v3/follow_ups?incident_mode=standard", expected: { type: "follow-up", showPath: "/v2/follow_ups", envelope: "follow_up" } },
    { kind: "/v2/users", expected: undefined },
    { kind: "/v3/catalog_entries?catalog_type_id={catalog_type_id}", expected: undefined },
  ])("reads $kind by ID as $expected.type", ({ kind, expected }) => {
    expect(describeShowRead(kind)).toEqual(expected);
  });
});

describe("isListedByFullRead", () => {
  it.each<{ name: string; kind: string; params: Record<string, string>; record: Record<string, unknown>; expected: boolean }>([
    { name: "a standard incident by default", kind: "/v2/incidents", params: {}, record: { mode: "standard" }, expected: true },
    { name: "a retrospective incident by default", kind: "/v2/incidents", params: {}, record: { mode: "retrospective" }, expected: true },
    { name: "no test incident by default", kind: "/v2/incidents", params: {}, record: { mode: "test" }, expected: false },
    { name: "no tutorial incident by default", kind: "/v2/incidents", params: {}, record: { mode: "tutorial" }, expected: false },
    { name: "a test incident the mapping asks for", kind: "/v2/incidents", params: { "mode[one_of]": "standard,test" }, record: { mode: "test" }, expected: true },
    { name: "an incident of the kind's own query", kind: "/v2/incidents?mode[one_of]=tutorial", params: {}, record: { mode: "tutorial" }, expected: true },
    { name: "an incident without a mode", kind: "/v2/incidents", params: {}, record: {}, expected: true },
    { name: "any alert without a status filter", kind: "/v2/alerts", params: {}, record: { status: "resolved" }, expected: true },
    { name: "no resolved alert under status[not_in]", kind: "/v2/alerts", params: { "status[not_in]": "resolved" }, record: { status: "resolved" }, expected: false },
    { name: "a firing alert under status[one_of]", kind: "/v2/alerts", params: { "status[one_of]": "firing" }, record: { status: "firing" }, expected: true },
    { name: "no alert without a status under status[one_of]", kind: "/v2/alerts", params: { "status[one_of]": "firing" }, record: {}, expected: false },
    { name: "any schedule", kind: "/v2/schedules", params: {}, record: {}, expected: true },
  ])("lists $name: $expected", ({ kind, params, record, expected }) => {
    expect(isListedByFullRead(resource(kind, params), record)).toBe(expected);
  });
});

describe("readShownRecord", () => {
  it("returns the record under its envelope", () => {
    expect(readShownRecord({ incident: { id: "01" } }, "incident", "/v2/incidents/01")).toEqual({ id: "01" });
  });

  it.each([{ page: {} }, { page: { incident: [] } }, { page: null }])("throws naming the path when the answer holds no record: $page", ({ page }) => {
    expect(() => readShownRecord(page, "incident", "/v2/incidents/01")).toThrow('GET /v2/incidents/01: the answer has no "incident" object');
  });
});
