import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { ConfigError, EtlError, StageFailedError, StagingFileError } from "../errors";
import type { Config } from "../model/config";
import type { Progress } from "../model/progress";
import type { RunSummary } from "../model/summary";
import { packageVersion } from "../package-files";
import { COMMANDS, isPipelineCommand, type PipelineCommand } from "../pipeline/commands";
import { programName } from "../program-name";
import { parseCommandLine, planLimit, type CommandLine } from "./args";
import { commandHelp, usage } from "./help";
import { printable } from "./printable";
import { createInterruptHandler } from "./interrupts";
import { keepOldGenerationLow } from "./memory-ceiling";

// The pipeline, its database driver and the views are imported inside the command that needs them, so
// `--help` (and a mistyped flag) load only the command line's modules and answer in well under a second.

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
}

/** How the process stops: the first SIGINT/SIGTERM aborts `signal`; a second runs the cleanups registered here, then exits. */
export interface CliInterrupts {
  readonly signal: AbortSignal;
  readonly atForcedExit?: ((cleanup: () => void) => () => void) | undefined;
}

/**
 * Exit codes of DESIGN.md: 2 for configuration, a staging file (--db) that cannot be used included
 * (the user must act before a rerun can pass); 1 for a failed stage (or anything unexpected).
 */
export function exitCodeFor(error: unknown): number {
  return error instanceof ConfigError || error instanceof StagingFileError ? 2 : 1;
}

function describeError(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  // A configuration error lists its issues on lines of its own; any other message may quote an API, so it is made printable.
  const lines = [error instanceof ConfigError ? error.message : printable(error instanceof EtlError ? error.message : `unexpected error: ${error.message}`)];
  if (verbose) {
    for (let cause = error.cause, depth = 0; cause !== undefined && depth < 10; cause = (cause as Error).cause, depth++) {
      lines.push(`  caused by: ${printable(cause instanceof Error ? `${cause.name}: ${cause.message}` : inspect(cause))}`);
    }
    if (!(error instanceof EtlError) && error.stack) lines.push(error.stack);
  }
  return lines.join("\n");
}

/** Runs one pipeline command with progress on the terminal (or plain lines) and prints its summary. */
async function runOnce(
  command: PipelineCommand,
  cli: CommandLine,
  config: Config,
  io: CliIo,
  interrupts: CliInterrupts,
  plain = false,
): Promise<{ code: number; summary: RunSummary | undefined; failure: unknown }> {
  const { signal, atForcedExit } = interrupts;
  const [{ runPipeline }, { createListrProgress }, { createPlainProgress }, { renderRunSummary }] = await Promise.all([
    import("../pipeline/run"),
    import("./tasks"),
    import("./plain-progress"),
    import("./summary-table"),
  ]);
  // A pseudo-terminal that reports no width (`script` writing to /dev/null) has nowhere to draw the tree: it gets plain lines.
  const interactive = !plain && Boolean(io.stdout.isTTY) && (io.stdout.columns ?? 0) > 0 && !io.env["CI"] && !cli.json;
  const listr = interactive ? createListrProgress(COMMANDS[command].stages) : undefined;
  const progress: Progress = listr?.progress ?? createPlainProgress((line) => (cli.json ? io.stderr : io.stdout).write(line));
  let summary: RunSummary | undefined;
  let failure: unknown;
  try {
    // The command line carries the pipeline's options under the same names.
    summary = await runPipeline({ config, progress, signal, atForcedExit }, { ...cli, command, planLimit: planLimit(cli, Boolean(io.stdout.isTTY)) });
  } catch (error) {
    failure = error;
    if (error instanceof StageFailedError) summary = error.summary as RunSummary;
  } finally {
    await listr?.finish();
  }
  if (summary) {
    io.stdout.write(cli.json ? `${JSON.stringify(summary, null, 2)}\n` : renderRunSummary(summary, config.mapping.resources));
  }
  if (failure !== undefined && !(failure instanceof StageFailedError)) io.stderr.write(`error: ${describeError(failure, cli.verbose)}\n`);
  else if (failure !== undefined && cli.verbose) io.stderr.write(`${describeError(failure, true)}\n`);
  return { code: failure === undefined ? 0 : exitCodeFor(failure), summary, failure };
}

async function runPipelineCommand(command: PipelineCommand, cli: CommandLine, config: Config, io: CliIo, interrupts: CliInterrupts): Promise<number> {
  const { signal } = interrupts;
  if (config.eventListener === "POLLING" && command === "run") {
    const { runOnSchedule } = await import("../pipeline/schedule");
    const intervalMs = config.scheduledResyncIntervalMinutes * 60_000;
    io.stderr.write(`POLLING: running now and then every ${config.scheduledResyncIntervalMinutes} minutes; SIGTERM stops after the current batch\n`);
    let last = 0;
    await runOnSchedule(intervalMs, signal, async () => {
      const outcome = await runOnce(command, cli, config, io, interrupts);
      last = outcome.code;
      // Bad configuration will not fix itself between runs; an unreachable host may.
      const mayPass = outcome.failure instanceof EtlError && outcome.failure.retryable;
      if (last === 2 && !mayPass) throw new ConfigError(["stopping: the configuration is invalid"]);
    }).catch((error: unknown) => {
      if (!(error instanceof ConfigError)) throw error;
    });
    return signal.aborted ? 0 : last;
  }
  return (await runOnce(command, cli, config, io, interrupts)).code;
}

/**
 * `etl serve`: webhooks applied as they come, and with POLLING the scheduled syncs in the same process,
 * as plain timestamped lines (a terminal's progress tree would be torn by the webhook lines).
 */
async function runServe(cli: CommandLine, config: Config, io: CliIo, interrupts: CliInterrupts): Promise<number> {
  const [{ serveWebhooks }, { createPlainProgress }] = await Promise.all([import("../serve/serve"), import("./plain-progress")]);
  const runScheduledSync =
    config.eventListener === "POLLING"
      ? async () => {
          await runOnce("run", cli, config, io, interrupts, true);
        }
      : undefined;
  await serveWebhooks({
    config,
    signal: interrupts.signal,
    log: (line) => io.stdout.write(`${new Date().toISOString()} ${printable(line)}\n`),
    progress: createPlainProgress((line) => io.stderr.write(line)),
    runScheduledSync,
    atForcedExit: interrupts.atForcedExit,
  });
  return 0;
}

const DEMO_DB = "etl-demo.sqlite";

/**
 * `etl demo`: the whole pipeline twice against in-process sandboxes, showing that the second run pushes
 * only the changes, then one incident's status reaching Port through serve's webhook, with no run.
 */
async function runDemo(cli: CommandLine, io: CliIo, interrupts: CliInterrupts): Promise<number> {
  const { signal } = interrupts;
  const dbPath = resolve(io.cwd, cli.configFlags.db ?? DEMO_DB);
  if (existsSync(dbPath)) {
    // Only the demo's own default file is recycled: a path the user named may be a real staging file.
    if (cli.configFlags.db) throw new ConfigError([`--db: ${dbPath} exists; the demo starts from an empty staging file, name a new one`]);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbPath}${suffix}`, { force: true });
  }
  const [{ startDemoSandboxes }, { readConfig }] = await Promise.all([import("../pipeline/demo"), import("../config/read-config")]);
  const sandboxes = await startDemoSandboxes();
  try {
    const env = { ...sandboxes.env, PATH: io.env["PATH"], JQ_PATH: io.env["JQ_PATH"], CI: io.env["CI"] };
    const flags = { ...cli.configFlags, db: dbPath };
    const config = readConfig({ env, flags, cwd: io.cwd }, COMMANDS.demo.needs);
    const out = (text: string) => io.stdout.write(text);
    out(
      `Demo: an Incident.io sandbox (${sandboxes.incidentIo.baseUrl}) with a small organization, and an empty Port sandbox (${sandboxes.port.baseUrl}).\n` +
        "Settings are Port's Docker example for this integration, pointed at the sandboxes. No credentials are needed.\n\n" +
        "1. First run: create the blueprints, then extract, map and push everything.\n",
    );
    const first = await runOnce("run", cli, config, io, interrupts);
    if (first.code !== 0 || signal.aborted) return first.code;
    const writesBefore = sandboxes.port.writes.length;
    const changes = sandboxes.mutate();
    out(`\n2. Meanwhile in Incident.io: ${changes.join("; ")}.\n   Second run: only these changes go to Port.\n`);
    const second = await runOnce("run", cli, config, io, interrupts);
    const pushed = sandboxes.port.writes.slice(writesBefore);
    out(
      `\nThe second run wrote ${pushed.length} entities to Port: ` +
        `${pushed.map((w) => `${w.op} ${w.blueprint}/${w.identifier}`).join(", ") || "none"}.\n`,
    );
    if (second.code === 0 && !signal.aborted) out(`\n${(await sandboxes.showLiveUpdate(config, signal)).join("\n")}\n\n`);
    out(
      `The staging file is ${dbPath}. Look inside with:\n` +
        `  ${programName()} status --db ${cli.configFlags.db ?? DEMO_DB}\n` +
        `  sqlite3 ${cli.configFlags.db ?? DEMO_DB} "select kind, count(*) from raw_records group by kind"\n`,
    );
    if (cli.keep && second.code === 0 && !signal.aborted) await keepSandboxes({ ...sandboxes.env, ETL_DB: dbPath }, io, signal);
    return second.code;
  } finally {
    await sandboxes.close();
  }
}

/** `demo --keep`: prints the lines that point a shell at the sandboxes, which stay up until SIGINT or SIGTERM. */
async function keepSandboxes(env: Readonly<Record<string, string>>, io: CliIo, signal: AbortSignal): Promise<void> {
  const { renderExports } = await import("./shell-exports");
  io.stdout.write(
    "\nThe sandboxes keep running until Ctrl-C (or SIGTERM). To run each stage by hand, paste into another shell:\n\n" +
      `${renderExports(env)}\n\n` +
      `then: ${["extract", "transform", "plan", "load"].map((command) => `${programName()} ${command}`).join(", ")} (and ${programName()} status). ` +
      "Set ETL_DB to a new file to start from an empty one.\n",
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** The CLI: argv → config → command → exit code. The only code that prints. */
export async function main(argv: readonly string[], io: CliIo, signalOrInterrupts: AbortSignal | CliInterrupts): Promise<number> {
  const interrupts: CliInterrupts = signalOrInterrupts instanceof AbortSignal ? { signal: signalOrInterrupts } : signalOrInterrupts;
  let cli: CommandLine | undefined;
  try {
    // Asked before parsing: --version is no command's option, and it reads nothing but package.json.
    if (argv.length === 1 && argv[0] === "--version") {
      io.stdout.write(`incidentio-port-etl ${packageVersion()}\n`);
      return 0;
    }
    cli = parseCommandLine(argv);
    if (cli.command === "help") {
      io.stdout.write(`${cli.helpTopic ? commandHelp(cli.helpTopic) : usage()}\n`);
      return 0;
    }
    const command = cli.command;
    const { configFlags, json } = cli;
    const { readConfig } = await import("../config/read-config");
    // Every command but the demo (which sets its own) reads the configuration its table entry needs.
    const readCommandConfig = (): Config => {
      const config = readConfig({ env: io.env, flags: configFlags, cwd: io.cwd }, COMMANDS[command].needs);
      for (const warning of config.warnings) io.stderr.write(`warning: ${warning}\n`);
      return config;
    };
    const print = <T>(report: T, render: (report: T) => string) => io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    if (isPipelineCommand(command)) return await runPipelineCommand(command, cli, readCommandConfig(), io, interrupts);
    if (command === "demo") return await runDemo(cli, io, interrupts);
    if (command === "serve") return await runServe(cli, readCommandConfig(), io, interrupts);
    if (command === "status") {
      const config = readCommandConfig();
      const [{ readStatus }, { renderStatus }] = await Promise.all([import("../pipeline/status"), import("./status-view")]);
      print(await readStatus(config, cli.runs), renderStatus);
      return 0;
    }
    if (command === "discover") {
      const config = readCommandConfig();
      const [{ runDiscover }, { renderDiscoverReport }] = await Promise.all([import("../pipeline/discover"), import("./discover-view")]);
      const outputPath = (path: string | undefined) => (path === undefined ? undefined : resolve(io.cwd, path));
      print(await runDiscover(config, { only: cli.only, blueprintsOut: outputPath(cli.blueprintsOut), mappingOut: outputPath(cli.mappingOut) }), renderDiscoverReport);
      return 0;
    }
    if (command === "config") {
      const [{ listEffectiveSettings }, { renderSettings }] = await Promise.all([import("../config/effective-settings"), import("./config-view")]);
      print(listEffectiveSettings({ env: io.env, flags: configFlags, cwd: io.cwd }), renderSettings);
      // The check every command makes: the settings shown must load, with the mapping and blueprints they name.
      readCommandConfig();
      return 0;
    }
    if (command === "check") {
      const config = readCommandConfig();
      const [{ runCheck }, { hasProblem, renderCheckReport }] = await Promise.all([import("../pipeline/check"), import("./check-view")]);
      const report = await runCheck(config, interrupts.signal);
      print(report, (checked) => renderCheckReport(checked, config.incidentIo.requestsPerMinute));
      return hasProblem(report) ? 1 : 0;
    }
    // Every command of the table is handled above: a new one fails to compile here until it is.
    const unhandled: never = command;
    throw new ConfigError([`command "${String(unhandled)}" is not available yet`]);
  } catch (error) {
    io.stderr.write(`error: ${describeError(error, cli?.verbose ?? false)}\n`);
    return exitCodeFor(error);
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(entry).href;
}

if (isEntryPoint()) {
  keepOldGenerationLow();
  const controller = new AbortController();
  const interrupts = createInterruptHandler({
    abort: () => controller.abort(),
    write: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
    now: () => Date.now(),
  });
  // One handler for both, whether a terminal, pnpm, a scheduler or `timeout` sent it (listr2's own is off: see tasks.ts).
  process.on("SIGTERM", interrupts.onSignal);
  process.on("SIGINT", interrupts.onSignal);
  // `pnpm etl` runs scripts from the package root; relative paths the user typed are relative to where they typed them.
  const cwd = process.env["INIT_CWD"] ?? process.cwd();
  const io: CliIo = { env: process.env, cwd, stdout: process.stdout, stderr: process.stderr };
  main(process.argv.slice(2), io, { signal: controller.signal, atForcedExit: interrupts.atForcedExit }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${describeError(error, true)}\n`);
      process.exitCode = 1;
    },
  );
}
