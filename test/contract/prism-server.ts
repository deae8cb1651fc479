import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Prism loads Incident.io's 4 MB spec in some 2.5 s of CPU; on cores shared with other suites, many times that.
const START_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 5_000;

/** A request as Prism's log names it: the method and the path (Prism does not log the query). */
interface PrismRequest {
  readonly method: string;
  readonly path: string;
}

/** Prism (`prism mock`) serving one spec on 127.0.0.1, with what its log has said so far. */
export interface PrismServer {
  readonly baseUrl: string;
  /** Every request Prism received, in arrival order. */
  requests(): PrismRequest[];
  /**
   * Prism's complaints about requests: the lines its validator logs when a request breaks the spec
   * (query, path, headers, body or security), both the errors (answered 422 or 401) and the warnings.
   * Its complaints about its own answers (`Violation: response…`) are not the product's and are left out.
   */
  requestViolations(): string[];
  /** Requests whose route (path, or method on a path) the spec does not have, as `GET /path`: answered 404 or 405. */
  unmatchedRoutes(): string[];
  /** Everything Prism printed, without colours. */
  log(): string;
  /** Stops Prism (SIGTERM, then SIGKILL), once. */
  close(): Promise<void>;
}

export type PrismStart = { readonly ok: true; readonly prism: PrismServer } | { readonly ok: false; readonly reason: string };

interface PrismOptions {
  /** Path of the OpenAPI document. */
  readonly spec: string;
  /** `--dynamic`: bodies generated from the schemas instead of the spec's examples. */
  readonly dynamic?: boolean;
  /** `--seed`: with `dynamic`, the same body for the same operation every time. */
  readonly seed?: string;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const LISTENING = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/;
// "[HTTP SERVER] get /v2/incidents ℹ  info      Request received"
const RECEIVED = /\[HTTP SERVER\] (\w+) (\S+) .*\bRequest received$/;
const UNMATCHED = /\[HTTP SERVER\] (\w+) (\S+) .*Request terminated with error: \S+#(NO_PATH_MATCHED_ERROR|NO_METHOD_MATCHED_ERROR)\b/;
// "[VALIDATOR] ✖  error     Request query must have required property 'page_size'"
const VALIDATOR_COMPLAINT = /\[VALIDATOR\] \S+\s+(error|warning)\s+(.*)$/;

/** The path of Prism's CLI entry point in node_modules, or undefined when it is not installed. */
function prismEntryPoint(): string | undefined {
  try {
    // Named `require` so that knip counts the call as a use of the dependency.
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve("@stoplight/prism-cli/package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.["prism"];
    const entry = bin === undefined ? undefined : join(dirname(manifestPath), bin);
    return entry !== undefined && existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("close", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts `prism mock` on 127.0.0.1 (a port the system picks) over `options.spec`, without `--errors`,
 * so that the product gets Prism's answers and the violations are read from its log. Resolves once
 * Prism listens, or with the reason it could not start (not installed, exited, or silent for two
 * and a half minutes); Prism is then already stopped.
 */
async function startPrism(options: PrismOptions): Promise<PrismStart> {
  const entry = prismEntryPoint();
  if (entry === undefined) return { ok: false, reason: "@stoplight/prism-cli is not installed (pnpm install)" };
  const args = [entry, "mock", "--host", "127.0.0.1", "--port", "0", options.spec];
  if (options.dynamic) args.push("--dynamic", ...(options.seed === undefined ? [] : ["--seed", options.seed]));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // No colours, so the log reads the same on a terminal and in CI.
    env: { PATH: process.env["PATH"], NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Should the test process end without afterAll (a crash, a kill), Prism goes with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("close", () => process.off("exit", killOnExit));
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk.replace(ANSI, "")));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk.replace(ANSI, "")));
  const lines = () => output.split("\n");

  const baseUrl = await new Promise<string | undefined>((resolve) => {
    const started = Date.now();
    const check = () => {
      const listening = LISTENING.exec(output);
      if (listening?.[1]) return resolve(listening[1]);
      if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > START_TIMEOUT_MS) return resolve(undefined);
      setTimeout(check, 100);
    };
    child.once("error", () => resolve(undefined));
    check();
  });
  if (baseUrl === undefined) {
    await stop(child);
    const tail = lines().filter(Boolean).slice(-8).join("\n");
    return { ok: false, reason: `prism mock ${options.spec} did not start listening:\n${tail}` };
  }

  let closing: Promise<void> | undefined;
  return {
    ok: true,
    prism: {
      baseUrl,
      log: () => output,
      requests: () =>
        lines().flatMap((line) => {
          const match = RECEIVED.exec(line);
          return match?.[1] && match[2] ? [{ method: match[1].toUpperCase(), path: match[2] }] : [];
        }),
      requestViolations: () =>
        lines().flatMap((line) => {
          const match = VALIDATOR_COMPLAINT.exec(line);
          const message = match?.[2]?.trim();
          return message && !message.startsWith("Violation: response") ? [message] : [];
        }),
      unmatchedRoutes: () =>
        lines().flatMap((line) => {
          const match = UNMATCHED.exec(line);
          return match?.[1] && match[2] ? [`${match[1].toUpperCase()} ${match[2]}`] : [];
        }),
      close: () => (closing ??= stop(child)),
    },
  };
}

/**
 * Starts Prism for a suite. When it cannot start, says why and lets the suite's tests skip (see
 * prismOrSkip); under `CI`, where Prism is installed and must run, throws instead.
 */
export async function startPrismForSuite(options: PrismOptions): Promise<PrismStart> {
  const started = await startPrism(options);
  if (!started.ok) {
    if (process.env["CI"]) throw new Error(`Prism did not start, and CI must run the contract suite: ${started.reason}`);
    console.warn(`contract suite skipped: ${started.reason}`);
  }
  return started;
}

/** The running Prism, or the current test skipped with the reason there is none. */
export function prismOrSkip(started: PrismStart | undefined, ctx: TestContext): PrismServer {
  if (!started?.ok) ctx.skip(started ? started.reason : "Prism was not started");
  return started.prism;
}
