import { describe, expect, it } from "vitest";
import { splitWords, toCamelCase, toJqPath, toPascalCase, toTitle } from "../../../src/discover/names";

describe("names", () => {
  it.each([
    { name: "slack_user_id", expected: ["slack", "user", "id"] },
    { name: "isActive", expected: ["is", "active"] },
    { name: "HTTPCustomOptions", expected: ["http", "custom", "options"] },
    { name: "v2/follow_ups", expected: ["v2", "follow", "ups"] },
    { name: "__catalog_type_id", expected: ["catalog", "type", "id"] },
    { name: "incident.io/terraform-version", expected: ["incident", "io", "terraform", "version"] },
  ])("splitWords($name)", ({ name, expected }) => {
    expect(splitWords(name)).toEqual(expected);
  });

  it.each([
    { name: "slack_user_id", expected: "slackUserId" },
    { name: "created_at", expected: "createdAt" },
    { name: "isActive", expected: "isActive" },
    { name: "URL", expected: "url" },
    { name: "2fa_enabled", expected: "2faEnabled" },
    { name: "---", expected: "" },
  ])("toCamelCase($name) is $expected", ({ name, expected }) => {
    expect(toCamelCase(name)).toBe(expected);
  });

  it.each([
    { name: "catalog_entries", expected: "CatalogEntries" },
    { name: "v2/follow_ups", expected: "V2FollowUps" },
    { name: "users", expected: "Users" },
  ])("toPascalCase($name) is $expected", ({ name, expected }) => {
    expect(toPascalCase(name)).toBe(expected);
  });

  it.each([
    { name: "slack_user_id", expected: "Slack User ID" },
    { name: "alert_group_ids", expected: "Alert Group IDs" },
    { name: "source_url", expected: "Source URL" },
    { name: "owningTeams", expected: "Owning Teams" },
  ])("toTitle($name) is $expected", ({ name, expected }) => {
    expect(toTitle(name)).toBe(expected);
  });

  it.each([
    { field: "created_at", expected: ".created_at" },
    { field: "__catalog_type_id", expected: ".__catalog_type_id" },
    { field: "then", expected: '.["then"]' },
    { field: "2fa", expected: '.["2fa"]' },
    { field: "incident.io/version", expected: '.["incident.io/version"]' },
    { field: 'say "hi"', expected: '.["say \\"hi\\""]' },
  ])("toJqPath($field) is $expected", ({ field, expected }) => {
    expect(toJqPath(field)).toBe(expected);
  });
});
