#!/usr/bin/env node
// The installed command: it runs the built CLI, dist/main.js (`pnpm build`).
//
// Commands that move data need the V8 flags that `pnpm etl` and the Docker image pass (docs/guarantees.md, "Memory
// stays flat"). The flags must be there when V8 starts: v8.setFlagsFromString afterwards leaves the young
// generation at its default size (measured), and a shebang cannot pass it portably (busybox's env has no
// -S). So those commands run in a child node started with it, which costs one more node start (some
// 40 ms) on a command that takes seconds. Help and --version, which must answer at once, run here.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN_URL = new URL("../dist/main.js", import.meta.url);
const MAIN = fileURLToPath(MAIN_URL);
const NODE_FLAGS = ["--max-semi-space-size=64", "--expose-gc"];
// glibc gives each thread that allocates (SQLite's checkpoint worker, libuv's pool) an arena of its own, whose freed
// memory stays in the process: two arenas keep some 20 MB less at 10^6 alerts. A value the user set wins.
const MALLOC_DEFAULTS = { MALLOC_ARENA_MAX: "2" };

// Help and hints name the command as the user typed it (src/program-name.ts); the child inherits it.
process.env["INCIDENTIO_PORT_ETL_PROGRAM"] = "incidentio-port-etl";

const args = process.argv.slice(2);
const onlyPrints = args.length === 0 || args[0] === "help" || args[0] === "--version" || args.includes("--help") || args.includes("-h");

if (onlyPrints) {
  // The CLI runs its entry when it is the script node started; here it is, through this file.
  process.argv[1] = MAIN;
  await import(MAIN_URL.href);
} else {
  const child = spawn(process.execPath, [...NODE_FLAGS, MAIN, ...args], { stdio: "inherit", env: { ...MALLOC_DEFAULTS, ...process.env } });

  // Ctrl-C in a terminal reaches the child too (one process group), and the CLI counts presses (the
  // second one forces the exit), so passing SIGINT on would count it twice: this process only waits.
  // SIGTERM and SIGHUP, which `kill`, `timeout` or a scheduler send to this process alone, are passed on.
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));

  child.on("error", (error) => {
    process.stderr.write(`error: cannot start ${process.execPath}: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.on("exit", (code, signal) => {
    if (signal === null) {
      process.exitCode = code ?? 1;
      return;
    }
    // Ended by a signal: end the same way, so a shell or scheduler sees what the child saw.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
