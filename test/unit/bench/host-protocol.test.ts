import { describe, expect, it } from "vitest";
import { countInto, listOptionsFor, nameRoute } from "../../../bench/host-protocol";

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
