// `pnpm bench`: see BENCH_USAGE in bench/options.ts. Prints the table on stdout, progress on stderr,
// and writes the result as JSON under bench/results/ (or --out). Exit 1 when the run stopped early, 2 for
// a bad command line; targets that are missed are reported, not turned into an exit code.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchOptions } from "./options";
import { renderReport } from "./report";
import { runBench } from "./run-bench";
import { measureTerminalCost } from "./terminal-cost";

const RESULTS_DIR = fileURLToPath(new URL("./results", import.meta.url));

let options: BenchOptions | undefined;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n\n${BENCH_USAGE}\n`);
  process.exitCode = 2;
}
if (options?.help) process.stdout.write(`${BENCH_USAGE}\n`);
else if (options) {
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  ${line}\n`);
  const result = await runBench(options, log);
  // The terminal's cost is issue 13's figure, measured with the stage phases, not the webhook phase.
  const terminal = options.webhooks ? undefined : await measureTerminalCost(log);
  process.stdout.write(renderReport(result, terminal));
  const dir = options.outDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.startedAt.replace(/[:.]/g, "-")}-${result.scale}.json`);
  writeFileSync(path, `${JSON.stringify({ ...result, terminal }, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${path}\n`);
  if (result.error) process.exitCode = 1;
}
