import { describe, expect, it } from "vitest";
import { parseListOptions, updatedSinceMicros, type FilterSupport, type ListOptions, type Query } from "../../../../src/sandbox/incidentio/filters";
import type { IncidentIoKind } from "../../../../src/sandbox/incidentio/kinds";

interface Case {
  readonly name: string;
  readonly kind: IncidentIoKind;
  readonly query: Query;
  readonly support: FilterSupport;
}

describe("parseListOptions", () => {
  const incidents = { modes: true, sortBy: true, updatedAtGte: true };
  it.each<Case & { expected: ListOptions }>([
    { name: "no filters give the API defaults", kind: "incidents", query: {}, support: incidents, expected: {} },
    { name: "a repeated mode[one_of] collects every mode", kind: "incidents", query: { "mode[one_of]": ["standard", "test"] }, support: incidents, expected: { modes: ["standard", "test"] } },
    { name: "a comma-separated mode[one_of] is split", kind: "incidents", query: { "mode[one_of]": "test,tutorial" }, support: incidents, expected: { modes: ["test", "tutorial"] } },
    { name: "sort_by is read", kind: "incidents", query: { sort_by: "created_at_oldest_first" }, support: incidents, expected: { sortBy: "created_at_oldest_first" } },
    { name: "updated_at[gte] is kept as sent", kind: "incidents", query: { "updated_at[gte]": "2024-05-01" }, support: incidents, expected: { updatedAtGte: "2024-05-01" } },
    { name: "include_inactive=true is read", kind: "users", query: { include_inactive: "true" }, support: { includeInactive: true }, expected: { includeInactive: true } },
    { name: "include_inactive=0 is read as false", kind: "users", query: { include_inactive: "0" }, support: { includeInactive: true }, expected: { includeInactive: false } },
    { name: "incident_mode is read", kind: "follow_ups", query: { incident_mode: "test" }, support: { incidentMode: true }, expected: { incidentMode: "test" } },
    { name: "parameters an endpoint does not support are ignored", kind: "alerts", query: { "mode[one_of]": "test", include_inactive: "maybe" }, support: {}, expected: {} },
  ])("parseListOptions: $name", ({ kind, query, support, expected }) => {
    expect(parseListOptions(kind, query, support)).toEqual(expected);
  });

  it.each<Case & { field: string }>([
    { name: "a non-boolean include_inactive", kind: "users", query: { include_inactive: "maybe" }, support: { includeInactive: true }, field: "include_inactive" },
    { name: "an unknown incident_mode", kind: "follow_ups", query: { incident_mode: "drill" }, support: { incidentMode: true }, field: "incident_mode" },
    { name: "an unknown sort_by", kind: "incidents", query: { sort_by: "name" }, support: { sortBy: true }, field: "sort_by" },
    { name: "a malformed updated_at[gte]", kind: "follow_ups", query: { "updated_at[gte]": "last week" }, support: { updatedAtGte: true }, field: "updated_at" },
  ])("parseListOptions refuses $name", ({ kind, query, support, field }) => {
    expect(parseListOptions(kind, query, support)).toMatchObject({ field, code: "invalid_value" });
  });
});

describe("updatedSinceMicros", () => {
  it.each([
    { name: "incidents compare a date by day", kind: "incidents" as const, text: "2024-05-01", expected: Date.UTC(2024, 4, 1) * 1000 },
    { name: "incidents truncate a timestamp to its day", kind: "incidents" as const, text: "2024-05-01T13:45:00Z", expected: Date.UTC(2024, 4, 1) * 1000 },
    { name: "follow-ups compare the exact instant", kind: "follow_ups" as const, text: "2024-05-01T13:45:00.5Z", expected: Date.UTC(2024, 4, 1, 13, 45, 0, 500) * 1000 },
    { name: "follow-ups read a date as its midnight", kind: "follow_ups" as const, text: "2024-05-01", expected: Date.UTC(2024, 4, 1) * 1000 },
    { name: "nonsense is undefined", kind: "follow_ups" as const, text: "soon", expected: undefined },
  ])("updatedSinceMicros: $name", ({ kind, text, expected }) => {
    expect(updatedSinceMicros(kind, text)).toBe(expected);
  });
});
