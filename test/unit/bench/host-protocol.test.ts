import { describe, expect, it } from "vitest";
import { countInto, listOptionsFor, nameIncidentIoRequest, nameRoute } from "../../../bench/host-protocol";

describe("nameRoute", () => {
  it.each([
    { method: "POST", path: "/v1/blueprints/incidentioAlert/entities/bulk", expected: "bulkUpsertEntities" },
    { method: "POST", path: "/v1/blueprints/incidentioAlert/bulk/entities/delete", expected: "bulkDeleteEntities" },
    { method: "POST", path: "/v1/entities/search", expected: "searchEntities" },
    { method: "POST", path: "/v1/auth/access_token", expected: "createAccessToken" },
    { method: "GET", path: "/v1/nothing/here", expected: "unmatched" },
  ])("names $method $path $expected", ({ method, path, expected }) => {
    expect(nameRoute(method, path)).toBe(expected);
  });
});

describe("nameIncidentIoRequest", () => {
  it.each([
    { name: "a list by its path", path: "/v2/users", query: { page_size: "1000", after: "U1" }, expected: "/v2/users" },
    { name: "a list with the names of its filters, sorted", path: "/v2/alerts", query: { "created_at[lte]": "2025-01-02", page_size: "50", "created_at[gte]": "2025-01-01" }, expected: "/v2/alerts?created_at[gte]&created_at[lte]" },
    { name: "a record by its route", path: "/v2/alerts/01HX", query: {}, expected: "/v2/alerts/{id}" },
    { name: "a fan-out as one key", path: "/v3/catalog_entries", query: { catalog_type_id: "T1" }, expected: "/v3/catalog_entries?catalog_type_id" },
    { name: "a path the sandbox does not serve", path: "/v9/nothing", query: {}, expected: "unmatched" },
  ])("names $name", ({ path, query, expected }) => {
    expect(nameIncidentIoRequest(path, query)).toBe(expected);
  });
});

describe("listOptionsFor", () => {
  it.each([
    { kind: "users" as const, expected: { includeInactive: true } },
    { kind: "incidents" as const, expected: {} },
  ])("lists $kind as the shipped mapping asks", ({ kind, expected }) => {
    expect(listOptionsFor(kind)).toEqual(expected);
  });
});

describe("countInto", () => {
  it("starts a key at one and adds to it after", () => {
    const tally: Record<string, number> = {};
    countInto(tally, "200");
    countInto(tally, "200");
    countInto(tally, "429");
    expect(tally).toEqual({ "200": 2, "429": 1 });
  });
});
