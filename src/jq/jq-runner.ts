import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors";

/** A jq binary, run through node-jq over input that is already serialized JSON text. */
export interface JqRunner {
  /** The binary's version without the `jq-` prefix: `1.6`, `1.7.1`. */
  readonly version: string;
  /** Runs `filter` over `input` (serialized JSON text), returns jq's stdout parsed as JSON (one value). Throws on jq errors (with jq's stderr). */
  runJson(filter: string, input: string): Promise<unknown>;
  /** Same, returning stdout text (for multi-value output) */
  runText(filter: string, input: string): Promise<string>;
}

export interface JqRunnerOptions {
  /** A jq run that takes longer rejects; the default matches Ocean's per-item jq timeout (120 s). */
  readonly timeoutMs?: number;
}

/** A jq run that did not finish in time; retrying the same input would time out again. */
export class JqTimeoutError extends Error {
  constructor(timeoutMs: number, filter: string) {
    super(`jq did not finish within ${timeoutMs} ms running ${abbreviate(filter)}`);
    this.name = "JqTimeoutError";
  }
}

type NodeJqRun = (filter: string, json: string, options: { input: "string" | "file"; output: "string" }) => Promise<unknown>;

const DEFAULT_TIMEOUT_MS = 120_000;
const VERSION_TIMEOUT_MS = 10_000;
// Linux refuses a single argv string longer than MAX_ARG_STRLEN (32 pages); node-jq passes the filter
// as one argument and has no 'error' handler on the child, so a refused spawn would crash the process.
const MAX_FILTER_BYTES = 128 * 1024 - 1;

// node-jq reads JQ_PATH once, when it is first imported, so the first runner decides the binary of the process.
let loaded: { jqPath: string; run: NodeJqRun } | undefined;

function checkExecutable(jqPath: string): void {
  try {
    accessSync(jqPath, constants.X_OK);
  } catch {
    throw new ConfigError([
      `jq: ${jqPath} is not an executable file; install jq (Debian/Ubuntu: apt-get install jq; macOS: brew install jq) or set JQ_PATH to its path`,
    ]);
  }
}

function readVersion(jqPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(jqPath, ["--version"], { timeout: VERSION_TIMEOUT_MS }, (error, stdout, stderr) => {
      const text = `${stdout}`.trim() || `${stderr}`.trim();
      if (error || !/^jq-\d/.test(text)) {
        reject(new ConfigError([`jq: ${jqPath} --version did not answer like jq (${error?.message ?? text}); set JQ_PATH to a jq binary`]));
        return;
      }
      resolve(text.replace(/^jq-/, ""));
    });
  });
}

async function loadNodeJq(jqPath: string): Promise<NodeJqRun> {
  if (loaded) {
    if (loaded.jqPath !== jqPath) {
      throw new ConfigError([`jq: this process already runs jq from ${loaded.jqPath}; it cannot switch to ${jqPath}`]);
    }
    return loaded.run;
  }
  process.env["JQ_PATH"] = jqPath;
  const module = (await import("node-jq")) as { run?: NodeJqRun; default?: { run?: NodeJqRun } };
  const run = module.run ?? module.default?.run;
  if (!run) throw new Error("node-jq does not export run()");
  loaded = { jqPath, run };
  return run;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, filter: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JqTimeoutError(timeoutMs, filter)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function abbreviate(filter: string): string {
  const flat = filter.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/**
 * Parses compact jq output holding exactly one value; `undefined` when jq printed nothing. Compact
 * output escapes newlines inside strings, so a newline separates values.
 */
export function parseSingleJsonValue(stdout: string): unknown {
  if (stdout === "") return undefined;
  if (stdout.includes("\n")) throw new Error("jq printed more than one value; use runText for multi-value output");
  return JSON.parse(stdout);
}

/**
 * Checks that `jqPath` is an executable jq (running `--version`), points node-jq at it and returns a
 * runner. Throws ConfigError when the binary is missing or is not jq, because node-jq would kill the
 * process on a missing binary.
 */
export async function createJqRunner(jqPath: string, options: JqRunnerOptions = {}): Promise<JqRunner> {
  checkExecutable(jqPath);
  const version = await readVersion(jqPath);
  const run = await loadNodeJq(jqPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const runText = async (filter: string, input: string): Promise<string> => {
    if (Buffer.byteLength(filter) > MAX_FILTER_BYTES) {
      throw new Error(`jq filter is ${Buffer.byteLength(filter)} bytes; the limit for one command-line argument is ${MAX_FILTER_BYTES}`);
    }
    // jq prints nothing for no input; node-jq would refuse the empty string (and never close jq's stdin).
    if (input === "") return "";
    try {
      // `output: "string"` means --compact-output and the raw stdout (final newline stripped).
      return String(await withTimeout(run(filter, input, { input: "string", output: "string" }), timeoutMs, filter));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
      // jq stopped reading before node-jq finished writing (a compile error, unreadable input, a program
      // that reads only part of it), and node-jq then reports EPIPE instead of what jq said. From a
      // file jq reads at its own pace, so the same run gives jq's own result or message.
      return await runFromFile(filter, input);
    }
  };

  const runFromFile = async (filter: string, input: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "etl-jq-"));
    try {
      const path = join(dir, "input.json");
      await writeFile(path, input);
      return String(await withTimeout(run(filter, path, { input: "file", output: "string" }), timeoutMs, filter));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return {
    version,
    runText,
    runJson: async (filter, input) => parseSingleJsonValue(await runText(filter, input)),
  };
}
