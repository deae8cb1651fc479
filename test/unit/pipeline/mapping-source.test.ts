import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors";
import { chooseMapping, describeMappingSource, formatReadAt, listMappingChanges, type MappingChoiceInput } from "../../../src/pipeline/mapping-source";

const BASE: MappingChoiceInput = { integration: "my-integration", named: undefined, push: false, writes: true, initialize: true, port: "configured", hasStored: false, sameAsPort: undefined };

describe("chooseMapping", () => {
  it.each([
    { name: "Port's mapping when Port has one and no file is named", input: {}, use: "port", write: undefined, showChanges: false },
    { name: "the default, registered, where the integration does not exist", input: { port: "absent" }, use: "local", write: "register", showChanges: false },
    { name: "the default, registered, where the integration's config is empty", input: { port: "empty" }, use: "local", write: "register", showChanges: false },
    { name: "the default, not registered, where initialisation is off", input: { port: "empty", initialize: false }, use: "local", write: undefined, showChanges: false },
    { name: "a named file, registered where Port has none", input: { port: "absent", named: "m.yml" }, use: "local", write: "register", showChanges: false },
    { name: "a named file that differs: Port's is kept without --push-mapping", input: { named: "m.yml", sameAsPort: false }, use: "local", write: undefined, showChanges: true },
    { name: "a named file that differs, pushed with --push-mapping", input: { named: "m.yml", sameAsPort: false, push: true }, use: "local", write: "push", showChanges: true },
    { name: "a named file equal to Port's: nothing to push", input: { named: "m.yml", sameAsPort: true, push: true }, use: "local", write: undefined, showChanges: false },
    { name: "the kept mapping when the command does not talk to Port", input: { port: "not-read", hasStored: true }, use: "stored", write: undefined, showChanges: false },
    { name: "the default when nothing was read from Port yet", input: { port: "not-read" }, use: "local", write: undefined, showChanges: false },
    { name: "a named file compared with the kept mapping", input: { port: "not-read", hasStored: true, named: "m.yml", sameAsPort: false }, use: "local", write: undefined, showChanges: true },
    { name: "the kept mapping when Port cannot be read", input: { port: "unreadable", hasStored: true }, use: "stored", write: undefined, showChanges: false },
    { name: "no mapping when Port cannot be read and none was kept", input: { port: "unreadable" }, use: "unavailable", write: undefined, showChanges: false },
    { name: "a named file when Port cannot be read", input: { port: "unreadable", named: "m.yml" }, use: "local", write: undefined, showChanges: false },
  ] as const)("$name", ({ input, use, write, showChanges }) => {
    expect(chooseMapping({ ...BASE, ...input })).toMatchObject({ use, write, showChanges });
  });

  it("names the integration when none of its mapping was read yet", () => {
    expect(chooseMapping({ ...BASE, port: "not-read" }).note).toBe("no mapping of Port integration my-integration read yet");
  });

  it("refuses --push-mapping without a named file", () => {
    expect(() => chooseMapping({ ...BASE, push: true })).toThrow(ConfigError);
  });
});

describe("formatReadAt", () => {
  const now = new Date("2026-12-07T21:00:00Z");
  it.each([
    { readAt: "2026-12-07T19:20:31.000Z", expected: "19:20 UTC" },
    { readAt: "2026-12-05T08:03:00.000Z", expected: "2026-12-05 08:03 UTC" },
  ])("shows $readAt as $expected", ({ readAt, expected }) => {
    expect(formatReadAt(readAt, now)).toBe(expected);
  });
});

describe("describeMappingSource", () => {
  const now = new Date("2026-12-07T21:00:00Z");
  it.each([
    { summary: { source: "port", integration: "my-integration", readAt: "2026-12-07T19:20:00Z" }, note: undefined, expected: "Port integration my-integration (read 19:20 UTC)" },
    {
      summary: { source: "staging-file", integration: "my-integration", readAt: "2026-12-06T19:20:00Z" },
      note: undefined,
      expected: "Port integration my-integration (read 2026-12-06 19:20 UTC by an earlier command, kept in the staging file)",
    },
    { summary: { source: "default", integration: "i", path: "resources/port-app-config.yml", portWrite: "registered" }, note: undefined, expected: "default resources/port-app-config.yml (registered in Port)" },
    { summary: { source: "file", integration: "i", path: "m.yml", plannedPortWrite: "push" }, note: undefined, expected: "file m.yml (would be pushed to Port)" },
    { summary: { source: "file", integration: "i", path: "m.yml" }, note: "same as Port's", expected: "file m.yml (same as Port's)" },
    { summary: { source: "default", integration: "i", path: "d.yml" }, note: undefined, expected: "default d.yml" },
  ] as const)("$expected", ({ summary, note, expected }) => {
    expect(describeMappingSource(summary, note, now)).toBe(expected);
  });
});

describe("listMappingChanges", () => {
  const users = { kind: "/v2/users", selector: { query: "true" }, port: { entity: { mappings: { identifier: ".id", title: ".name" } } } };
  const teams = { kind: "/v2/teams", selector: { query: "true" }, port: { entity: { mappings: { identifier: ".id" } } } };
  it.each([
    { name: "nothing for equal mappings", from: { resources: [users] }, to: { resources: [users] }, expected: [] },
    { name: "added and removed kinds", from: { resources: [users] }, to: { resources: [teams] }, expected: ["+ /v2/teams", "- /v2/users"] },
    {
      name: "the paths changed within a kind",
      from: { resources: [users] },
      to: { resources: [{ ...users, selector: { query: ".x" }, port: { entity: { mappings: { identifier: ".id", title: ".full_name" } } } }] },
      expected: ["~ /v2/users: selector.query, port.entity.mappings.title"],
    },
    { name: "a kind's second resource apart from its first", from: { resources: [users] }, to: { resources: [users, users] }, expected: ["+ /v2/users#2"] },
    { name: "changed flags", from: { entityDeletionThreshold: 0.9, resources: [] }, to: { entityDeletionThreshold: 0.5, resources: [] }, expected: ["~ entityDeletionThreshold: 0.9 → 0.5"] },
  ])("$name", ({ from, to, expected }) => {
    expect(listMappingChanges(from, to)).toEqual(expected);
  });
});
