// The measured process: runs the product's CLI (`main` of src/cli/main.ts, as `pnpm etl` does) for
// each command line it is given, one after another, then reports each command's output and wall time
// and CPU, and the process's peak RSS (alone, and with the jq processes it runs) and CPU, over IPC.
// Started by bench/product.ts with `node --import tsx bench/measured-cli.ts <JSON array of argv arrays>`,
// configured by its environment.
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main";
import { keepOldGenerationLow } from "../src/cli/memory-ceiling";
import { readChildCpuSeconds } from "./cpu";
import { sampleTreeRss } from "./process-tree";
import type { MeasuredCommand, MeasuredReport } from "./product";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STDERR_TAIL_CHARS = 4000;
// A jq stream lives as long as its kind's transform; a sample of node and its children every 50 ms costs
// well under 1% of a core.
const TREE_SAMPLE_MS = 50;

function captureText(keepTail: number | undefined): { stream: Writable; text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      if (keepTail !== undefined && text.length > 2 * keepTail) text = text.slice(-keepTail);
      callback();
    },
  });
  return { stream, text: () => (keepTail === undefined ? text : text.slice(-keepTail)) };
}

const commands = JSON.parse(process.argv[2] ?? "[]") as string[][];
const startRssMb = process.memoryUsage().rss / 2 ** 20;
const treeRss = sampleTreeRss(process.pid, TREE_SAMPLE_MS);
// What src/cli/main.ts does when it is the script node started.
keepOldGenerationLow();
const results: MeasuredCommand[] = [];
const signal = new AbortController().signal;
for (const argv of commands) {
  const stdout = captureText(undefined);
  const stderr = captureText(STDERR_TAIL_CHARS);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const jqCpuBefore = readChildCpuSeconds();
  const code = await main(argv, { env: process.env, cwd: ROOT, stdout: stdout.stream, stderr: stderr.stream }, signal);
  const cpu = process.cpuUsage(cpuBefore);
  results.push({
    argv,
    code,
    wallMs: performance.now() - started,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    jqCpuSeconds: readChildCpuSeconds() - jqCpuBefore,
    stdout: stdout.text(),
    stderrTail: stderr.text(),
  });
  if (code !== 0) break;
}
const usage = process.resourceUsage();
const maxRssMb = usage.maxRSS / 1024;
const report: MeasuredReport = {
  results,
  startRssMb,
  maxRssMb,
  // Samples can miss node's own peak, which maxRSS holds exactly: the tree was at least that large then.
  peakTreeRssMb: Math.max(treeRss.stop(), maxRssMb),
  cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  childCpuSeconds: readChildCpuSeconds(),
};
// Keep-alive sockets and timers of the clients would hold the process open; the report is all that is left to do.
process.send?.(report, () => process.exit(0));
