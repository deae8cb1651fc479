import { describe, expect, it } from "vitest";
import { buildPageTarget, fillPlaceholders, parseEndpoint } from "../../../src/extract/endpoints";

describe("parseEndpoint", () => {
  it.each([
    { endpoint: "/v2/users", expected: { path: "/v2/users", query: {} } },
    {
      endpoint: "/v3/catalog_entries?catalog_type_id={catalog_type_id}",
      expected: { path: "/v3/catalog_entries", query: { catalog_type_id: "{catalog_type_id}" } },
    },
    { endpoint: "/v2/users?include_inactive=true&x=a%20b", expected: { path: "/v2/users", query: { include_inactive: "true", x: "a b" } } },
  ])("splits $endpoint", ({ endpoint, expected }) => {
    expect(parseEndpoint(endpoint)).toEqual(expected);
  });
});

describe("fillPlaceholders", () => {
  it("fills every placeholder and encodes values with the given function", () => {
    expect(fillPlaceholders("/v3/catalog_types/{id}/x/{id}", { id: "a/b" }, encodeURIComponent)).toBe("/v3/catalog_types/a%2Fb/x/a%2Fb");
  });

  it("throws when a placeholder has no value", () => {
    expect(() => fillPlaceholders("/x/{missing}", {})).toThrow("{missing} has no path parameter to fill it");
  });
});

interface TargetCase {
  name: string;
  base: string;
  endpoint: string;
  queryParams: Record<string, string>;
  values: Record<string, string>;
  paging: Record<string, string>;
  expected: { path: string; url: string };
}

describe("buildPageTarget", () => {
  it.each<TargetCase>([
    {
      name: "a plain kind with paging",
      base: "https://api.incident.io",
      endpoint: "/v2/alerts",
      queryParams: {},
      values: {},
      paging: { page_size: "50", after: "01HX" },
      expected: { path: "/v2/alerts", url: "https://api.incident.io/v2/alerts?page_size=50&after=01HX" },
    },
    {
      name: "a placeholder in the kind's query",
      base: "https://api.incident.io/",
      endpoint: "/v3/catalog_entries?catalog_type_id={catalog_type_id}",
      queryParams: {},
      values: { catalog_type_id: "01CT" },
      paging: { page_size: "250" },
      expected: { path: "/v3/catalog_entries", url: "https://api.incident.io/v3/catalog_entries?catalog_type_id=01CT&page_size=250" },
    },
    {
      name: "a placeholder in the path and in query_params, on a base path",
      base: "https://proxy.example/incident-api",
      endpoint: "/v3/catalog_types/{id}/entries",
      queryParams: { filter: "type:{id}", mode: "all" },
      values: { id: "a b" },
      paging: {},
      expected: { path: "/v3/catalog_types/a%20b/entries", url: "https://proxy.example/incident-api/v3/catalog_types/a%20b/entries?filter=type%3Aa+b&mode=all" },
    },
    {
      name: "query_params overriding the kind's query, and paging overriding both",
      base: "https://api.incident.io",
      endpoint: "/v2/users?page_size=5&include_inactive=false",
      queryParams: { include_inactive: "true" },
      values: {},
      paging: { page_size: "1000" },
      expected: { path: "/v2/users", url: "https://api.incident.io/v2/users?page_size=1000&include_inactive=true" },
    },
  ])("builds $name", ({ base, endpoint, queryParams, values, paging, expected }) => {
    expect(buildPageTarget(base, parseEndpoint(endpoint), queryParams, values, paging)).toEqual(expected);
  });
});
