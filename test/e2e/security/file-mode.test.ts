import { spawn } from "node:child_process";
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startSyncWorld } from "../../helpers/sync-world";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SUFFIXES = ["", "-wal", "-shm"] as const;

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}

/**
 * Runs `etl <args>` in a child process under umask 000, so any file it creates without an explicit
 * mode would be world-readable, and records the modes of the staging file and its -wal and -shm
 * every 5 ms while it runs (SQLite removes the -wal and -shm when the last connection closes).
 */
async function runWatchingModes(args: readonly string[], env: Readonly<Record<string, string>>, dbPath: string): Promise<{ code: number | null; modes: Map<string, Set<number>> }> {
  const child = spawn("/bin/sh", ["-c", 'umask 000 && exec "$0" "$@"', process.execPath, "--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { ...env, CI: "true" },
    stdio: "ignore",
  });
  const modes = new Map<string, Set<number>>(SUFFIXES.map((suffix) => [suffix, new Set<number>()]));
  const watcher = setInterval(() => {
    for (const suffix of SUFFIXES) {
      const mode = modeOf(`${dbPath}${suffix}`);
      if (mode !== undefined) modes.get(suffix)?.add(mode);
    }
  }, 5);
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(watcher);
  clearTimeout(killer);
  return { code, modes };
}

describe("the staging file's mode", () => {
  it("is 0600 from the start, and its -wal and -shm are never more open, even under umask 000", async () => {
    // Latency keeps the run, and with it the -wal and -shm, around long enough to be watched.
    const world = await startSyncWorld({ incidentIo: { latencyMs: 40 } });
    const { code, modes } = await runWatchingModes(["extract", "--only", "users,alerts,incidents,teams"], world.env, world.dbPath);
    expect(code).toBe(0);
    expect([...(modes.get("") ?? [])]).toEqual([0o600]);
    for (const suffix of ["-wal", "-shm"]) {
      const seen = [...(modes.get(suffix) ?? [])];
      expect(seen.length, `${suffix} was never seen`).toBeGreaterThan(0);
      for (const mode of seen) expect(mode & 0o077, `${suffix} had mode ${mode.toString(8)}`).toBe(0);
    }
    expect(modeOf(world.dbPath)).toBe(0o600);
  });

  it("tightens a staging file that someone left readable to 0600 when the product opens it", async () => {
    const world = await startSyncWorld();
    // An empty file is a valid, empty SQLite database.
    writeFileSync(world.dbPath, "");
    chmodSync(world.dbPath, 0o644);
    const outcome = await world.cli(["extract", "--only", "users"]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(modeOf(world.dbPath)).toBe(0o600);
  });
});
