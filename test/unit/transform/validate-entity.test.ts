import { describe, expect, it } from "vitest";
import type { Blueprint } from "../../../src/model/blueprint";
import { isDateTime, isEmail, isPortIdentifier, listEntityProblems, matchesFormat, type EntityBody } from "../../../src/transform/validate-entity";
import { makeBlueprint } from "../../helpers/transform-fixtures";

const INCIDENT: Blueprint = makeBlueprint(
  "incident",
  {
    name: { type: "string" },
    rank: { type: "number" },
    open: { type: "boolean" },
    meta: { type: "object" },
    tags: { type: "array", items: { type: "string" } },
    at: { type: "string", format: "date-time" },
    link: { type: "string", format: "url" },
    mail: { type: "string", format: "email" },
    status: { type: "string", enum: ["live", "closed"] },
    owner: { type: "string" },
  },
  {
    lead: { target: "user", required: false, many: false },
    watchers: { target: "user", required: false, many: true },
    service: { target: "service", required: true, many: false },
  },
  ["owner"],
);

function entity(overrides: Partial<EntityBody> = {}): EntityBody {
  return { identifier: "INC-1", properties: {}, relations: {}, ...overrides };
}

describe("isPortIdentifier", () => {
  it.each([
    { value: "01HW4J6NDJS1C7J52MQC9990ND", expected: true },
    { value: "svc:payments/api@v1=a+b'c-d_e.f", expected: true },
    { value: "café-ünïcode", expected: true },
    { value: "C:\\path", expected: true },
    { value: ".", expected: false },
    { value: "..", expected: false },
    { value: "...", expected: true },
    { value: "has space", expected: false },
    { value: "hash#tag", expected: false },
    { value: "", expected: false },
    { value: "x".repeat(1000), expected: true },
    { value: "x".repeat(1001), expected: false },
    { value: 42, expected: false },
  ])("accepts $value: $expected", ({ value, expected }) => {
    expect(isPortIdentifier(value)).toBe(expected);
  });
});

describe("isDateTime", () => {
  it.each([
    { text: "2024-06-01T12:03:11.402115Z", expected: true },
    { text: "2024-06-01T12:03:11Z", expected: true },
    { text: "2024-06-01t12:03:11+02:00", expected: true },
    { text: "2024-06-01 12:03:11-0500", expected: true },
    { text: "2024-02-29T00:00:00Z", expected: true },
    { text: "2023-02-29T00:00:00Z", expected: false },
    { text: "2024-06-01T12:03:11", expected: false },
    { text: "2024-06-01", expected: false },
    { text: "2024-13-01T00:00:00Z", expected: false },
    { text: "2024-06-01T24:00:00Z", expected: false },
    { text: "2016-12-31T23:59:60Z", expected: true },
    { text: "2016-12-31T12:59:60Z", expected: false },
    { text: "yesterday", expected: false },
    { text: "2024-06-28T23:59:59.5Z", expected: true },
    { text: "2024-04-31T00:00:00Z", expected: false },
    { text: "2024-06-00T00:00:00Z", expected: false },
    { text: "2024-06-01T12:60:00Z", expected: false },
  ])("judges $text: $expected", ({ text, expected }) => {
    expect(isDateTime(text)).toBe(expected);
  });
});

describe("isEmail", () => {
  it.each([
    { text: "alice.ng@example.com", expected: true },
    { text: "a+tag@sub.example.co", expected: true },
    { text: "alice@localhost", expected: false },
    { text: "alice", expected: false },
    { text: "a@b@example.com", expected: false },
    { text: "alice..ng@example.com", expected: false },
    { text: "alice@-example.com", expected: false },
  ])("judges $text: $expected", ({ text, expected }) => {
    expect(isEmail(text)).toBe(expected);
  });
});

describe("matchesFormat", () => {
  it.each([
    { format: "url", text: "https://app.incident.io/x/incidents/42", expected: true },
    { format: "url", text: "ftp://files.example.com/a", expected: true },
    { format: "url", text: "app.incident.io/x", expected: false },
    { format: "url", text: "mailto:a@example.com", expected: false },
    { format: "ipv4", text: "anything", expected: true },
  ])("judges $format $text: $expected", ({ format, text, expected }) => {
    expect(matchesFormat(format, text)).toBe(expected);
  });
});

describe("listEntityProblems", () => {
  it.each([
    { name: "a valid entity", body: entity({ properties: { name: "x", rank: 1, tags: ["a"], at: "2024-06-01T12:00:00Z" } }), expected: [] },
    { name: "null values of any property", body: entity({ properties: { name: null, rank: null, at: null, status: null } }), expected: [] },
    { name: "null relations, even a required one left out", body: entity({ relations: { lead: null, watchers: null } }), expected: [] },
    { name: "a number identifier", body: entity({ identifier: 12 }), expected: ["identifier must be a string, got 12"] },
    {
      name: "an identifier with a space",
      body: entity({ identifier: "INC 1" }),
      expected: [`identifier "INC 1" does not match Port's pattern ^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/='-]+$ (at most 1000 characters)`],
    },
    { name: "a number title", body: entity({ title: 5 }), expected: ["title must be a string, got 5"] },
    { name: "an object icon", body: entity({ icon: {} }), expected: ["icon must be a string, got {}"] },
    { name: "teams that are not strings", body: entity({ team: ["a", 1] }), expected: ['team must be a string or an array of strings, got ["a",1]'] },
    { name: "a null title, icon and team", body: entity({ title: null, icon: null, team: null }), expected: [] },
    { name: "an unknown property", body: entity({ properties: { nope: 1 } }), expected: ['property "nope" does not exist in blueprint "incident"'] },
    { name: "a string for a number", body: entity({ properties: { rank: "1" } }), expected: ['property "rank" must be number, got "1"'] },
    { name: "a number for a boolean", body: entity({ properties: { open: 0 } }), expected: ['property "open" must be boolean, got 0'] },
    { name: "an array for an object", body: entity({ properties: { meta: [] } }), expected: ['property "meta" must be object, got []'] },
    { name: "a wrong array item", body: entity({ properties: { tags: ["a", 2] } }), expected: ['property "tags"[1] must be string, got 2'] },
    {
      name: "a date-time without offset",
      body: entity({ properties: { at: "2024-06-01T12:00:00" } }),
      expected: ['property "at" must match format "date-time", got "2024-06-01T12:00:00"'],
    },
    { name: "a url without scheme", body: entity({ properties: { link: "example.com" } }), expected: ['property "link" must match format "url", got "example.com"'] },
    { name: "a bad email", body: entity({ properties: { mail: "nobody" } }), expected: ['property "mail" must match format "email", got "nobody"'] },
    {
      name: "a value outside the enum",
      body: entity({ properties: { status: "open" } }),
      expected: ['property "status" must be one of ["live","closed"], got "open"'],
    },
    { name: "a required property sent as null", body: entity({ properties: { owner: null } }), expected: ['required property "owner" is null'] },
    { name: "an unknown relation", body: entity({ relations: { nope: "x" } }), expected: ['relation "nope" does not exist in blueprint "incident"'] },
    {
      name: "an array for a single relation",
      body: entity({ relations: { lead: ["u1"] } }),
      expected: ['relation "lead" is a single relation and cannot hold an array, got ["u1"]'],
    },
    {
      name: "a string for a many relation",
      body: entity({ relations: { watchers: "u1" } }),
      expected: ['relation "watchers" is a many relation and must be an array, got "u1"'],
    },
    { name: "an invalid identifier in a many relation", body: entity({ relations: { watchers: ["u1", "u 2"] } }), expected: ['relation "watchers" holds an invalid identifier "u 2"'] },
    { name: "a number for a single relation", body: entity({ relations: { lead: 7 } }), expected: ['relation "lead" must be an identifier or null, got 7'] },
    { name: "a required relation sent as null", body: entity({ relations: { service: null } }), expected: ['required relation "service" is null'] },
    {
      name: "several problems at once",
      body: entity({ identifier: 1, properties: { rank: "x", nope: 1 } }),
      expected: ["identifier must be a string, got 1", 'property "rank" must be number, got "x"', 'property "nope" does not exist in blueprint "incident"'],
    },
  ])("reports $name", ({ body, expected }) => {
    expect(listEntityProblems(body, INCIDENT)).toEqual(expected);
  });

  it("checks only identifier, title, icon and team when the blueprint is unknown", () => {
    expect(listEntityProblems(entity({ properties: { anything: { deep: 1 } }, relations: { any: 5 } }), undefined)).toEqual([]);
    expect(listEntityProblems(entity({ identifier: "" }), undefined)).toHaveLength(1);
  });
});
