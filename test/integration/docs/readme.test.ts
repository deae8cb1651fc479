import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultTextOf, SETTINGS, type SettingSpec } from "../../../src/config/settings";

const root = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), "utf8");

describe("README", () => {
  const readme = root("README.md");

  it("documents every setting under its environment variable and flag", () => {
    for (const spec of Object.values(SETTINGS)) {
      for (const name of [...spec.env, ...("flag" in spec ? [spec.flag] : [])]) expect(readme).toContain(`\`${name}\``);
    }
  });

  it("lists the settings table's rows exactly: names, config file key and default, in its order", () => {
    const header = "| environment variable / flag | config file key | default | meaning |";
    const table = readme.slice(readme.indexOf(header)).split("\n\n")[0]?.split("\n").slice(2) ?? [];
    const documented = table.map((row) => {
      const [names = "", file = "", shownDefault = ""] = row.split(" | ").map((cell) => cell.replace(/^\| /, "").trim());
      return { names, file, default: shownDefault };
    });
    const expected = (Object.values(SETTINGS) as SettingSpec[]).map((spec) => ({
      names: [...spec.env, ...(spec.flag ? [spec.flag] : [])].map((name) => `\`${name}\``).join(", "),
      file: spec.file ? `\`${spec.file}\`` : "-",
      default: defaultTextOf(spec),
    }));
    expect(documented).toEqual(expected);
  });

  it("starts with the two set-up commands, and CI runs the same test command", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## How it works"));
    expect(quickStart).toContain("bash scripts/setup.sh && pnpm etl demo");
    expect(quickStart).toContain("pnpm test");
    const ci = root(".ci/run");
    expect(ci).toContain("bash scripts/setup.sh");
    expect(ci).toMatch(/^pnpm test$/m);
  });
});

describe("how the CLI is started", () => {
  it("gives node the same flags in pnpm etl, the Docker image and the benchmark", async () => {
    const { PRODUCT_NODE_FLAGS } = await import("../../../bench/product");
    const script = (JSON.parse(root("package.json")) as { scripts: Record<string, string> }).scripts["etl"];
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(root("Dockerfile"))?.[1];
    for (const flag of PRODUCT_NODE_FLAGS) {
      expect(script).toContain(flag);
      expect(JSON.parse(entrypoint ?? "[]")).toContain(flag);
    }
  });
});
