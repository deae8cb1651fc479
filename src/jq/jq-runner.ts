import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants } from "node:fs";
import type { Writable } from "node:stream";
import { ConfigError } from "../errors";

/** A jq binary, run through node-jq over input that is already serialized JSON text. */
export interface JqRunner {
  /** The binary's version without the `jq-` prefix: `1.6`, `1.7.1`. */
  readonly version: string;
  /** Runs `filter` over `input` (serialized JSON text), returns jq's stdout parsed as JSON (one value). Throws on jq errors (with jq's stderr). */
  runJson(filter: string, input: string): Promise<unknown>;
  /** Same, returning stdout text (for multi-value output) */
  runText(filter: string, input: string): Promise<string>;
  /**
   * Starts a jq process that runs `filter` over batches of inputs: see JqStream. Runners made by
   * createJqRunner have it; test doubles for code that never streams may leave it out.
   */
  startStream?(filter: string): JqStream;
}

/**
 * One jq process (a fresh one when it dies) running a filter over many batches of JSON values, so
 * that mapping a kind costs one process start rather than one a batch.
 */
export interface JqStream {
  /**
   * Runs the filter on each input (one serialized JSON value) and resolves with the compact JSON of
   * its output, in input order; batches may overlap, and resolve in the order they were sent. An
   * input gets undefined when the filter did not give exactly one output for it (it failed, gave
   * none or several, or the input is not one JSON value), or when jq stopped (it died, or
   * printed a line longer than the output limit) before answering it; a fresh jq takes the batches
   * after that. Rejects with JqTimeoutError when jq printed nothing for the timeout while inputs
   * waited; the stream is then unusable.
   */
  map(inputs: readonly string[]): Promise<(string | undefined)[]>;
  /** Ends jq and resolves once it has exited; batches still waiting reject. */
  close(): Promise<void>;
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

/**
 * node-jq's command factory: the flags and stdin it builds for a filter. Its `command` is not used:
 * node-jq fixes its binary once, when it is imported (JQ_PATH, else a bundled jq that is never
 * downloaded here), so the runner spawns the binary it checked itself and needs no JQ_PATH.
 */
async function importCommandFactory(): Promise<CommandFactory> {
  // node-jq's own `run` can neither stop jq nor bound what it prints, so the runner runs the command node-jq builds.
  // The extension is spelled out: the built CLI (dist/) leaves packages to Node's loader, which does not guess one.
  const module = (await import("node-jq/lib/command.js")) as { commandFactory?: CommandFactory; default?: { commandFactory?: CommandFactory } };
  const buildCommand = module.commandFactory ?? module.default?.commandFactory;
  if (!buildCommand) throw new Error("node-jq does not export commandFactory()");
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

// jq buffers its stdout (a pipe) in blocks of at most a memory page (64 KiB on some ARM kernels), so a
// batch's last lines would wait in jq for the next batch. A request after each batch makes jq print
// this padding raw, in one write that pushes everything before it out; one --arg holds up to 128 KiB.
const FLUSH_PADDING = " ".repeat(64 * 1024);
const NEWLINE = 0x0a;
const SPACE = 0x20;

/** A batch of a stream: its inputs, the sequence number of the first, and what jq printed for each. */
interface StreamBatch {
  readonly inputs: readonly string[];
  readonly firstSeq: number;
  /** Lines jq printed for each input (counting stops at 2): a result stands only when there is exactly one. */
  readonly lineCounts: Uint8Array;
  readonly results: (string | undefined)[];
  readonly resolve: (results: (string | undefined)[]) => void;
  readonly reject: (error: Error) => void;
}

// Batches are written to jq through reused chunks: every fresh page this process touches costs a
// page fault, and a batch of fresh memory costs more than copying the batch.
const CHUNK_BYTES = 256 * 1024;
const MAX_FREE_CHUNKS = 64;

/** Chunks of memory for writing to jq, returned once written; shared by the streams of one runner. */
interface ChunkPool {
  readonly free: Buffer[];
}

function takeChunk(pool: ChunkPool): Buffer {
  return pool.free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}

function returnChunk(pool: ChunkPool, chunk: Buffer): void {
  if (pool.free.length < MAX_FREE_CHUNKS) pool.free.push(chunk);
}

/**
 * Writes a batch as jq reads it: each input as `["nonce",seq,input,"nonce"]`, then `["nonce"]`, the
 * request for the padding that flushes jq's output. An input that is not exactly one JSON value
 * cannot pass for one: it would have to end the frame or add to it, and then the frame is not four
 * values ending in the stream's nonce, which the input cannot guess.
 */
function writeBatch(stdin: Writable, batch: StreamBatch, nonce: string, pool: ChunkPool): void {
  let chunk = takeChunk(pool);
  let at = 0;
  const send = (): void => {
    const written = chunk;
    stdin.write(written.subarray(0, at), () => returnChunk(pool, written));
    chunk = takeChunk(pool);
    at = 0;
  };
  const tail = `,"${nonce}"]\n`;
  batch.inputs.forEach((input, index) => {
    const head = `["${nonce}",${batch.firstSeq + index},`;
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const length = head.length + 3 * input.length + tail.length;
    if (at + length > CHUNK_BYTES) send();
    if (length > CHUNK_BYTES) {
      stdin.write(`${head}${input}${tail}`);
      return;
    }
    at += chunk.write(head, at, "latin1");
    at += chunk.write(input, at);
    at += chunk.write(tail, at, "latin1");
  });
  at += chunk.write(`["${nonce}"]\n`, at, "latin1");
  send();
  returnChunk(pool, chunk);
}

/**
 * The filter a stream runs on each value it reads: the padding for `["nonce"]`; for a framed input
 * `["nonce",seq,value,"nonce"]`, `seq` and a space before each output of `filter` on `value`, as
 * compact JSON (under --raw-output only the padding prints raw); nothing for anything else. It adds
 * no line before `filter`, so `$__loc__` reports the lines it would in `filter` alone.
 */
function wrapStreamFilter(filter: string): string {
  return (
    `if .[0]? != $__etl_nonce then empty elif length == 1 then $__etl_pad elif length != 4 or .[3] != $__etl_nonce then empty ` +
    `else .[1] as $__etl_seq | .[2] | (${filter}\n) | "\\($__etl_seq) \\(tojson)" end`
  );
}

/** Reads `seq ` at the start of an output line: the sequence number, and where the output starts (undefined when the line does not start so). */
function readSequence(line: Buffer): { seq: number; at: number } | undefined {
  let seq = 0;
  let at = 0;
  for (; at < line.length && at < 16; at += 1) {
    const byte = line[at] as number;
    if (byte < 0x30 || byte > 0x39) break;
    seq = seq * 10 + byte - 0x30;
  }
  return at > 0 && line[at] === SPACE ? { seq, at: at + 1 } : undefined;
}

interface StreamLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

/** The output line jq is printing, as read so far; a fresh jq starts a fresh one. */
interface OutputLine {
  /** The next byte read starts a line. */
  isStart: boolean;
  /** The line is padding (it starts with a space): its bytes are skipped, not kept. */
  isPadding: boolean;
  /** The line's bytes from earlier chunks (none for padding), and how many there are. */
  parts: Buffer[];
  bytes: number;
}

function startLine(): OutputLine {
  return { isStart: true, isPadding: false, parts: [], bytes: 0 };
}

/**
 * One jq process at a time (started by the constructor) running a wrapped filter (see
 * wrapStreamFilter) over batches of inputs, as JqStream describes.
 */
class FramedJqStream implements JqStream {
  readonly #command: string;
  readonly #args: readonly string[];
  readonly #filter: string;
  readonly #limits: StreamLimits;
  readonly #pool: ChunkPool;
  readonly #nonce = randomBytes(8).toString("hex");
  /** Batches sent and not yet answered, oldest first. */
  readonly #queue: StreamBatch[] = [];
  #nextSeq = 0;
  #child: ChildProcessWithoutNullStreams | undefined;
  #exited: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #line: OutputLine = startLine();
  #lastProgress = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(command: string, filterArgs: readonly string[], filter: string, limits: StreamLimits, pool: ChunkPool) {
    this.#command = command;
    this.#args = ["--raw-output", "--arg", "__etl_pad", FLUSH_PADDING, "--arg", "__etl_nonce", this.#nonce, ...filterArgs];
    this.#filter = filter;
    this.#limits = limits;
    this.#pool = pool;
    this.#launch();
  }

  map(inputs: readonly string[]): Promise<(string | undefined)[]> {
    return new Promise((resolve, reject) => {
      if (this.#failure) {
        reject(this.#failure);
        return;
      }
      const batch: StreamBatch = {
        inputs,
        firstSeq: this.#nextSeq,
        lineCounts: new Uint8Array(inputs.length),
        results: new Array<string | undefined>(inputs.length).fill(undefined),
        resolve,
        reject,
      };
      this.#nextSeq += inputs.length;
      if (this.#queue.length === 0) this.#lastProgress = performance.now();
      this.#queue.push(batch);
      writeBatch((this.#child ?? this.#launch()).stdin, batch, this.#nonce, this.#pool);
      if (this.#timer === undefined) this.#watch();
    });
  }

  close(): Promise<void> {
    this.#fail(new Error("the jq stream was closed"));
    return this.#exited;
  }

  #fail(error: Error): void {
    const failure = (this.#failure ??= error);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#child?.kill("SIGKILL");
    this.#child = undefined;
    for (const batch of this.#queue.splice(0)) batch.reject(failure);
  }

  #watch(): void {
    this.#timer = undefined;
    if (this.#queue.length === 0 || this.#failure) return;
    const { timeoutMs } = this.#limits;
    const waited = performance.now() - this.#lastProgress;
    if (waited >= timeoutMs) this.#fail(new JqTimeoutError(timeoutMs, this.#filter));
    else this.#timer = setTimeout(() => this.#watch(), timeoutMs - waited).unref();
  }

  #launch(): ChildProcessWithoutNullStreams {
    const spawned = spawn(this.#command, this.#args, { env: {}, stdio: ["pipe", "pipe", "pipe"] });
    this.#child = spawned;
    this.#exited = new Promise((resolve) => {
      spawned.once("close", () => resolve());
      spawned.once("error", () => resolve());
    });
    this.#line = startLine();
    this.#lastProgress = performance.now();
    let isCounted = true;
    spawned.stdout.on("data", (chunk: Buffer) => {
      if (this.#child === spawned && isCounted) isCounted = this.#receive(chunk);
    });
    // jq's messages are not needed: the caller runs an input that got no result again to learn why.
    spawned.stderr.resume();
    spawned.stdin.on("error", () => undefined);
    spawned.on("error", (error) => {
      if (this.#child === spawned) this.#fail(error);
    });
    spawned.on("close", () => {
      if (this.#child === spawned) this.#relaunch();
    });
    return spawned;
  }

  /**
   * jq stopped (it died, or printed too long a line) before the padding of the oldest batch: that
   * batch keeps what jq answered, and a fresh jq takes the batches after it.
   */
  #relaunch(): void {
    this.#child = undefined;
    const head = this.#queue.shift();
    head?.resolve(head.results);
    if (this.#queue.length === 0) return;
    const fresh = this.#launch();
    for (const batch of this.#queue) writeBatch(fresh.stdin, batch, this.#nonce, this.#pool);
  }

  /** Reads a chunk of jq's output; returns false once a line has grown past the limit (jq is then being killed). */
  #receive(chunk: Buffer): boolean {
    const line = this.#line;
    let start = 0;
    let hasProgressed = false;
    while (start < chunk.length && this.#child !== undefined) {
      if (line.isStart) {
        line.isPadding = chunk[start] === SPACE;
        line.isStart = false;
        // The padding follows the last output of its batch; the rest of it may stay in jq's buffer
        // until the next batch, so its first byte ends the batch.
        if (line.isPadding) {
          this.#endBatch();
          hasProgressed = true;
          if (this.#child === undefined) break;
        }
      }
      const end = chunk.indexOf(NEWLINE, start);
      const bytes = line.bytes + (end === -1 ? chunk.length : end) - start;
      if (!line.isPadding && bytes > this.#limits.maxOutputBytes) {
        this.#child.kill("SIGKILL");
        return false;
      }
      if (end === -1) {
        if (!line.isPadding) {
          line.parts.push(chunk.subarray(start));
          line.bytes = bytes;
        }
        break;
      }
      if (!line.isPadding) {
        this.#answer(line.bytes === 0 ? chunk.subarray(start, end) : Buffer.concat([...line.parts, chunk.subarray(start, end)]));
        line.parts = [];
        line.bytes = 0;
      }
      line.isStart = true;
      hasProgressed = true;
      start = end + 1;
    }
    if (hasProgressed) this.#lastProgress = performance.now();
    return true;
  }

  /** Resolves the oldest batch, whose padding jq has started to print. */
  #endBatch(): void {
    const batch = this.#queue.shift();
    if (batch === undefined) this.#fail(new Error(`jq printed a padding line for no batch running ${abbreviate(this.#filter)}`));
    else batch.resolve(batch.results);
  }

  /** Records an output line (`seq output`) as its input's result, or fails the stream when it answers no input. */
  #answer(line: Buffer): void {
    const sequence = readSequence(line);
    const batch = sequence && this.#queue.find((b) => sequence.seq >= b.firstSeq && sequence.seq < b.firstSeq + b.inputs.length);
    if (!sequence || !batch) {
      this.#fail(new Error(`jq printed a line that answers no input running ${abbreviate(this.#filter)}`));
      return;
    }
    const index = sequence.seq - batch.firstSeq;
    const count = Math.min(2, (batch.lineCounts[index] as number) + 1);
    batch.lineCounts[index] = count;
    batch.results[index] = count === 1 ? line.toString("utf8", sequence.at) : undefined;
  }
}

function checkFilterLength(filter: string): void {
  if (Buffer.byteLength(filter) > MAX_FILTER_BYTES) {
    throw new Error(`jq filter is ${Buffer.byteLength(filter)} bytes; the limit for one command-line argument is ${MAX_FILTER_BYTES}`);
  }
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
 * Checks that `jqPath` is an executable jq (running `--version`) and returns a runner of it whose
 * runs are bounded in time and output; runners of different binaries may coexist. Throws ConfigError
 * when the binary is missing or is not jq.
 */
export async function createJqRunner(jqPath: string, options: JqRunnerOptions = {}): Promise<JqRunner> {
  checkExecutable(jqPath);
  const version = await readVersion(jqPath);
  const buildNodeJqCommand = await importCommandFactory();
  // `output: "string"` means --compact-output and the raw stdout.
  const buildCommand = (filter: string, input: string): JqCommand => ({
    ...buildNodeJqCommand(filter, input, { input: "string", output: "string" }),
    command: jqPath,
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const pool: ChunkPool = { free: [] };

  const runText = async (filter: string, input: string): Promise<string> => {
    checkFilterLength(filter);
    // jq prints nothing for no input; node-jq would refuse the empty string.
    if (input === "") return "";
    return await execJq(buildCommand(filter, input), filter, timeoutMs, maxOutputBytes);
  };

  return {
    version,
    runText,
    runJson: async (filter, input) => parseSingleJsonValue(await runText(filter, input)),
    startStream: (filter) => {
      const wrapped = wrapStreamFilter(filter);
      checkFilterLength(wrapped);
      const built = buildCommand(wrapped, "null");
      return new FramedJqStream(built.command, built.args, filter, { timeoutMs, maxOutputBytes }, pool);
    },
  };
}
