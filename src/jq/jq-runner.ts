import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
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
  /** A jq run that takes longer is killed and rejects; the default matches Ocean's per-item jq timeout (120 s). */
  readonly timeoutMs?: number;
  /** A jq run that prints more than this is killed and rejects (default 256 MiB). */
  readonly maxOutputBytes?: number;
}

/** A jq run that did not finish in time; retrying the same input would time out again. */
export class JqTimeoutError extends Error {
  constructor(timeoutMs: number, filter: string) {
    super(`jq did not finish within ${timeoutMs} ms running ${abbreviate(filter)}`);
    this.name = "JqTimeoutError";
  }
}

/** A jq run that printed more than the runner allows; it was killed. */
class JqOutputLimitError extends Error {
  constructor(maxOutputBytes: number, filter: string) {
    super(`jq printed more than ${maxOutputBytes} bytes running ${abbreviate(filter)}; it was stopped`);
    this.name = "JqOutputLimitError";
  }
}

/** The jq invocation node-jq builds: the binary, its arguments and what goes to its stdin. */
interface JqCommand {
  readonly command: string;
  readonly args: string[];
  readonly stdin: string;
}

type CommandFactory = (filter: string, json: string, options: { input: "string"; output: "string" }) => JqCommand;

const DEFAULT_TIMEOUT_MS = 120_000;
// Far above what a batch of records maps to, and below V8's longest string (2^29 characters).
const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
// `debug` and `stderr` in a filter write there; only the start of it explains a failure.
const MAX_STDERR_CHARS = 64 * 1024;
const VERSION_TIMEOUT_MS = 10_000;
// Linux refuses a single argv string longer than MAX_ARG_STRLEN (32 pages); say so rather than
// report the spawn's E2BIG.
const MAX_FILTER_BYTES = 128 * 1024 - 1;

// node-jq reads JQ_PATH once, when it is first imported, so the first runner decides the binary of the process.
let loaded: { jqPath: string; buildCommand: CommandFactory } | undefined;

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

async function loadNodeJq(jqPath: string): Promise<CommandFactory> {
  if (loaded) {
    if (loaded.jqPath !== jqPath) {
      throw new ConfigError([`jq: this process already runs jq from ${loaded.jqPath}; it cannot switch to ${jqPath}`]);
    }
    return loaded.buildCommand;
  }
  process.env["JQ_PATH"] = jqPath;
  // node-jq's own `run` can neither stop jq nor bound what it prints, so the runner runs the command node-jq builds.
  const module = (await import("node-jq/lib/command")) as { commandFactory?: CommandFactory; default?: { commandFactory?: CommandFactory } };
  const buildCommand = module.commandFactory ?? module.default?.commandFactory;
  if (!buildCommand) throw new Error("node-jq does not export commandFactory()");
  loaded = { jqPath, buildCommand };
  return buildCommand;
}

/**
 * Runs one jq command to its end: resolves with its stdout (final newline stripped) when it exits 0,
 * rejects with its stderr otherwise. Kills it (SIGKILL) once it runs longer than `timeoutMs` or prints
 * more than `maxOutputBytes`. jq gets an empty environment, so a filter's `env` and `$ENV` hold no secret.
 */
function execJq(jq: JqCommand, filter: string, timeoutMs: number, maxOutputBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(jq.command, jq.args, { env: {}, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let stopped: Error | undefined;
    const stop = (reason: Error) => {
      if (stopped) return;
      stopped = reason;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(new JqTimeoutError(timeoutMs, filter)), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutputBytes) stop(new JqOutputLimitError(maxOutputBytes, filter));
      else stdout.push(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.slice(0, MAX_STDERR_CHARS - stderr.length);
    });
    // jq stops reading early on a compile error, unreadable input, or a program that reads only part
    // of it; its exit status and stderr then say what happened, not the broken pipe.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (stopped) reject(stopped);
      else if (code !== 0) reject(new Error(stderr || `jq exited with status ${code}`));
      else resolve(Buffer.concat(stdout).toString("utf8").replace(/\r?\n$/, ""));
    });
    child.stdin.end(jq.stdin);
  });
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
 * runner whose runs are bounded in time and output. Throws ConfigError when the binary is missing or
 * is not jq.
 */
export async function createJqRunner(jqPath: string, options: JqRunnerOptions = {}): Promise<JqRunner> {
  checkExecutable(jqPath);
  const version = await readVersion(jqPath);
  const buildCommand = await loadNodeJq(jqPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;

  const runText = async (filter: string, input: string): Promise<string> => {
    if (Buffer.byteLength(filter) > MAX_FILTER_BYTES) {
      throw new Error(`jq filter is ${Buffer.byteLength(filter)} bytes; the limit for one command-line argument is ${MAX_FILTER_BYTES}`);
    }
    // jq prints nothing for no input; node-jq would refuse the empty string.
    if (input === "") return "";
    // `output: "string"` means --compact-output and the raw stdout.
    return await execJq(buildCommand(filter, input, { input: "string", output: "string" }), filter, timeoutMs, maxOutputBytes);
  };

  return {
    version,
    runText,
    runJson: async (filter, input) => parseSingleJsonValue(await runText(filter, input)),
  };
}
