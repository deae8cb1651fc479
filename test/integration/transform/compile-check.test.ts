import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors";
import { checkMappingCompiles } from "../../../src/transform";
import { createTestJqRunner } from "../../helpers/test-jq";
import { makeResource, readMapping } from "../../helpers/transform-fixtures";

describe("checkMappingCompiles", () => {
  it("accepts the shipped mapping and the mapping of Port's page", async () => {
    const jq = await createTestJqRunner();
    await expect(checkMappingCompiles(jq, readMapping("resources/port-app-config.yml", "resources/blueprints.json").config.resources)).resolves.toBeUndefined();
    await expect(
      checkMappingCompiles(jq, readMapping("test/fixtures/port-page-mapping.yml", "test/fixtures/port-page-blueprints.json").config.resources),
    ).resolves.toBeUndefined();
  });

  it("accepts single-quoted literals, comments and an expression that is a definition", async () => {
    const jq = await createTestJqRunner();
    const resource = makeResource({
      query: ".status == 'live'",
      mappings: { title: ".name # the display name", properties: { x: "def twice(f): f, f; [twice(.a)]" } },
    });
    await expect(checkMappingCompiles(jq, [resource])).resolves.toBeUndefined();
  });

  it("throws a ConfigError naming the resource, field, expression and jq's error for each broken expression", async () => {
    const jq = await createTestJqRunner();
    const resources = [
      makeResource({ index: 0, mappings: { title: ".name" } }),
      makeResource({ index: 3, kind: "/v2/alerts", name: "alerts", mappings: { properties: { priority: ".attributes | map(" } } }),
      makeResource({ index: 4, kind: "/v2/incidents", name: "incidents", query: "nosuchfunction(1)" }),
    ];
    const failure = await checkMappingCompiles(jq, resources).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    const issues = (failure as ConfigError).issues;
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^resources\[3\] \(\/v2\/alerts\) properties\.priority: jq cannot compile "\.attributes \| map\(": jq: error: syntax error/);
    expect(issues[1]).toMatch(/^resources\[4\] \(\/v2\/incidents\) selector\.query: jq cannot compile "nosuchfunction\(1\)": jq: error: nosuchfunction\/1 is not defined/);
  });

  it("compiles expressions one by one only in the resource whose program fails", async () => {
    const real = await createTestJqRunner();
    const filters: string[] = [];
    const jq = { ...real, runText: (filter: string, input: string) => (filters.push(filter), real.runText(filter, input)) };
    const resources = [
      makeResource({ index: 0, mappings: { title: ".name", properties: { a: ".a", b: ".b" } } }),
      makeResource({ index: 1, kind: "/v2/alerts", name: "alerts", mappings: { properties: { c: ".c", d: ".d |" } } }),
      makeResource({ index: 2, kind: "/v2/incidents", name: "incidents", mappings: { properties: { e: ".e" } } }),
    ];
    const failure = await checkMappingCompiles(jq, resources).catch((error: unknown) => error);
    expect((failure as ConfigError).issues).toEqual([expect.stringMatching(/^resources\[1\] \(\/v2\/alerts\) properties\.d: jq cannot compile/)]);
    // The whole mapping, then each resource's program, then the expressions of resources[1] alone.
    const expressionsOfAlerts = ["true", ".id", '"thing"', ".c", ".d |"].length;
    expect(filters).toHaveLength(1 + resources.length + expressionsOfAlerts);
  });

  it("explains that a builtin is missing from jq 1.6 when this jq is 1.6", async () => {
    const jq = await createTestJqRunner();
    const resource = makeResource({ mappings: { properties: { size: "pick(.size)" } } });
    const failure = (await checkMappingCompiles(jq, [resource]).then(
      () => undefined,
      (error: unknown) => error,
    )) as ConfigError | undefined;
    // jq 1.7 and later have pick; only 1.6 refuses it.
    if (jq.version.startsWith("1.6")) expect(failure?.issues[0]).toContain("pick/1 needs a newer jq");
    else expect(failure).toBeUndefined();
  });
});
