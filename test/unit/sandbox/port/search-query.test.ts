import { describe, expect, it } from "vitest";
import { isPortFailure } from "../../../../src/sandbox/port/failure";
import {
  decodeSearchCursor,
  encodeSearchCursor,
  findIndexAfter,
  matchesQuery,
  projectEntity,
  readSearchQuery,
  readSearchScope,
  type SearchQuery,
} from "../../../../src/sandbox/port/search-query";
import type { PortEntity } from "../../../../src/sandbox/port/types";

const entity: PortEntity = {
  identifier: "inc-1",
  blueprint: "incident",
  title: "Database down",
  properties: { severity: "major", count: 3 },
  relations: { team: "payments", responders: ["u1"] },
};

function query(raw: unknown): SearchQuery {
  const parsed = readSearchQuery(raw);
  if (isPortFailure(parsed)) throw new Error(parsed.message);
  return parsed;
}

describe("readSearchQuery", () => {
  it.each([
    { name: "an and of = and in rules", raw: { combinator: "and", rules: [{ property: "$blueprint", operator: "=", value: "x" }, { property: "$identifier", operator: "in", value: ["a"] }] }, error: undefined },
    { name: "a nested or", raw: { combinator: "and", rules: [{ combinator: "or", rules: [] }] }, error: undefined },
    { name: "an unknown combinator", raw: { combinator: "xor", rules: [] }, error: "bad_request" },
    { name: "missing rules", raw: { combinator: "and" }, error: "bad_request" },
    { name: "an unsupported operator", raw: { combinator: "and", rules: [{ property: "$datasource", operator: "contains", value: "x" }] }, error: "bad_request" },
    { name: "an in rule with a scalar", raw: { combinator: "and", rules: [{ property: "$identifier", operator: "in", value: "a" }] }, error: "bad_request" },
  ])("reads $name", ({ raw, error }) => {
    const parsed = readSearchQuery(raw);
    expect(isPortFailure(parsed) ? parsed.error : undefined).toBe(error);
  });

  it("names the operators it serves when refusing one", () => {
    const parsed = readSearchQuery({ combinator: "and", rules: [{ property: "a", operator: "contains", value: "x" }] });
    expect(isPortFailure(parsed) && parsed.message).toMatch(/only = and in rules/);
  });

  it("refuses queries nested deeper than it serves, so evaluation stays bounded", () => {
    let raw: unknown = { combinator: "and", rules: [] };
    for (let depth = 0; depth < 12; depth += 1) raw = { combinator: "and", rules: [raw] };
    expect(isPortFailure(readSearchQuery(raw))).toBe(true);
  });
});

describe("matchesQuery", () => {
  it.each([
    { name: "$identifier =", rules: [{ property: "$identifier", operator: "=", value: "inc-1" }], combinator: "and", expected: true },
    { name: "$identifier in", rules: [{ property: "$identifier", operator: "in", value: ["x", "inc-1"] }], combinator: "and", expected: true },
    { name: "$blueprint = other", rules: [{ property: "$blueprint", operator: "=", value: "team" }], combinator: "and", expected: false },
    { name: "a property", rules: [{ property: "severity", operator: "=", value: "major" }], combinator: "and", expected: true },
    { name: "a relation", rules: [{ property: "team", operator: "in", value: ["payments"] }], combinator: "and", expected: true },
    { name: "$title", rules: [{ property: "$title", operator: "=", value: "Database down" }], combinator: "and", expected: true },
    { name: "an and with one miss", rules: [{ property: "$identifier", operator: "=", value: "inc-1" }, { property: "count", operator: "=", value: 4 }], combinator: "and", expected: false },
    { name: "an or with one hit", rules: [{ property: "$identifier", operator: "=", value: "nope" }, { property: "count", operator: "=", value: 3 }], combinator: "or", expected: true },
    { name: "an empty and", rules: [], combinator: "and", expected: true },
  ])("matches $name: $expected", ({ rules, combinator, expected }) => {
    expect(matchesQuery(entity, query({ combinator, rules }))).toBe(expected);
  });
});

describe("readSearchScope", () => {
  it("narrows to the blueprints and identifiers of top-level and rules", () => {
    const scope = readSearchScope(query({ combinator: "and", rules: [
      { property: "$blueprint", operator: "=", value: "incident" },
      { property: "$identifier", operator: "in", value: ["a", "b"] },
      { property: "$identifier", operator: "in", value: ["b", "c"] },
    ] }));
    expect({ blueprints: [...(scope.blueprints ?? [])], identifiers: [...(scope.identifiers ?? [])] }).toEqual({ blueprints: ["incident"], identifiers: ["b"] });
  });

  it("does not narrow an or", () => {
    expect(readSearchScope(query({ combinator: "or", rules: [{ property: "$blueprint", operator: "=", value: "incident" }] }))).toEqual({});
  });
});

describe("search cursors", () => {
  it("round-trips the last identifier through an opaque string", () => {
    const next = encodeSearchCursor("inc/ü:1");
    expect(next).not.toContain("inc");
    expect(decodeSearchCursor(next)).toBe("inc/ü:1");
  });

  it.each(["", "not-a-cursor", Buffer.from('{"before":"x"}').toString("base64url")])("rejects %j", (from) => {
    expect(decodeSearchCursor(from)).toBeUndefined();
  });

  it.each([
    { after: "a", expected: 1 },
    { after: "b", expected: 2 },
    { after: "bb", expected: 2 },
    { after: "0", expected: 0 },
    { after: "z", expected: 4 },
  ])("continues after $after at index $expected", ({ after, expected }) => {
    expect(findIndexAfter(["a", "b", "c", "d"], after)).toBe(expected);
  });
});

describe("projectEntity", () => {
  it("returns Port's entity shape without the blueprint", () => {
    expect(projectEntity(entity)).toEqual({ identifier: "inc-1", title: "Database down", properties: entity.properties, relations: entity.relations });
  });

  it.each([
    { name: "meta fields and one property", include: ["$identifier", "properties.severity"], exclude: [], expected: { identifier: "inc-1", properties: { severity: "major" }, relations: {} } },
    { name: "bare names of a property and a relation", include: ["identifier", "count", "team"], exclude: [], expected: { identifier: "inc-1", properties: { count: 3 }, relations: { team: "payments" } } },
    { name: "an exclude", include: [], exclude: ["$title", "relations.responders", "count"], expected: { identifier: "inc-1", properties: { severity: "major" }, relations: { team: "payments" } } },
  ])("keeps $name", ({ include, exclude, expected }) => {
    expect(projectEntity(entity, include, exclude)).toEqual(expected);
  });
});
