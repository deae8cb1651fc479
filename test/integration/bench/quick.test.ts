import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { BenchResult } from "../../../bench/result";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// A dozen product processes start one after another; on a busy 2-core machine each takes seconds.
const BENCH_TIMEOUT_MS = 540_000;

let outDir: string | undefined;
afterEach(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  outDir = undefined;
});

function runQuickBench(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/main.ts", "--quick", "--out", out], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), BENCH_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("pnpm bench --quick", () => {
  it(
    "runs every phase and baseline against the sandbox process, prints the table and writes the JSON result",
    async () => {
      outDir = mkdtempSync(join(tmpdir(), "bench-quick-"));
      const { code, stdout, stderr } = await runQuickBench(outDir);
      expect(code, stderr).toBe(0);

      const files = readdirSync(outDir);
      expect(files).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d-]+Z-small\.json$/)]);
      const result = JSON.parse(readFileSync(join(outDir, files[0] as string), "utf8")) as BenchResult;
      expect(result.error).toBeUndefined();
      const [fraction] = result.fractions;
      expect(fraction?.phases.map((phase) => [phase.phase, phase.stages.map((stage) => stage.stage)])).toEqual(
        ["cold", "no-change", "one-percent", "incremental"].map((phase) => [phase, ["extract", "transform", "load"]]),
      );
      // The product's figures are its own: the sandboxes served it from another process.
      const coldExtract = fraction?.phases[0]?.stages[0];
      expect(coldExtract?.incidentIoRequests).toBeGreaterThan(0);
      expect(coldExtract?.peakRssMb).toBeGreaterThan(coldExtract?.startRssMb ?? Infinity);

      const { perRecordJq, latency, rateLimit } = result.baselines;
      expect(perRecordJq).toMatchObject({ errors: 0 });
      expect(perRecordJq?.records).toBeGreaterThan(0);
      expect(latency?.sequentialRequests).toBe(latency?.requests);
      expect(rateLimit?.requests).toBeGreaterThan(0);

      // Correctness, not speed: these hold on any machine.
      const verdicts = Object.fromEntries(result.targets.map((target) => [target.name, target.pass]));
      expect(verdicts).toMatchObject({ "no-change run": true, "1%-change run": true, "incremental run (1% of incidents changed)": true });
      expect(rateLimit?.rateLimited).toBe(0);

      expect(stdout).toMatch(/^100% of small: users 100, /m);
      expect(stdout).toMatch(/^Targets \(issue 6\):$/m);
      // Whether the ratio passes depends on the machine; that it was measured does not.
      expect(stdout).toMatch(/^\[(pass|FAIL)\] wall [\d.]+ s vs [\d.]+ s = [\d.]+×, CPU [\d.]+ s vs [\d.]+ s = [\d.]+× \(goal ≤ 1\.10×\)$/m);
    },
    BENCH_TIMEOUT_MS + 30_000,
  );
});
