import { spawnSync } from "node:child_process";
import { chmodSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "../../helpers/temp-dir";

const setupScript = fileURLToPath(new URL("../../../scripts/setup.sh", import.meta.url));

/** A PATH holding bash and dirname, and a `node` that reports `version` (none when undefined). */
function pathWithNode(version: string | undefined): string {
  const dir = makeTempDir("setup-node-");
  for (const tool of ["bash", "dirname"]) {
    const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    symlinkSync(found, join(dir, tool));
  }
  if (version !== undefined) {
    const major = version.slice(1).split(".")[0];
    writeFileSync(join(dir, "node"), `#!/bin/sh\nif [ "$1" = "-p" ]; then echo ${major}; else echo ${version}; fi\n`);
    chmodSync(join(dir, "node"), 0o755);
  }
  return dir;
}

describe("scripts/setup.sh", () => {
  it.each([
    ["Debian 12's Node 18", "v18.19.0", "found v18.19.0"],
    ["no node at all", undefined, "found no node"],
  ])("refuses %s before doing anything else, saying what to install", (_name, version, found) => {
    const dir = pathWithNode(version);
    const result = spawnSync(join(dir, "bash"), [setupScript], { env: { PATH: dir }, encoding: "utf8", timeout: 10_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Node.js 20 or newer is required");
    expect(result.stderr).toContain(found);
    expect(result.stderr).toContain("NodeSource");
    expect(result.stderr).toContain("node:22 image");
    expect(result.stdout).toBe("");
  });
});
