import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startSyncWorld } from "../../helpers/sync-world";

const SHIPPED = readFileSync(fileURLToPath(new URL("../../../resources/port-app-config.yml", import.meta.url)), "utf8");

describe("a broken mapping file", () => {
  it.each([
    {
      name: "a jq expression that does not compile",
      edit: (text: string) => text.replace("email: .email", "email: .email | ascii_downcase("),
      issue: /resources\[0\] \(\/v2\/users\) properties\.email: jq cannot compile "\.email \| ascii_downcase\(": jq: error: syntax error/,
    },
    {
      name: "a tab in the indentation",
      edit: (text: string) => text.replace("\n    selector:\n      query: \"true\"\n      data_path: .users", "\n    selector:\n\tquery: \"true\"\n      data_path: .users"),
      issue: /port-app-config\.yml: invalid YAML: Tabs are not allowed as indentation at line \d+, column 1/,
    },
    {
      name: "a property mapped to a number",
      edit: (text: string) => text.replace("email: .email", "email: 42"),
      issue: /port-app-config\.yml: resources\[0\]\.port\.entity\.mappings\.properties\.email: must be a jq expression \(a string\)/,
    },
  ])("exits 2 naming the place of $name, before any request", async ({ edit, issue }) => {
    const world = await startSyncWorld();
    const mapping = join(world.dir, "port-app-config.yml");
    writeFileSync(mapping, edit(SHIPPED));
    const outcome = await world.cli(["run", "--mapping", mapping]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(issue);
    expect(outcome.stderr).not.toMatch(/unexpected error/);
    expect(world.incidentIo.requests).toEqual([]);
    expect(world.port.requests).toEqual([]);
  });
});
