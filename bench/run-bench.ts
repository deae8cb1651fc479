import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readConfig } from "../src/config/read-config";
import { countOceanResyncRequests } from "./baseline-rules";
import { measureLatency, measurePerRecordJq, measureRateLimit } from "./baselines";
import { startSandboxHost } from "./host-client";
import { countsFor, type BenchOptions } from "./options";
import { runPhases } from "./phases";
import { buildProductEnv, UNLIMITED_REQUESTS_PER_MINUTE } from "./product";
import type { Baselines, BenchResult, FractionResult } from "./result";
import { judgeTargets } from "./targets";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// One dataset for every run, so that results compare across machines and commits.
const SEED = 11;

/**
 * Runs the phases at one fraction of the scale against a new sandbox host and staging file; with
 * `withBaselines`, then the per-record jq, latency and rate-limit baselines on the same host.
 */
async function runFraction(options: BenchOptions, fraction: number, withBaselines: boolean, log: (line: string) => void): Promise<{ result: FractionResult; baselines: Baselines }> {
  const counts = countsFor(options.scale, fraction);
  const tag = `${Math.round(fraction * 100)}%`;
  const say = (line: string) => log(`[${tag}] ${line}`);
  const host = await startSandboxHost({ seed: SEED, counts });
  const dir = mkdtempSync(join(tmpdir(), "etl-bench-"));
  try {
    const databasePath = join(dir, "bench.sqlite");
    const env = buildProductEnv({ endpoints: host.endpoints, databasePath, requestsPerMinute: UNLIMITED_REQUESTS_PER_MINUTE }, process.env);
    const { phases, coldTransform } = await runPhases(host, env, say);
    const entitiesByBlueprint = coldTransform.transform?.blueprints ?? {};
    const result: FractionResult = { fraction, counts, phases, entitiesByBlueprint, ocean: countOceanResyncRequests(entitiesByBlueprint) };
    if (!withBaselines) return { result, baselines: {} };

    const config = readConfig({ env, flags: {}, cwd: ROOT }, { incidentIo: false, port: false, jq: true });
    const perRecordJq = await measurePerRecordJq(databasePath, config.mapping.resources, config.jqPath as string, options.jqSample);
    say(`(a) per-record jq: ${perRecordJq.records} records at ${perRecordJq.perSecond.toFixed(1)}/s`);
    const latency = await measureLatency(host, dir, fraction, config.mapping.resources);
    say(`(c) 50 ms latency: concurrent ${latency.concurrentSeconds.toFixed(1)} s, one by one ${latency.sequentialSeconds.toFixed(1)} s`);
    const coldExtract = phases[0]?.stages[0];
    const freeRate = coldExtract && coldExtract.stageSeconds > 0 ? coldExtract.incidentIoRequests / coldExtract.stageSeconds : 0;
    const rateLimit = await measureRateLimit(host, dir, fraction, freeRate);
    say(`(d) budget: ${rateLimit.seconds.toFixed(1)} s vs minimum ${rateLimit.minimumSeconds.toFixed(1)} s, ${rateLimit.rateLimited} × 429`);
    return { result, baselines: { perRecordJq, latency, rateLimit } };
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the whole benchmark: the phases at each fraction (ascending), the baselines at the smallest, and
 * the acceptance targets. A failure stops the run; the result then carries what was measured before it
 * and the error.
 */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const machine = { node: process.version, cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 2 ** 20), loadAverageAtStart: loadavg()[0] ?? 0 };
  const fractions: FractionResult[] = [];
  let baselines: Baselines = {};
  let error: string | undefined;
  try {
    for (const [index, fraction] of options.fractions.entries()) {
      const measured = await runFraction(options, fraction, index === 0, log);
      fractions.push(measured.result);
      if (index === 0) baselines = measured.baselines;
    }
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    scale: options.scale,
    fractions,
    baselines,
    targets: judgeTargets({ scale: options.scale, fractions, baselines }),
    ...(error === undefined ? {} : { error }),
  };
}
