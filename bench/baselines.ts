import { join } from "node:path";
import { openDatabase } from "../db/database";
import { readRawRecordBatch } from "../db/queries/raw-record-batches";
import type { ResourceMapping } from "../src/model/mapping";
import { buildRecordFilter, chooseTimeScale, spreadSample, INCIDENT_IO_REQUESTS_PER_MINUTE, minimumSecondsFor, scaledRequestsPerMinute } from "./baseline-rules";
import { readChildCpuSeconds } from "./cpu";
import type { SandboxHost } from "./host-client";
import { diffCounters } from "./measure";
import { runStage } from "./phases";
import { buildProductEnv, readSummary, runMeasured, UNLIMITED_REQUESTS_PER_MINUTE } from "./product";
import type { LatencyBaseline, PerRecordJqBaseline, RateLimitBaseline } from "./result";

const LATENCY_MS = 50;
const BASELINE_TIMEOUT_MS = 60 * 60_000;

/**
 * Baseline (a): maps `sample` raw records of the staging file (or all it holds), spread over the kinds, with one
 * node-jq run (one jq process) per record, one after another, and times it. Sets JQ_PATH before
 * node-jq is first imported, since node-jq reads it only then.
 */
export async function measurePerRecordJq(databasePath: string, resources: readonly ResourceMapping[], jqPath: string, sample: number): Promise<PerRecordJqBaseline> {
  process.env["JQ_PATH"] ??= jqPath;
  const { run } = await import("node-jq");
  const opened = openDatabase(databasePath);
  const groups: { filter: string; payload: string }[][] = [];
  try {
    for (const resource of resources) {
      const batch = await readRawRecordBatch(opened.db, resource.kind, undefined, sample);
      const filter = buildRecordFilter(resource.selector.query, resource.mappings);
      groups.push((batch?.payloads.split("\n") ?? []).map((payload) => ({ filter, payload })));
    }
  } finally {
    await opened.close();
  }
  const work = spreadSample(groups, sample);
  let errors = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  // Nothing else this process started ends meanwhile: the children reaped are the jq processes.
  const jqCpuBefore = readChildCpuSeconds();
  for (const { filter, payload } of work) {
    await run(filter, payload, { input: "string", output: "json" }).catch(() => {
      errors += 1;
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 + readChildCpuSeconds() - jqCpuBefore;
  return {
    records: work.length,
    seconds,
    perSecond: seconds > 0 ? work.length / seconds : 0,
    cpuSeconds,
    perCpuSecond: cpuSeconds > 0 ? work.length / cpuSeconds : 0,
    errors,
  };
}

/**
 * Baseline (c): with 50 ms added to every Incident.io answer, one extract of every kind at once
 * (the product as shipped) against the kinds extracted one after another with `--only`, each into a
 * new staging file in `dir`. Leaves the host's latency at 0.
 */
export async function measureLatency(host: SandboxHost, dir: string, fraction: number, resources: readonly ResourceMapping[]): Promise<LatencyBaseline> {
  await host.setLatency(LATENCY_MS);
  try {
    const envFor = (name: string) =>
      buildProductEnv({ endpoints: host.endpoints, databasePath: join(dir, `${name}.sqlite`), requestsPerMinute: UNLIMITED_REQUESTS_PER_MINUTE }, process.env);
    const concurrent = await runStage(host, envFor("latency-concurrent"), "extract");
    const names = [...new Set(resources.map((resource) => resource.name))];
    const before = await host.counters();
    const report = await runMeasured(
      names.map((name) => ["extract", "--json", "--only", name]),
      envFor("latency-sequential"),
      BASELINE_TIMEOUT_MS,
    );
    const delta = diffCounters(before, await host.counters());
    const sequentialSeconds = report.results.map(readSummary).reduce((sum, summary) => sum + (summary.extract?.durationMs ?? 0) / 1000, 0);
    return {
      fraction,
      latencyMs: LATENCY_MS,
      requests: concurrent.measurement.incidentIoRequests,
      concurrentSeconds: concurrent.measurement.stageSeconds,
      longestKind: [...(concurrent.measurement.kinds ?? [])].sort((a, b) => b.seconds - a.seconds)[0],
      sequentialSeconds,
      // Every invocation checks the key first (one GET /v1/identity); the concurrent extract did so once.
      sequentialRequests: delta.incidentIoRequests - (names.length - 1),
    };
  } finally {
    await host.setLatency(0);
  }
}

/**
 * Baseline (d): restarts Incident.io's sandbox enforcing 1,200 requests a minute on a clock fast enough
 * that the budget, not the product, sets the pace (from `freeRequestsPerSecond`, the product's rate
 * with no budget), gives the product the same budget, and times a full extract into a new staging file.
 */
export async function measureRateLimit(host: SandboxHost, dir: string, fraction: number, freeRequestsPerSecond: number): Promise<RateLimitBaseline> {
  const timeScale = chooseTimeScale(freeRequestsPerSecond);
  const rateLimit = { requestsPerMinute: INCIDENT_IO_REQUESTS_PER_MINUTE, timeScale };
  const endpoints = await host.setRateLimit(rateLimit);
  try {
    const productRequestsPerMinute = scaledRequestsPerMinute(timeScale);
    const env = buildProductEnv({ endpoints, databasePath: join(dir, "rate-limit.sqlite"), requestsPerMinute: productRequestsPerMinute }, process.env);
    const { measurement } = await runStage(host, env, "extract");
    return {
      fraction,
      rateLimit,
      productRequestsPerMinute,
      requests: measurement.incidentIoRequests,
      rateLimited: measurement.rateLimited,
      seconds: measurement.stageSeconds,
      minimumSeconds: minimumSecondsFor(measurement.incidentIoRequests, productRequestsPerMinute),
    };
  } finally {
    await host.setRateLimit(undefined);
  }
}
