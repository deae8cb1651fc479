import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { afterEach } from "vitest";
import { main } from "../../src/cli/main";
import { startIncidentIoSandbox, type IncidentIoSandbox, type IncidentIoSandboxOptions } from "../../src/sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox, type PortSandboxOptions } from "../../src/sandbox/port/server";
import { buildSandboxEnv } from "../../src/sandbox/product-env";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What one in-process CLI invocation returned and printed. */
export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Both sandboxes, a staging file in a fresh directory, and the environment that points the product at them. */
export interface SyncWorld {
  readonly incidentIo: IncidentIoSandbox;
  readonly port: PortSandbox;
  readonly dir: string;
  readonly dbPath: string;
  /** Ocean's variables as in Port's Docker example, pointed at the sandboxes, plus ETL_DB, PATH and JQ_PATH. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs `etl <args>` in this process (the CLI's `main`), with `env` on top of the world's environment. */
  cli(args: readonly string[], env?: Readonly<Record<string, string | undefined>>): Promise<CliOutcome>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

/** Starts the world; everything it started or wrote is closed and removed after the current test. */
export async function startSyncWorld(
  options: { incidentIo?: IncidentIoSandboxOptions; port?: PortSandboxOptions } = {},
): Promise<SyncWorld> {
  const dir = mkdtempSync(join(tmpdir(), "etl-world-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const incidentIo = await startIncidentIoSandbox({ scale: "tiny", ...options.incidentIo });
  cleanups.push(() => incidentIo.close());
  const port = await startPortSandbox({ clientId: "world-client-id", clientSecret: "world-client-secret", ...options.port });
  cleanups.push(() => port.close());
  const dbPath = join(dir, "etl.sqlite");
  const env: Record<string, string> = {
    ...buildSandboxEnv({ incidentIo, port }, "sync-world"),
    ETL_DB: dbPath,
    PATH: process.env["PATH"] ?? "",
    ...(process.env["JQ_PATH"] ? { JQ_PATH: process.env["JQ_PATH"] } : {}),
  };
  return {
    incidentIo,
    port,
    dir,
    dbPath,
    env,
    async cli(args, extraEnv = {}) {
      const stdout = collect();
      const stderr = collect();
      const code = await main(args, { env: { ...env, ...extraEnv }, cwd: ROOT, stdout: stdout.stream, stderr: stderr.stream }, new AbortController().signal);
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    },
  };
}

/** `PRAGMA integrity_check` of a closed staging file: "ok" when SQLite finds nothing wrong. */
export function checkIntegrity(path: string): string {
  const sqlite = new BetterSqlite3(path, { readonly: true });
  try {
    return (sqlite.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check).join("\n");
  } finally {
    sqlite.close();
  }
}

/** Runs a read-only query against a closed staging file. */
export function queryStagingFile<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const sqlite = new BetterSqlite3(path, { readonly: true });
  try {
    return sqlite.prepare(sql).all(...params) as T[];
  } finally {
    sqlite.close();
  }
}
