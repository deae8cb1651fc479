import { describe, expect, it } from "vitest";
import type { PortBlueprint, PortProperty } from "../../../../src/sandbox/port/types";
import {
  checkEntityAgainstBlueprint,
  checkPropertyValue,
  checkRequired,
  isValidEntityIdentifier,
  listRelationTargets,
  matchesFormat,
  readEntityInput,
} from "../../../../src/sandbox/port/validate-entity";

const incident: PortBlueprint = {
  identifier: "incident",
  title: "Incident",
  schema: {
    properties: {
      name: { type: "string" },
      count: { type: "number" },
      open: { type: "boolean" },
      meta: { type: "object" },
      tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
      createdAt: { type: "string", format: "date-time" },
      link: { type: "string", format: "url" },
      mail: { type: "string", format: "email" },
      severity: { type: "string", enum: ["minor", "major"] },
    },
    required: ["name"],
  },
  relations: {
    team: { target: "team", many: false, required: false },
    responders: { target: "user", many: true, required: false },
    service: { target: "service", many: false, required: true },
  },
};

describe("isValidEntityIdentifier", () => {
  it.each([
    { name: "ASCII with every allowed symbol", value: "a@b_c.d+e:f\\g/h=i'j-k", expected: true },
    { name: "unicode letters", value: "équipe-日本語-Ωmega", expected: true },
    { name: "a ULID", value: "01HXQ8Z9K6ABCDEF", expected: true },
    { name: "a lone dot", value: ".", expected: false },
    { name: "a double dot", value: "..", expected: false },
    { name: "dots inside a longer identifier", value: "a..b", expected: true },
    { name: "a space", value: "a b", expected: false },
    { name: "a question mark", value: "a?b", expected: false },
    { name: "the empty string", value: "", expected: false },
    { name: "1000 characters", value: "x".repeat(1000), expected: true },
    { name: "1001 characters", value: "x".repeat(1001), expected: false },
  ])("accepts $name: $expected", ({ value, expected }) => {
    expect(isValidEntityIdentifier(value)).toBe(expected);
  });
});

describe("matchesFormat", () => {
  it.each([
    { format: "date-time", value: "2024-03-01T12:30:00Z", expected: true },
    { format: "date-time", value: "2021-08-17T13:28:57.801578Z", expected: true },
    { format: "date-time", value: "2024-03-01T12:30:00+02:00", expected: true },
    { format: "date-time", value: "2024-03-01T12:30:00", expected: false },
    { format: "date-time", value: "2024-03-01", expected: false },
    { format: "date-time", value: "2023-02-29T00:00:00Z", expected: false },
    { format: "date-time", value: "2024-13-01T00:00:00Z", expected: false },
    { format: "url", value: "https://app.incident.io/incidents/1", expected: true },
    { format: "url", value: "app.incident.io/incidents/1", expected: false },
    { format: "url", value: "mailto:someone@example.com", expected: false },
    { format: "email", value: "someone@example.com", expected: true },
    { format: "email", value: "someone@", expected: false },
    { format: "email", value: "not an email", expected: false },
    { format: "markdown", value: "anything at all", expected: true },
  ])("$format accepts $value: $expected", ({ format, value, expected }) => {
    expect(matchesFormat(format, value)).toBe(expected);
  });
});

describe("checkPropertyValue", () => {
  const property = (name: string): PortProperty => incident.schema.properties[name] as PortProperty;
  it.each([
    { name: "name", value: "x", problem: undefined },
    { name: "name", value: null, problem: undefined },
    { name: "name", value: 3, problem: 'property "name" must be string, got 3' },
    { name: "count", value: 3.5, problem: undefined },
    { name: "count", value: "3", problem: 'property "count" must be number, got "3"' },
    { name: "open", value: "true", problem: 'property "open" must be boolean, got "true"' },
    { name: "meta", value: { a: 1 }, problem: undefined },
    { name: "meta", value: [1], problem: 'property "meta" must be object, got [1]' },
    { name: "tags", value: ["a", "b"], problem: undefined },
    { name: "tags", value: ["a", "c"], problem: 'property "tags"[1] must be equal to one of the allowed values ["a","b"], got "c"' },
    { name: "tags", value: "a", problem: 'property "tags" must be array, got "a"' },
    { name: "createdAt", value: "yesterday", problem: 'property "createdAt" must match format "date-time", got "yesterday"' },
    { name: "link", value: "https://example.com", problem: undefined },
    { name: "mail", value: "nobody", problem: 'property "mail" must match format "email", got "nobody"' },
    { name: "severity", value: "major", problem: undefined },
    { name: "severity", value: "critical", problem: 'property "severity" must be equal to one of the allowed values ["minor","major"], got "critical"' },
  ])("$name = $value gives $problem", ({ name, value, problem }) => {
    expect(checkPropertyValue(name, property(name), value)).toBe(problem);
  });
});

describe("readEntityInput", () => {
  it.each([
    { name: "a plain entity", raw: { identifier: "x", title: "X", properties: { a: 1 } }, error: undefined },
    { name: "a null title (Ocean sends one for an empty mapping)", raw: { identifier: "x", title: null }, error: undefined },
    { name: "no identifier (Port generates one)", raw: { title: "X" }, error: undefined },
    { name: "a non-object", raw: "x", error: "bad_request" },
    { name: "a numeric identifier", raw: { identifier: 7 }, error: "bad_request" },
    { name: "a search-query identifier", raw: { identifier: { combinator: "and", rules: [] } }, error: "bad_request" },
    { name: "a '..' identifier", raw: { identifier: ".." }, error: "bad_request" },
    { name: "a numeric title", raw: { identifier: "x", title: 1 }, error: "bad_request" },
    { name: "an array of properties", raw: { identifier: "x", properties: [] }, error: "bad_request" },
    { name: "a team list with a number", raw: { identifier: "x", team: ["a", 1] }, error: "bad_request" },
  ])("reads $name", ({ raw, error }) => {
    const result = readEntityInput(raw);
    expect("error" in result ? result.error : undefined).toBe(error);
  });

  it("drops keys Port ignores, such as blueprint", () => {
    expect(readEntityInput({ identifier: "x", blueprint: "incident" })).toEqual({ identifier: "x", properties: {}, relations: {} });
  });
});

describe("checkEntityAgainstBlueprint", () => {
  it.each([
    { name: "known properties and relations", properties: { name: "x" }, relations: { team: "t1", responders: ["u1"] }, error: undefined },
    { name: "null values", properties: { name: null, count: null }, relations: { team: null, responders: null }, error: undefined },
    { name: "an unknown property", properties: { nope: 1 }, relations: {}, error: "blueprint_schema_mismatch" },
    { name: "a wrongly typed property", properties: { count: "1" }, relations: {}, error: "blueprint_schema_mismatch" },
    { name: "an unknown relation", properties: {}, relations: { owner: "x" }, error: "blueprint_schema_mismatch" },
    { name: "an array for a single relation", properties: {}, relations: { team: ["t1", "t2"] }, error: "relation_many_violation" },
    { name: "a string for a many relation", properties: {}, relations: { responders: "u1" }, error: "blueprint_schema_mismatch" },
    { name: "an invalid related identifier", properties: {}, relations: { team: "a b" }, error: "bad_request" },
    { name: "a search-query relation", properties: {}, relations: { team: { combinator: "and", rules: [] } }, error: "bad_request" },
  ])("judges $name: $error", ({ properties, relations, error }) => {
    expect(checkEntityAgainstBlueprint(incident, { identifier: "i", properties, relations })?.error).toBe(error);
  });
});

describe("checkRequired", () => {
  it.each([
    { name: "everything required is there", properties: { name: "x" }, relations: { service: "s" }, error: undefined },
    { name: "a required property is null", properties: { name: null }, relations: { service: "s" }, error: "blueprint_schema_mismatch" },
    { name: "a required property is absent", properties: {}, relations: { service: "s" }, error: "blueprint_schema_mismatch" },
    { name: "a required relation is null", properties: { name: "x" }, relations: { service: null }, error: "required_relation" },
  ])("fails when $name: $error", ({ properties, relations, error }) => {
    expect(checkRequired(incident, { properties, relations })?.error).toBe(error);
  });
});

describe("listRelationTargets", () => {
  it("lists every related identifier with its target blueprint and skips nulls", () => {
    expect(listRelationTargets(incident, { team: "t1", responders: ["u1", "u2"], service: null })).toEqual([
      { relation: "team", blueprint: "team", identifier: "t1" },
      { relation: "responders", blueprint: "user", identifier: "u1" },
      { relation: "responders", blueprint: "user", identifier: "u2" },
    ]);
  });
});
