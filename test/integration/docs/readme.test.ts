import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), "utf8");

describe("README", () => {
  const readme = root("README.md");

  it("is read in five minutes: at most 15 KB, everything deeper is in docs/", () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15_000);
  });

  it("opens with what the tool is, then the two set-up commands, and CI runs the same test command", () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings.slice(0, 2)).toEqual(["Quick start", "Real use"]);
    expect(readme.slice(0, readme.indexOf("## Quick start"))).toMatch(/Keeps \[Port\].* in sync with an \[Incident\.io\]/);
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Real use"));
    expect(quickStart).toContain("bash scripts/setup.sh && pnpm etl demo");
    expect(quickStart).toContain("pnpm test");
    const ci = root(".ci/run");
    expect(ci).toContain("bash scripts/setup.sh");
    expect(ci).toMatch(/^pnpm test$/m);
  });

  it("gives Node advice that works on Debian 12, whose own nodejs is 18", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Real use"));
    expect(quickStart).toContain("Node.js 20 or newer");
    expect(quickStart).toContain("NodeSource");
    expect(quickStart).toContain("node:22");
    expect(readme).not.toMatch(/apt-get install nodejs npm/);
  });

  it("links every page of docs/", () => {
    for (const page of ["configuration", "differences-from-port", "guarantees", "deployment", "operations", "architecture"]) {
      expect(readme).toContain(`(docs/${page}.md)`);
    }
  });
});

describe("how the CLI is started", () => {
  it("gives node the same flags in pnpm etl, the Docker image and the benchmark", async () => {
    const { PRODUCT_ENV, PRODUCT_NODE_FLAGS } = await import("../../../bench/product");
    const script = (JSON.parse(root("package.json")) as { scripts: Record<string, string> }).scripts["etl"];
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(root("Dockerfile"))?.[1];
    for (const flag of PRODUCT_NODE_FLAGS) {
      expect(script).toContain(flag);
      expect(JSON.parse(entrypoint ?? "[]")).toContain(flag);
    }
    for (const [name, value] of Object.entries(PRODUCT_ENV)) {
      expect(script).toContain(`${name}=\${${name}:-${value}}`);
      expect(root("Dockerfile")).toMatch(new RegExp(`^\\s+${name}=${value}$`, "m"));
    }
  });
});
