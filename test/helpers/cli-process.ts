import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern` `times` times; rejects after `timeoutMs`. */
  waitForStdout(pattern: RegExp, times?: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the process exits (killed with SIGKILL after `timeoutMs` so a test never hangs). */
  readonly done: Promise<CliResult>;
}

/**
 * Runs the real CLI (`node --import tsx src/cli/main.ts ...args`) as a child process, configured only by
 * `env` (plus PATH), the way a scheduler or CI job would run it.
 */
export function startCli(args: readonly string[], env: Readonly<Record<string, string | undefined>>, timeoutMs = 90_000): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"], ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitForStdout(pattern, times = 1, waitMs = 60_000) {
      const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if ((stdout.match(global)?.length ?? 0) >= times) return resolve();
          if (child.exitCode !== null || child.signalCode !== null) {
            return reject(new Error(`process ended before stdout matched ${pattern} ×${times}:\n${stdout}\n${stderr}`));
          }
          if (Date.now() - started > waitMs) return reject(new Error(`timed out waiting for ${pattern} ×${times}:\n${stdout}\n${stderr}`));
          setTimeout(check, 50);
        };
        check();
      });
    },
  };
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string | undefined>>, timeoutMs?: number): Promise<CliResult> {
  return startCli(args, env, timeoutMs).done;
}
