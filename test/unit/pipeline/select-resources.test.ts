import { describe, expect, it } from "vitest";
import type { ResourceMapping } from "../../../src/model/mapping";
import { selectResources } from "../../../src/pipeline/select-resources";

function resource(kind: string, name: string, blueprint: string): ResourceMapping {
  return { kind, name, mappings: { blueprint: `"${blueprint}"` } } as unknown as ResourceMapping;
}

const RESOURCES = [resource("/v2/users", "users", "incidentioUser"), resource("/v2/incidents", "incidents", "incidentioIncident")];

describe("selectResources", () => {
  it.each([
    { name: "no --only keeps every resource", only: undefined, kinds: ["/v2/users", "/v2/incidents"], unknown: [] },
    { name: "a short name selects its resource", only: ["incidents"], kinds: ["/v2/incidents"], unknown: [] },
    { name: "a kind selects its resource", only: ["/v2/users"], kinds: ["/v2/users"], unknown: [] },
    { name: "a blueprint selects its resources", only: ["incidentioUser"], kinds: ["/v2/users"], unknown: [] },
    { name: "names that match nothing are returned", only: ["users", "incidnets"], kinds: ["/v2/users"], unknown: ["incidnets"] },
  ])("$name", ({ only, kinds, unknown }) => {
    const result = selectResources(RESOURCES, only);
    expect(result.selected.map((r) => r.kind)).toEqual(kinds);
    expect(result.unknown).toEqual(unknown);
  });
});
