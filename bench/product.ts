import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunSummary } from "../src/model/summary";
import type { HostEndpoints } from "./host-protocol";
import { buildSandboxEnv } from "../src/sandbox/product-env";

const MEASURED_CLI = fileURLToPath(new URL("./measured-cli.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUTPUT_TAIL_CHARS = 4000;
/** The V8 flags `pnpm etl` and the Docker image start the CLI with (package.json, Dockerfile): the product as shipped. */
export const PRODUCT_NODE_FLAGS = ["--max-semi-space-size=64", "--expose-gc"] as const;
/** The environment `pnpm etl`, the installed command and the Docker image add (a value already set wins). */
export const PRODUCT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

/** One command line the measured process ran. */
export interface MeasuredCommand {
  readonly argv: readonly string[];
  readonly code: number;
  readonly wallMs: number;
  /** CPU of the product process while it ran this command (start-up not included). */
  readonly cpuSeconds: number;
  /** CPU of the jq processes the command ran. */
  readonly jqCpuSeconds: number;
  readonly stdout: string;
  readonly stderrTail: string;
}

/** What the measured process reports when its commands are done. */
export interface MeasuredReport {
  readonly results: readonly MeasuredCommand[];
  /** RSS before the first command: Node, tsx and the product's modules. */
  readonly startRssMb: number;
  /** `process.resourceUsage().maxRSS` of the process: the product's peak, the sandboxes' not included. */
  readonly maxRssMb: number;
  /** The peak RSS of the process and the jq processes it ran, added up, as /proc showed them (sampled). */
  readonly peakTreeRssMb: number;
  /** CPU of the whole process, start-up included. */
  readonly cpuSeconds: number;
  /** CPU of the jq processes it ran. */
  readonly childCpuSeconds: number;
}

export interface ProductSettings {
  readonly endpoints: HostEndpoints;
  readonly databasePath: string;
  /** ETL_REQUESTS_PER_MINUTE: the client-side Incident.io budget. */
  readonly requestsPerMinute: number;
}

/** A budget no benchmark run reaches, for measuring the product's own speed. */
export const UNLIMITED_REQUESTS_PER_MINUTE = 100_000_000;

/**
 * The environment a user would set for the real services (Ocean's variable names, the values of
 * Port's Docker example), pointed at the sandbox host; nothing else of the benchmark's environment
 * reaches the product but PATH and JQ_PATH.
 */
export function buildProductEnv(settings: ProductSettings, inherited: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const { incidentIo, port } = settings.endpoints;
  const env: Record<string, string> = {
    ...buildSandboxEnv({ incidentIo, port }, "bench-incidentio-integration"),
    ETL_DB: settings.databasePath,
    ETL_REQUESTS_PER_MINUTE: String(settings.requestsPerMinute),
    CI: "true",
  };
  for (const name of ["PATH", "JQ_PATH"]) {
    const value = inherited[name];
    if (value) env[name] = value;
  }
  return env;
}

/** A product command that did not succeed, with the end of what it printed. */
class ProductCommandError extends Error {
  readonly argv: readonly string[];
  constructor(argv: readonly string[], detail: string) {
    super(`etl ${argv.join(" ")} failed: ${detail}`);
    this.name = "ProductCommandError";
    this.argv = argv;
  }
}

/**
 * Runs `commands` (CLI argument lists) one after another in one new product process with `env`, and
 * returns its report. Rejects when the process dies, reports nothing, or outlives `timeoutMs` (it is
 * then killed).
 */
export function runMeasured(commands: readonly (readonly string[])[], env: Readonly<Record<string, string>>, timeoutMs: number): Promise<MeasuredReport> {
  return new Promise((resolve, reject) => {
    const child = fork(MEASURED_CLI, [JSON.stringify(commands)], { cwd: ROOT, env: { ...PRODUCT_ENV, ...env }, execArgv: [...PRODUCT_NODE_FLAGS, "--import", "tsx"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let report: MeasuredReport | undefined;
    child.on("message", (message) => {
      report = message as MeasuredReport;
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      if (report) resolve(report);
      else reject(new ProductCommandError(commands.flat(), `the process ended (${signal ?? code}) without a report${signal === "SIGKILL" ? ` after ${timeoutMs / 1000} s` : ""}\n${output}`));
    });
  });
}

/** The run summary a command printed with `--json`; throws ProductCommandError when it failed or printed none. */
export function readSummary(command: MeasuredCommand): RunSummary {
  let summary: RunSummary | undefined;
  try {
    summary = JSON.parse(command.stdout) as RunSummary;
  } catch {
    summary = undefined;
  }
  if (command.code !== 0 || !summary) {
    const errors = summary?.errors.join("; ");
    throw new ProductCommandError(command.argv, `exit ${command.code}${errors ? `: ${errors}` : ""}\n${command.stderrTail}`);
  }
  return summary;
}
