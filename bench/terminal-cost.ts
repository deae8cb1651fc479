// What the live progress costs (issue 13): `etl demo` with a fresh staging file on a pseudo-terminal,
// where listr2 draws its tree, against the same with its output on a pipe (plain lines). `script` from
// util-linux (Debian's bsdutils, which every Debian system has) provides the pseudo-terminal.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readChildCpuSeconds } from "./cpu";
import { PRODUCT_NODE_FLAGS } from "./product";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCRIPT = "/usr/bin/script";
/** The most the demo may cost on a terminal, as a multiple of its cost piped (wall and CPU alike). */
export const TERMINAL_COST_GOAL = 1.1;
// The machine is shared and noisy: each mode runs this often, alternately, and the medians are compared.
const REPEATS = 3;
const RUN_TIMEOUT_MS = 5 * 60_000;
const OUTPUT_LIMIT_CHARS = 1_000_000;
// A pseudo-terminal `script` opens on /dev/null has no size, and listr2 would wrap the tree at 0 columns.
const TERMINAL_SIZE = { columns: 120, rows: 40 };

type OutputMode = "terminal" | "piped";

/** One run of the demo: wall time, and the CPU of its whole process tree (script, node, jq). */
export interface DemoRun {
  readonly mode: OutputMode;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

interface Cost {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

export type TerminalCost =
  | {
      readonly measured: true;
      readonly columns: number;
      readonly rows: number;
      readonly repeats: number;
      /** Medians of each mode's runs. */
      readonly terminal: Cost;
      readonly piped: Cost;
      readonly wallRatio: number;
      readonly cpuRatio: number;
      readonly runs: readonly DemoRun[];
    }
  | { readonly measured: false; readonly reason: string };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The medians of each mode's runs (each mode ran at least once) and their ratios, terminal over piped. */
export function compareDemoRuns(runs: readonly DemoRun[]): { terminal: Cost; piped: Cost; wallRatio: number; cpuRatio: number } {
  const medians = (mode: OutputMode): Cost => {
    const own = runs.filter((run) => run.mode === mode);
    return { wallSeconds: median(own.map((run) => run.wallSeconds)), cpuSeconds: median(own.map((run) => run.cpuSeconds)) };
  };
  const terminal = medians("terminal");
  const piped = medians("piped");
  return { terminal, piped, wallRatio: terminal.wallSeconds / piped.wallSeconds, cpuRatio: terminal.cpuSeconds / piped.cpuSeconds };
}

/** `argv` as one `sh -c` command line: every word single-quoted. */
export function quoteForShell(argv: readonly string[]): string {
  return argv.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
}

/** Runs the demo once in `mode`; rejects when it fails, or outlives RUN_TIMEOUT_MS (it is then killed). */
function runDemo(mode: OutputMode, dbPath: string): Promise<DemoRun> {
  const product = [process.execPath, ...PRODUCT_NODE_FLAGS, "--import", "tsx", "src/cli/main.ts", "demo", "--db", dbPath];
  const [command, ...args] =
    mode === "piped" ? product : [SCRIPT, "-qefc", `stty cols ${TERMINAL_SIZE.columns} rows ${TERMINAL_SIZE.rows}; exec ${quoteForShell(product)}`, "/dev/null"];
  // No CI variable: with it the product prints plain lines on a terminal too.
  const env: Record<string, string> = { PATH: process.env["PATH"] ?? "", TERM: "xterm" };
  if (process.env["JQ_PATH"]) env["JQ_PATH"] = process.env["JQ_PATH"];
  return new Promise((resolve, reject) => {
    const cpuBefore = readChildCpuSeconds();
    const started = performance.now();
    const child = spawn(command as string, args, { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const killer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      // The exited tree's CPU reaches this process's cutime/cstime once each parent has reaped its children.
      const run = { mode, wallSeconds: (performance.now() - started) / 1000, cpuSeconds: readChildCpuSeconds() - cpuBefore };
      if (code !== 0) reject(new Error(`etl demo (${mode}) ended with ${signal ?? code}:\n${output.slice(-2_000)}`));
      else if (mode === "terminal" && !output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").includes("✔ load")) reject(new Error(`etl demo on a terminal drew no tree:\n${output.slice(-2_000)}`));
      else resolve(run);
    });
  });
}

/**
 * Runs the demo REPEATS times piped and on a pseudo-terminal, alternately, and compares the medians.
 * Never rejects: without `script`, or when a run fails, the result says why nothing was measured.
 */
export async function measureTerminalCost(log: (line: string) => void): Promise<TerminalCost> {
  if (!existsSync(SCRIPT)) return { measured: false, reason: `${SCRIPT} not found (Debian: apt-get install bsdutils)` };
  const dir = mkdtempSync(join(tmpdir(), "etl-bench-terminal-"));
  const runs: DemoRun[] = [];
  try {
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const mode of ["piped", "terminal"] as const) {
        const run = await runDemo(mode, join(dir, `demo-${repeat}-${mode}.sqlite`));
        log(`terminal cost: etl demo ${mode}: ${run.wallSeconds.toFixed(2)} s, ${run.cpuSeconds.toFixed(2)} CPU s`);
        runs.push(run);
      }
    }
  } catch (error) {
    return { measured: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { measured: true, ...TERMINAL_SIZE, repeats: REPEATS, ...compareDemoRuns(runs), runs };
}
