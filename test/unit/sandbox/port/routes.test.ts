import { describe, expect, it } from "vitest";
import { isEntityRoute, matchRoute } from "../../../../src/sandbox/port/routes";

describe("matchRoute", () => {
  it.each([
    { method: "POST", path: "/v1/auth/access_token", name: "createAccessToken", params: {} },
    { method: "get", path: "/v1/blueprints", name: "listBlueprints", params: {} },
    { method: "PATCH", path: "/v1/blueprints/incident", name: "patchBlueprint", params: { identifier: "incident" } },
    { method: "POST", path: "/v1/blueprints/incident/entities", name: "upsertEntity", params: { blueprint_identifier: "incident" } },
    { method: "POST", path: "/v1/blueprints/incident/entities/bulk", name: "bulkUpsertEntities", params: { blueprint_identifier: "incident" } },
    { method: "POST", path: "/v1/blueprints/incident/entities/search", name: "searchBlueprintEntities", params: { blueprint_identifier: "incident" } },
    { method: "DELETE", path: "/v1/blueprints/incident/entities/a%2Fb%2Bc", name: "deleteEntity", params: { blueprint_identifier: "incident", entity_identifier: "a/b+c" } },
    { method: "POST", path: "/v1/blueprints/incident/bulk/entities/delete", name: "bulkDeleteEntities", params: { blueprint_identifier: "incident" } },
    { method: "POST", path: "/v1/entities/search", name: "searchEntities", params: {} },
    { method: "GET", path: "/v1/integration/my-int", name: "getIntegration", params: { identifier: "my-int" } },
    { method: "POST", path: "/v1/integration", name: "createIntegration", params: {} },
    { method: "PATCH", path: "/v1/integration/my-int/config", name: "patchIntegrationConfig", params: { identifier: "my-int" } },
    { method: "POST", path: "/v1/integration/my-int/kinds/%2Fv2%2Fincidents/examples", name: "postKindExamples", params: { identifier: "my-int", kind: "/v2/incidents" } },
  ])("routes $method $path to $name", ({ method, path, name, params }) => {
    expect(matchRoute(method, path)).toEqual({ name, params });
  });

  it.each([
    { method: "PUT", path: "/v1/blueprints/incident" },
    { method: "POST", path: "/v1/blueprints/entities/datasource-entities" },
    { method: "GET", path: "/v1/blueprints/incident/entities/%E0%A4%A" },
    { method: "POST", path: "/v1/integration/my-int/kinds//v2/incidents/examples" },
  ])("serves nothing for $method $path", ({ method, path }) => {
    expect(matchRoute(method, path)).toBeUndefined();
  });
});

describe("isEntityRoute", () => {
  it.each([
    { name: "bulkUpsertEntities", expected: true },
    { name: "searchEntities", expected: true },
    { name: "createBlueprint", expected: false },
    { name: "getIntegration", expected: false },
  ] as const)("counts $name against the entity budget: $expected", ({ name, expected }) => {
    expect(isEntityRoute(name)).toBe(expected);
  });
});
