import { describe, expect, it } from "vitest";
import { checkEndpoint, endpointWarnings, kindPath, kindQuery } from "../../../src/config/incidentio-endpoints";

describe("checkEndpoint", () => {
  it.each([
    { name: "users within the maximum pass", kind: "/v2/users", pageSize: 1000, params: [], problems: 0 },
    { name: "alerts at 50 pass", kind: "/v2/alerts", pageSize: 50, params: [], problems: 0 },
    { name: "alerts at 100 exceed the maximum", kind: "/v2/alerts", pageSize: 100, params: [], problems: 1 },
    { name: "alerts without paging lack the required page_size", kind: "/v2/alerts", pageSize: undefined, params: [], problems: 1 },
    {
      name: "catalog entries with type and size pass",
      kind: "/v3/catalog_entries?catalog_type_id={catalog_type_id}",
      pageSize: 250,
      params: ["catalog_type_id"],
      problems: 0,
    },
    { name: "catalog entries without a type fail", kind: "/v3/catalog_entries", pageSize: 250, params: [], problems: 1 },
    { name: "non-paginated endpoints ignore the page size", kind: "/v1/severities", pageSize: 100, params: [], problems: 0 },
    { name: "unknown endpoints are not judged", kind: "/v9/anything", pageSize: 100_000, params: [], problems: 0 },
  ])("$name", ({ kind, pageSize, params, problems }) => {
    expect(checkEndpoint(kind, pageSize, params)).toHaveLength(problems);
  });

  it("names /v3/catalog_entries when a mapping uses Port's catalog entries path", () => {
    const [problem] = checkEndpoint("/v3/catalog_types/{catalog_type_id}/entries", 100, []);
    expect(problem).toContain("/v3/catalog_entries?catalog_type_id={catalog_type_id}");
  });

  it("names the fix when a page size is over the endpoint's maximum", () => {
    expect(checkEndpoint("/v2/alerts", 100, [])).toEqual([
      "/v2/alerts accepts at most 50 records a page, but the page size is 100: set selector.pagination.page_size: 50",
    ]);
  });
});

describe("kind helpers", () => {
  it("splits a kind into its path and query", () => {
    expect(kindPath("/v3/catalog_entries?catalog_type_id={x}")).toBe("/v3/catalog_entries");
    expect(kindQuery("/v3/catalog_entries?catalog_type_id={x}")).toEqual({ catalog_type_id: "{x}" });
    expect(kindQuery("/v2/users")).toEqual({});
  });

  it("warns about the deprecated v2 follow-ups endpoint only", () => {
    expect(endpointWarnings("/v2/follow_ups")).toHaveLength(1);
    expect(endpointWarnings("/v3/follow_ups")).toEqual([]);
  });
});
