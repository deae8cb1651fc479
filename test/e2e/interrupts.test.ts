import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startDemoSandboxes, type DemoSandboxes } from "../../src/pipeline/demo";
import { startCli } from "../helpers/cli-process";
import { queryStagingFile } from "../helpers/sync-world";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = "/usr/bin/script";

let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await sandboxes?.close();
  sandboxes = undefined;
});

/** Both sandboxes, Incident.io answering every request after `latencyMs`, and a fresh staging file. */
async function setUp(latencyMs: number): Promise<{ env: Record<string, string>; db: string }> {
  sandboxes = await startDemoSandboxes();
  sandboxes.incidentIo.latencyMs = latencyMs;
  const db = join(mkdtempSync(join(tmpdir(), "etl-interrupts-")), "etl.sqlite");
  return { env: { ...sandboxes.env, ETL_DB: db }, db };
}

/** What a stopped run left in its staging file: run statuses, and the lock rows still held. */
function leftBehind(db: string): { runs: string[]; locks: number } {
  return {
    runs: queryStagingFile<{ status: string }>(db, "select status from runs order by id").map((row) => row.status),
    locks: queryStagingFile<{ n: number }>(db, "select count(*) as n from locks")[0]?.n ?? -1,
  };
}

interface Watched {
  readonly pid: number;
  output(): string;
  write(text: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Runs `command` with stdin, stdout and stderr on pipes, output merged; SIGKILLed after `timeoutMs` so no test hangs. */
function watch(command: string, args: readonly string[], env: Record<string, string>, timeoutMs = 90_000): Watched {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, output });
    });
  });
  return {
    pid: child.pid as number,
    output: () => output,
    write: (text) => child.stdin.write(text),
    done,
    waitFor(pattern, waitMs = 60_000) {
      const started = Date.now();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) return resolve();
          if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`ended before ${pattern}:\n${output}`));
          if (Date.now() - started > waitMs) return reject(new Error(`timed out waiting for ${pattern}:\n${output}`));
          setTimeout(check, 50);
        };
        check();
      });
    },
  };
}

/** The text a terminal would show, without colours and cursor movements. */
function withoutEscapes(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

describe("a signal during a run, with output on pipes", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("a %s during extract finishes the batch in hand, records the run interrupted, releases the lock and exits 0", async (signal) => {
    const { env, db } = await setUp(300);
    const cli = startCli(["run"], { ...env, CI: "true" });
    await cli.waitForStdout(/ extract \S+: done/);
    cli.child.kill(signal);
    const result = await cli.done;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${signal}: finishing the current batch, then stopping`);
    expect(result.stdout).toMatch(/^Run 1 interrupted in /m);
    expect(result.stdout).toMatch(/^kind +extracted +entities/m);
    expect(leftBehind(db)).toEqual({ runs: ["interrupted"], locks: 0 });
  });

  it("a second signal stops at once, and the lock is released and the run recorded interrupted all the same", async () => {
    // Pages take 4 s: after the first signal the run would wait for the pages in flight.
    const { env, db } = await setUp(4_000);
    const cli = startCli(["run"], { ...env, CI: "true" });
    await cli.waitForStdout(/ extract: started/);
    cli.child.kill("SIGTERM");
    for (let waited = 0; !cli.stderr().includes("SIGTERM: finishing the current batch") && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Past the window in which a signal counts as the first one delivered twice.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const secondAt = Date.now();
    cli.child.kill("SIGINT");
    const result = await cli.done;

    expect(result.code, result.stderr).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(2_000);
    expect(result.stderr).toContain("SIGINT again: stopped at once");
    expect(leftBehind(db)).toEqual({ runs: ["interrupted"], locks: 0 });
  });
});

describe("Ctrl-C on a terminal (listr2's live renderer)", () => {
  it.skipIf(!existsSync(SCRIPT))("stops after the batch in hand, prints the summary, releases the lock and exits 0", async () => {
    const { env, db } = await setUp(300);
    // A pseudo-terminal of 120 columns, so that listr2 renders its tree; CI is unset.
    const terminal = watch(SCRIPT, ["-qefc", "stty cols 120 rows 40; exec node --import tsx src/cli/main.ts run", "/dev/null"], { ...env, TERM: "xterm" });
    await terminal.waitFor(/\d+ records?/);
    // What the terminal sends for Ctrl-C: the pty turns it into SIGINT for the foreground process.
    terminal.write("\u0003");
    const result = await terminal.done;
    const shown = withoutEscapes(result.output);

    expect(result.code, shown).toBe(0);
    expect(shown).toContain("SIGINT: finishing the current batch, then stopping");
    expect(shown).toMatch(/Run 1 interrupted in /);
    expect(shown).not.toMatch(/Interrupted\./);
    expect(leftBehind(db)).toEqual({ runs: ["interrupted"], locks: 0 });
  });
});

describe("POLLING while a host cannot be reached", () => {
  it("keeps running at every interval instead of stopping as for bad configuration, and a SIGTERM ends it with 0", async () => {
    const { env, db } = await setUp(0);
    const cli = startCli(["run"], { ...env, CI: "true", OCEAN__EVENT_LISTENER: '{"type":"POLLING"}', OCEAN__SCHEDULED_RESYNC_INTERVAL: "0.01", OCEAN__INTEGRATION__CONFIG__BASE_URL: "http://127.0.0.1:9" });
    for (let waited = 0; (cli.stderr().match(/GET \/v1\/identity: no response: ECONNREFUSED/g) ?? []).length < 2 && waited < 45_000; waited += 100) {
      if (cli.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(cli.child.exitCode, cli.stderr()).toBeNull();
    expect(cli.stderr()).not.toContain("stopping: the configuration is invalid");
    cli.child.kill("SIGTERM");
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    expect(leftBehind(db).locks).toBe(0);
  });
});

describe("pnpm etl run", () => {
  it("passes a SIGTERM sent to pnpm on to the CLI, which ends the run as interrupted, prints the summary and exits 0", async () => {
    const { env, db } = await setUp(300);
    const pnpm = watch("pnpm", ["etl", "run"], { ...env, CI: "true" });
    await pnpm.waitFor(/ extract \S+: done/);
    process.kill(pnpm.pid, "SIGTERM");
    const result = await pnpm.done;

    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/^Run 1 interrupted in /m);
    expect(leftBehind(db)).toEqual({ runs: ["interrupted"], locks: 0 });
  });
});
