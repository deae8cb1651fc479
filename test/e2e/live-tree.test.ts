import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { startDemoSandboxes } from "../../src/pipeline/demo";
import { makeTempDir } from "../helpers/temp-dir";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = "/usr/bin/script";
const TIMEOUT_MS = 90_000;

/** The demo's sandboxes and a fresh staging file, as the environment of a run; both go when the test finishes. */
async function startSandboxes(): Promise<Record<string, string>> {
  const sandboxes = await startDemoSandboxes();
  onTestFinished(() => sandboxes.close());
  return { ...sandboxes.env, ETL_DB: join(makeTempDir("etl-live-tree-"), "etl.sqlite") };
}

/** Runs `etl run` on a pseudo-terminal of `columns` (120: listr2 draws its tree; CI unset); SIGKILLed after TIMEOUT_MS. */
function runOnTerminal(env: Record<string, string>, columns = 120): Promise<{ code: number | null; output: string }> {
  const child = spawn(SCRIPT, ["-qefc", `stty cols ${columns} rows 40; exec node --import tsx src/cli/main.ts run`, "/dev/null"], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", TERM: "xterm", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

/** The text a terminal would show at the end, without colours, cursor movements and carriage returns. */
function shown(output: string): string {
  return output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}

describe("the live tree on a terminal", () => {
  it.skipIf(!existsSync(SCRIPT))("ends with every stage and kind completed, with the counts the summary reports, and exits 0", async () => {
    const result = await runOnTerminal(await startSandboxes());
    const text = shown(result.output);

    expect(result.code, text).toBe(0);
    // The tree printed when the run ends: from its last drawing to the summary table below it.
    const treeStart = text.lastIndexOf("✔ extract\n");
    const summaryStart = text.indexOf("\nkind ", treeStart);
    expect(treeStart, text).toBeGreaterThanOrEqual(0);
    expect(summaryStart, text).toBeGreaterThan(treeStart);
    const tree = text.slice(treeStart, summaryStart).split("\n").filter(Boolean);
    const stages = tree.filter((line) => !line.startsWith(" "));
    expect(stages).toEqual(["✔ extract", "✔ transform", "✔ load"]);
    // Every line is a completed task: no spinner, nothing failed or left pending by a redraw not yet made.
    expect(tree.filter((line) => !line.trimStart().startsWith("✔ "))).toEqual([]);

    const rows = text
      .slice(summaryStart)
      .split("\n")
      .map((line) => /^(\w+) +(\d+) +(\d+) +(\d+) /.exec(line))
      .filter((match) => match !== null);
    expect(rows.length).toBeGreaterThan(0);
    for (const [, kind, extracted] of rows) {
      expect(tree.some((line) => new RegExp(`✔ /v\\d/${kind}\\b.* \\((\\d+ pages?, )?${extracted} records?\\)$`).test(line)), `${kind}: ${extracted} records\n${tree.join("\n")}`).toBe(true);
    }
  });

  it.skipIf(!existsSync(SCRIPT))("prints plain lines on a terminal that reports no width, where a tree would have nowhere to draw", async () => {
    const result = await runOnTerminal(await startSandboxes(), 0);
    const text = shown(result.output);

    expect(result.code, text).toBe(0);
    expect(text).toMatch(/^\S+Z extract: started \(\d+ kinds\)$/m);
    expect(text).toMatch(/^\S+Z load: finished$/m);
    expect(text).not.toContain("✔ extract");
  });
});
