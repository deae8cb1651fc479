// `etl serve` as the benchmark runs it: the product as shipped (`pnpm etl serve`: node with the shipped
// V8 flags, the CLI's entry, its own signal handling), on a free loopback port, with its process tree's
// memory sampled from outside.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { sampleTreeRss } from "./process-tree";
import { PRODUCT_ENV, PRODUCT_NODE_FLAGS } from "./product";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUTPUT_TAIL_CHARS = 4000;
// Node, tsx and the product's modules load in a few seconds; on a machine busy with other work, more.
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 50;
const TREE_SAMPLE_MS = 100;

/** A port nothing listens on now, on 127.0.0.1 (the OS picks it; it is free again once returned). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port was assigned"))));
    });
  });
}

/** A running `etl serve`. */
export interface ServeProcess {
  readonly url: string;
  /** Sends SIGTERM and waits for the exit: `exit 0`, `exit N` or `signal S` (SIGKILLed after `timeoutMs`). */
  stop(timeoutMs: number): Promise<string>;
  /** SIGKILLs it, as a crash would, and waits for it to be gone. */
  kill(): Promise<void>;
  /** The peak RSS of serve's process tree while it ran, MB; known once stopped. */
  peakTreeRssMb(): number;
  /** The end of what serve printed. */
  output(): string;
}

/**
 * Starts `etl serve` with `env` (which must set ETL_SERVE_HOST, ETL_SERVE_PORT and ETL_WEBHOOK_SECRET)
 * and resolves once its /readyz answers 200; rejects, killing it, when it exits first or is not ready
 * within a minute.
 */
export async function startServe(env: Readonly<Record<string, string>>): Promise<ServeProcess> {
  const url = `http://${env["ETL_SERVE_HOST"]}:${env["ETL_SERVE_PORT"]}`;
  const child = spawn(process.execPath, [...PRODUCT_NODE_FLAGS, "--import", "tsx", "src/cli/main.ts", "serve"], { cwd: ROOT, env: { ...PRODUCT_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `exit ${code}`)));
  let exit: string | undefined;
  void exited.then((how) => (exit = how));
  const tree = child.pid === undefined ? undefined : sampleTreeRss(child.pid, TREE_SAMPLE_MS);
  let peakMb = 0;

  const stop = async (timeoutMs: number): Promise<string> => {
    if (exit === undefined) child.kill(timeoutMs > 0 ? "SIGTERM" : "SIGKILL");
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const how = await exited;
    clearTimeout(killer);
    peakMb = Math.max(peakMb, tree?.stop() ?? 0);
    return how;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit !== undefined) throw new Error(`etl serve ended (${exit}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`etl serve was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  return {
    url,
    stop,
    kill: async () => {
      await stop(0);
    },
    peakTreeRssMb: () => peakMb,
    output: () => output,
  };
}
