import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readConfig } from "../src/config/read-config";
import { computeOceanSyncFigures, countOceanResyncRequests, INCIDENT_IO_REQUESTS_PER_MINUTE } from "./baseline-rules";
import { measureLatency, measurePerRecordJq, measureRateLimit } from "./baselines";
import { startSandboxHost } from "./host-client";
import { countsFor, type BenchOptions } from "./options";
import { runPhases } from "./phases";
import { buildProductEnv, UNLIMITED_REQUESTS_PER_MINUTE } from "./product";
import type { Baselines, BenchResult, FractionResult, SyncPhaseMeasurement, SyncScaleResult, WebhookPhaseResult } from "./result";
import { runSyncPhases } from "./sync-phases";
import { judgeSyncTargets, judgeTargets, judgeWebhookTargets } from "./targets";
import { runWebhookPhase } from "./webhooks";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// One dataset for every run, so that results compare across machines and commits.
const SEED = 11;
// An organization's realistic share of open alerts (about 2%), which an incremental alerts read pages through.
const OPEN_ALERTS = "few";
// Issue 14's conditions for the xl scale: Incident.io's answers 150 ms away, and its real budget.
const SYNC_LATENCY_MS = 150;
const SYNC_RATE_LIMIT = { requestsPerMinute: INCIDENT_IO_REQUESTS_PER_MINUTE, timeScale: 1 };

/**
 * Runs the phases at one fraction of the scale against a new sandbox host and staging file; with
 * `withBaselines`, then the per-record jq, latency and rate-limit baselines on the same host.
 */
async function runFraction(options: BenchOptions, fraction: number, withBaselines: boolean, log: (line: string) => void): Promise<{ result: FractionResult; baselines: Baselines }> {
  const counts = countsFor(options.scale, fraction);
  const tag = `${Math.round(fraction * 100)}%`;
  const say = (line: string) => log(`[${tag}] ${line}`);
  const host = await startSandboxHost({ seed: SEED, counts, openAlerts: OPEN_ALERTS });
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
 * Runs the sync phases at one fraction of the xl scale against a new sandbox host, with Incident.io's
 * latency and budget, and a new staging file; then compares Port with what the full refresh staged.
 * Hands over what it measured through `keep` as it goes, so that a failure loses only the phase it hit.
 */
async function runSyncFraction(fraction: number, log: (line: string) => void, keep: (result: SyncScaleResult) => void): Promise<void> {
  const counts = countsFor("xl", fraction);
  const say = (line: string) => log(`[xl ${Math.round(fraction * 100)}%] ${line}`);
  const host = await startSandboxHost({ seed: SEED, counts, openAlerts: OPEN_ALERTS, incidentIoLatencyMs: SYNC_LATENCY_MS, rateLimit: SYNC_RATE_LIMIT });
  const dir = mkdtempSync(join(tmpdir(), "etl-bench-xl-"));
  try {
    const databasePath = join(dir, "bench.sqlite");
    const env = buildProductEnv({ endpoints: host.endpoints, databasePath, requestsPerMinute: SYNC_RATE_LIMIT.requestsPerMinute }, process.env);
    const phases: SyncPhaseMeasurement[] = [];
    let result: SyncScaleResult = {
      fraction,
      counts,
      latencyMs: SYNC_LATENCY_MS,
      requestsPerMinute: SYNC_RATE_LIMIT.requestsPerMinute,
      phases,
      ocean: computeOceanSyncFigures(0, {}),
    };
    keep(result);
    await runSyncPhases(host, env, say, (measurement, summary) => {
      phases.push(measurement);
      if (measurement.phase !== "cold") return;
      result = { ...result, ocean: computeOceanSyncFigures(measurement.incidentIoRequests, summary.transform?.blueprints ?? {}) };
      keep(result);
    });
    const comparison = await host.comparePort(databasePath);
    say(`Port after the full refresh: ${comparison.staged} staged, ${comparison.missing} missing, ${comparison.differing} differing, ${comparison.extra} extra ${comparison.examples.join("; ")}`);
    keep({ ...result, portAfterFullRefresh: comparison });
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the whole benchmark: the phases at each fraction (ascending), the baselines at the smallest, and
 * the acceptance targets; with `--webhooks`, the webhook phase and its targets alone. A failure stops
 * the run; the result then carries what was measured before it and the error.
 */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const machine = { node: process.version, cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 2 ** 20), loadAverageAtStart: loadavg()[0] ?? 0 };
  const fractions: FractionResult[] = [];
  const sync: SyncScaleResult[] = [];
  let baselines: Baselines = {};
  let webhooks: WebhookPhaseResult | undefined;
  let error: string | undefined;
  try {
    if (options.webhooks) webhooks = await runWebhookPhase(options.scale, log);
    else if (options.scale === "xl") {
      for (const fraction of options.fractions) {
        const at = sync.length;
        await runSyncFraction(fraction, log, (result) => (sync[at] = result));
      }
    }
    for (const [index, fraction] of (options.scale === "xl" || options.webhooks ? [] : options.fractions).entries()) {
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
    ...(options.scale === "xl" && !options.webhooks ? { sync } : {}),
    ...(webhooks ? { webhooks } : {}),
    baselines,
    targets: options.webhooks ? judgeWebhookTargets(webhooks) : options.scale === "xl" ? judgeSyncTargets(sync) : judgeTargets({ scale: options.scale, fractions, baselines }),
    ...(error === undefined ? {} : { error }),
  };
}
