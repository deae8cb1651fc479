import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const STAGES = ["src/extract", "src/transform", "src/load"];
// What dependency-cruiser cannot see (.dependency-cruiser.cjs, stages-never-print): a global, not an import.
const PRINTING = /\bconsole\.|\bprocess\.(stdout|stderr)\b|\bprocess\.exit\b/;

function listSources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe("stages", () => {
  it("never print or exit: src/cli is the only code that does", () => {
    const files = STAGES.flatMap(listSources);
    expect(files.length).toBeGreaterThan(STAGES.length);
    const printing = files.flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, index) => (PRINTING.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(printing).toEqual([]);
  });
});
