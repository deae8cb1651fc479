import { describe, expect, it } from "vitest";
import { inferEnum, inferProperty, isSecretLooking, MAX_VALUE_CHARS } from "../../../src/discover/infer-property";
import { statsOf } from "../../helpers/discover-stats";

const repeated = (values: readonly unknown[], times = 2): unknown[] => Array.from({ length: times }, () => values).flat();

describe("inferProperty", () => {
  it.each([
    { name: "a string", field: "timezone", values: ["Europe/London", "Asia/Tokyo"], schema: { type: "string" }, expression: ".timezone" },
    { name: "a number", field: "rank", values: [1, 2.5, null], schema: { type: "number" }, expression: ".rank" },
    { name: "a boolean", field: "is_active", values: [true, false], schema: { type: "boolean" }, expression: ".is_active" },
    { name: "an object", field: "seats", values: [{ on_call: "full" }], schema: { type: "object" }, expression: ".seats" },
    {
      name: "an array of strings, missing ones as []",
      field: "labels",
      values: [["a"], [], null],
      schema: { type: "array", items: { type: "string" } },
      expression: ".labels // []",
    },
    {
      name: "an array of date-times",
      field: "reminders",
      values: [["2023-01-01T00:00:00Z"]],
      schema: { type: "array", items: { type: "string", format: "date-time" } },
      expression: ".reminders // []",
    },
    { name: "an array that was always empty", field: "tags", values: [[], []], schema: { type: "array" }, expression: ".tags // []" },
    { name: "an array of mixed items", field: "mixed", values: [[1, "a"]], schema: { type: "array" }, expression: ".mixed // []" },
    { name: "a date-time", field: "created_at", values: ["2023-02-05T23:51:13.568903Z", null], schema: { type: "string", format: "date-time" }, expression: ".created_at" },
    { name: "a url", field: "permalink", values: ["https://app.incident.io/x/1"], schema: { type: "string", format: "url" }, expression: ".permalink" },
    { name: "an email", field: "email", values: ["a@example.com", "b@example.org"], schema: { type: "string", format: "email" }, expression: ".email" },
    { name: "strings only some of which are date-times", field: "due", values: ["2023-01-01T00:00:00Z", "soon"], schema: { type: "string" }, expression: ".due" },
    {
      name: "an enum, with values outside it mapped to other",
      field: "status",
      values: repeated(["live", "closed"]),
      schema: { type: "string", enum: ["closed", "live", "other"] },
      expression: '.status as $v | if $v == null then null elif ($v | IN("closed", "live")) then $v else "other" end',
    },
    {
      name: "an enum that already holds other",
      field: "kind",
      values: repeated(["other", "main"]),
      schema: { type: "string", enum: ["main", "other"] },
      expression: '.kind as $v | if $v == null then null elif ($v | IN("main", "other")) then $v else "other" end',
    },
    { name: "a field with an odd name", field: "incident.io/tier", values: [1], schema: { type: "number" }, expression: '.["incident.io/tier"]' },
  ])("proposes $name", ({ field, values, schema, expression }) => {
    expect(inferProperty(field, statsOf(values))).toEqual({ schema, expression });
  });

  it.each([
    { name: "a field that is always null", values: [null, null], reason: "always null or missing in the sample" },
    { name: "a field of mixed types", values: ["1", 2], reason: "mixed types in the sample (number, string)" },
    { name: "a huge field", values: ["x".repeat(MAX_VALUE_CHARS)], reason: `values up to ${MAX_VALUE_CHARS + 2} characters, too large for a property` },
  ])("skips $name", ({ values, reason }) => {
    expect(inferProperty("field", statsOf(values))).toEqual({ skipped: reason });
  });
});

describe("inferEnum", () => {
  it.each([
    { name: "a few labels, each repeated", field: "status", values: repeated(["triage", "live", "closed"]), expected: ["closed", "live", "triage"] },
    { name: "one label, repeated (a single-value enum would refuse the field's next value)", field: "mode", values: ["standard", "standard"], expected: undefined },
    { name: "short multi-word labels", field: "category", values: repeated(["Bad deploy", "Third party"]), expected: ["Bad deploy", "Third party"] },
    { name: "a label seen once", field: "status", values: ["live", "live", "closed"], expected: undefined },
    { name: "more than ten labels", field: "status", values: repeated(Array.from({ length: 11 }, (_, i) => `s${i}`)), expected: undefined },
    { name: "an id field", field: "slack_team_id", values: repeated(["T01", "T02"]), expected: undefined },
    { name: "a name field", field: "display_name", values: repeated(["Ops", "Dev"]), expected: undefined },
    { name: "free text in a description", field: "description", values: repeated(["Down", "Up"]), expected: undefined },
    { name: "a date field", field: "due_date", values: repeated(["2025-12-31"]), expected: undefined },
    { name: "dates in any field", field: "deadline", values: repeated(["2025-12-31"]), expected: undefined },
    { name: "numbers written as text", field: "level", values: repeated(["1", "2"]), expected: undefined },
    { name: "ULIDs", field: "owner", values: repeated(["01GSKY7GZ9BH135GHF96GE42KT"]), expected: undefined },
    { name: "sentences", field: "status", values: repeated(["we are looking into it"]), expected: undefined },
    { name: "values with quotes", field: "status", values: repeated(['say "hi"']), expected: undefined },
    { name: "long values", field: "status", values: repeated(["x".repeat(41)]), expected: undefined },
  ])("for $name is $expected", ({ field, values, expected }) => {
    expect(inferEnum(field, statsOf(values))).toEqual(expected);
  });

  it("is never proposed once the sample held more distinct strings than it keeps", () => {
    const stats = statsOf(repeated(["a", "b"]));
    stats.hasMoreStrings = true;
    expect(inferEnum("status", stats)).toBeUndefined();
  });
});

describe("isSecretLooking", () => {
  it.each([
    { field: "secret_token", expected: true },
    { field: "apiKey", expected: true },
    { field: "api_key", expected: true },
    { field: "client_secret", expected: true },
    { field: "webhook_signature", expected: true },
    { field: "password", expected: true },
    { field: "private_key_pem", expected: true },
    { field: "deduplication_key", expected: false },
    { field: "author", expected: false },
    { field: "keyboard_layout", expected: false },
    { field: "slack_team_id", expected: false },
  ])("$field is $expected", ({ field, expected }) => {
    expect(isSecretLooking(field)).toBe(expected);
  });
});
