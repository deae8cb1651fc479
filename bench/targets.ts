import { SYNC_PHASES, type WebhookPhaseResult, type Baselines, type FractionResult, type PhaseName, type StageMeasurement, type StageName, type SyncPhaseMeasurement, type SyncPhaseName, type SyncScaleResult, type TargetVerdict } from "./result";
import type { BenchScale } from "./options";

// Issue 6's acceptance list.
const MIN_EXTRACT_PER_SECOND = 20_000;
const MAX_BUDGET_OVERRUN = 0.15;
const MIN_TRANSFORM_PER_SECOND = 20_000;
const MIN_PER_RECORD_RATIO = 200;
const MIN_INCREMENTAL_RATIO = 20;
const MAX_PEAK_RSS_MB = 400;

export interface TargetInput {
  readonly scale: BenchScale;
  /** In ascending fraction order. */
  readonly fractions: readonly FractionResult[];
  readonly baselines: Baselines;
}

function findStage(result: FractionResult | undefined, phase: PhaseName, stage: StageName): StageMeasurement | undefined {
  return result?.phases.find((p) => p.phase === phase)?.stages.find((s) => s.stage === stage);
}

interface PhaseWrites {
  readonly fraction: number;
  readonly writes: number;
  readonly placeholders: number;
  readonly changed: number | undefined;
}

function sumWrites(result: FractionResult, phase: PhaseName): PhaseWrites | undefined {
  const measured = result.phases.find((p) => p.phase === phase);
  if (!measured) return undefined;
  return {
    fraction: result.fraction,
    writes: measured.stages.reduce((sum, s) => sum + s.entityWrites, 0),
    placeholders: measured.stages.reduce((sum, s) => sum + s.placeholders, 0),
    changed: measured.changed?.total,
  };
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

function unmeasured(name: string, target: string, why: string): TargetVerdict {
  return { name, target, measured: why, pass: undefined };
}

function peakStage(result: FractionResult): StageMeasurement | undefined {
  let peak: StageMeasurement | undefined;
  for (const phase of result.phases) for (const stage of phase.stages) if (!peak || stage.peakRssMb > peak.peakRssMb) peak = stage;
  return peak;
}

function judgeRate(name: string, minimum: number, unit: string, stage: StageMeasurement | undefined, fraction: number): TargetVerdict {
  const target = `≥ ${minimum.toLocaleString("en-US")} ${unit}/s`;
  if (!stage) return unmeasured(name, target, "not run");
  const measured =
    `${Math.round(stage.perSecond).toLocaleString("en-US")} ${unit}/s (${stage.records} in ${stage.stageSeconds.toFixed(1)} s at ${percent(fraction)}, ` +
    `load average ${stage.loadAverage.toFixed(1)}; ${Math.round(stage.perCpuSecond).toLocaleString("en-US")} per CPU second)`;
  return { name, target, measured, pass: stage.perSecond >= minimum };
}

function judgeWrites(name: string, fractions: readonly FractionResult[], phase: PhaseName, expected: (changed: number | undefined) => number): TargetVerdict {
  const rows = fractions.map((result) => sumWrites(result, phase)).filter((row): row is PhaseWrites => row !== undefined);
  const target = phase === "no-change" ? "0 entity writes" : "entity writes = records changed (placeholders apart)";
  if (rows.length === 0) return unmeasured(name, target, "not run");
  const describe = (row: PhaseWrites) =>
    `${percent(row.fraction)}: ${row.writes} writes${row.changed === undefined ? "" : ` for ${row.changed} changed`}${row.placeholders > 0 ? ` + ${row.placeholders} placeholders` : ""}`;
  return { name, target, measured: rows.map(describe).join("; "), pass: rows.every((row) => row.writes === expected(row.changed)) };
}

function judgeIncremental(largest: FractionResult | undefined): TargetVerdict {
  const name = "incremental run: Incident.io requests for incidents";
  const target = `≥ ${MIN_INCREMENTAL_RATIO}× fewer than a full run`;
  const full = findStage(largest, "cold", "extract")?.kinds?.find((k) => k.name === "incidents");
  const incremental = findStage(largest, "incremental", "extract")?.kinds?.find((k) => k.name === "incidents");
  if (!largest || !full || !incremental) return unmeasured(name, target, "not run");
  const ratio = full.requests / Math.max(1, incremental.requests);
  const mode = incremental.mode === "incremental" ? "" : ` — the product read incidents in ${incremental.mode} mode`;
  return {
    name,
    target,
    measured: `${full.requests} full vs ${incremental.requests} incremental = ${ratio.toFixed(1)}× at ${percent(largest.fraction)}${mode}`,
    pass: incremental.mode === "incremental" && ratio >= MIN_INCREMENTAL_RATIO,
  };
}

function judgePeakRss(scale: BenchScale, fractions: readonly FractionResult[]): TargetVerdict {
  const name = "peak RSS at the large scale";
  const target = `< ${MAX_PEAK_RSS_MB} MB`;
  const full = fractions.find((result) => result.fraction === 1);
  const peak = full ? peakStage(full) : undefined;
  if (scale !== "large" || !peak) return unmeasured(name, target, "the large scale at 100% was not run");
  return { name, target, measured: `${Math.round(peak.peakRssMb)} MB (${peak.stage}; ${Math.round(peak.startRssMb)} MB at start-up)`, pass: peak.peakRssMb < MAX_PEAK_RSS_MB };
}

function judgeGrowth(fractions: readonly FractionResult[]): TargetVerdict {
  const name = "peak RSS growth from the smallest to the largest fraction";
  const target = "less than linear";
  const smallest = fractions[0];
  const largest = fractions.at(-1);
  const low = smallest ? peakStage(smallest) : undefined;
  const high = largest ? peakStage(largest) : undefined;
  if (!smallest || !largest || smallest === largest || !low || !high) return unmeasured(name, target, "needs two fractions");
  const dataRatio = largest.fraction / smallest.fraction;
  const rssRatio = high.peakRssMb / low.peakRssMb;
  // What the records cost, without the ~150 MB Node, tsx and the product's modules take before any work.
  const workRatio = (high.peakRssMb - high.startRssMb) / Math.max(1, low.peakRssMb - low.startRssMb);
  return {
    name,
    target,
    measured: `${dataRatio.toFixed(0)}× the records: peak ${Math.round(low.peakRssMb)} → ${Math.round(high.peakRssMb)} MB (${rssRatio.toFixed(2)}×; above start-up ${workRatio.toFixed(2)}×)`,
    pass: workRatio < dataRatio,
  };
}

/** The acceptance targets of issue 6, judged on this run; a target the run did not measure has `pass: undefined`. */
export function judgeTargets(input: TargetInput): TargetVerdict[] {
  const largest = input.fractions.at(-1);
  const fraction = largest?.fraction ?? 0;
  const { perRecordJq, rateLimit } = input.baselines;
  const transform = findStage(largest, "cold", "transform");
  const verdicts: TargetVerdict[] = [judgeRate("extract, no latency", MIN_EXTRACT_PER_SECOND, "records", findStage(largest, "cold", "extract"), fraction)];

  const budgetTarget = `within ${MAX_BUDGET_OVERRUN * 100}% of requests ÷ budget, no 429`;
  verdicts.push(
    rateLimit
      ? {
          name: "extract under 1,200 requests a minute",
          target: budgetTarget,
          measured: `${rateLimit.seconds.toFixed(1)} s for ${rateLimit.requests} requests vs ${rateLimit.minimumSeconds.toFixed(1)} s minimum (${((rateLimit.seconds / rateLimit.minimumSeconds - 1) * 100).toFixed(1)}%), ${rateLimit.rateLimited} × 429, clock ×${rateLimit.rateLimit.timeScale}`,
          pass: rateLimit.seconds <= rateLimit.minimumSeconds * (1 + MAX_BUDGET_OVERRUN) && rateLimit.rateLimited === 0,
        }
      : unmeasured("extract under 1,200 requests a minute", budgetTarget, "not run"),
  );
  verdicts.push(judgeRate("transform", MIN_TRANSFORM_PER_SECOND, "entities", transform, fraction));

  const ratioTarget = `≥ ${MIN_PER_RECORD_RATIO}× per-record node-jq`;
  verdicts.push(
    perRecordJq && transform && perRecordJq.perSecond > 0
      ? {
          name: "transform vs jq spawned per record",
          target: ratioTarget,
          measured:
            `${Math.round(transform.perSecond)} vs ${perRecordJq.perSecond.toFixed(1)} records/s = ${(transform.perSecond / perRecordJq.perSecond).toFixed(0)}× ` +
            `(per CPU second: ${Math.round(transform.perCpuSecond)} vs ${perRecordJq.perCpuSecond.toFixed(1)} = ${(transform.perCpuSecond / Math.max(0.001, perRecordJq.perCpuSecond)).toFixed(0)}×)`,
          pass: transform.perSecond / perRecordJq.perSecond >= MIN_PER_RECORD_RATIO,
        }
      : unmeasured("transform vs jq spawned per record", ratioTarget, "not run"),
  );
  verdicts.push(judgeWrites("no-change run", input.fractions, "no-change", () => 0));
  verdicts.push(judgeWrites("1%-change run", input.fractions, "one-percent", (changed) => changed ?? 0));
  verdicts.push(judgeWrites("incremental run (1% of incidents changed)", input.fractions, "incremental", (changed) => changed ?? 0));
  verdicts.push(judgeIncremental(largest));
  verdicts.push(judgePeakRss(input.scale, input.fractions));
  verdicts.push(judgeGrowth(input.fractions));
  return verdicts;
}

// Issue 14's acceptance list for the xl scale.
const MAX_HOURLY_SECONDS = 60;
const MAX_HOURLY_BUDGET_SHARE = 0.01;

function findPhase(result: SyncScaleResult, phase: SyncPhaseName): SyncPhaseMeasurement | undefined {
  return result.phases.find((p) => p.phase === phase);
}

function judgeHourly(result: SyncScaleResult): TargetVerdict[] {
  const hourly = findPhase(result, "hourly");
  const at = `at ${percent(result.fraction)} of xl`;
  const wallTarget = `< ${MAX_HOURLY_SECONDS} s with ${result.latencyMs} ms latency`;
  const requestTarget = `≤ ${MAX_HOURLY_BUDGET_SHARE * 100}% of an hour's budget (${Math.round(MAX_HOURLY_BUDGET_SHARE * result.requestsPerMinute * 60)} requests)`;
  if (!hourly) return [unmeasured("hourly no-change run: wall time", wallTarget, "not run"), unmeasured("hourly no-change run: Incident.io requests", requestTarget, "not run"), unmeasured("hourly no-change run: Port entity writes", "0", "not run")];
  return [
    { name: "hourly no-change run: wall time", target: wallTarget, measured: `${hourly.wallSeconds.toFixed(1)} s ${at}`, pass: hourly.wallSeconds < MAX_HOURLY_SECONDS },
    {
      name: "hourly no-change run: Incident.io requests",
      target: requestTarget,
      measured: `${hourly.incidentIoRequests} (${(hourly.hourBudgetShare * 100).toFixed(2)}%) ${at}`,
      pass: hourly.hourBudgetShare <= MAX_HOURLY_BUDGET_SHARE,
    },
    { name: "hourly no-change run: Port entity writes", target: "0", measured: `${hourly.entityWrites} ${at}`, pass: hourly.entityWrites === 0 },
  ];
}

function judgeOnePercent(result: SyncScaleResult): TargetVerdict[] {
  const run = findPhase(result, "one-percent");
  const refresh = findPhase(result, "full-refresh");
  const writesTarget = "entity writes = records changed (placeholders apart)";
  const exactTarget = "the full refresh after it writes nothing, and Port then equals what it staged";
  const writes = run?.changed
    ? { name: "1%-change run: Port entity writes", target: writesTarget, measured: `${run.entityWrites} writes for ${run.changed.total} changed`, pass: run.entityWrites === run.changed.total }
    : unmeasured("1%-change run: Port entity writes", writesTarget, "not run");
  const comparison = result.portAfterFullRefresh;
  if (!refresh || !comparison) return [writes, unmeasured("1%-change run: Port exact afterwards", exactTarget, "the full refresh did not run")];
  const differences = comparison.missing + comparison.differing + comparison.extra;
  return [
    writes,
    {
      name: "1%-change run: Port exact afterwards",
      target: exactTarget,
      measured:
        `full refresh: ${refresh.entityWrites} writes; then ${comparison.staged} staged vs Port: ${comparison.missing} missing, ${comparison.differing} differing, ${comparison.extra} extra` +
        (comparison.examples.length > 0 ? ` (${comparison.examples.join("; ")})` : ""),
      pass: refresh.entityWrites === 0 && differences === 0,
    },
  ];
}

function judgeFullRead(result: SyncScaleResult, phase: "cold" | "full-refresh"): TargetVerdict {
  const name = `${phase === "cold" ? "cold run" : "full refresh"}: full read under the budget`;
  const target = `within ${MAX_BUDGET_OVERRUN * 100}% of requests ÷ ${result.requestsPerMinute} a minute, ${result.latencyMs} ms latency, no 429`;
  const run = findPhase(result, phase);
  if (!run) return unmeasured(name, target, "not run");
  return {
    name,
    target,
    measured: `extract ${run.extractSeconds.toFixed(1)} s for ${run.incidentIoRequests} requests vs ${run.budgetMinimumSeconds.toFixed(1)} s minimum (${((run.extractSeconds / run.budgetMinimumSeconds - 1) * 100).toFixed(1)}%), ${run.rateLimited} × 429`,
    pass: run.extractSeconds <= run.budgetMinimumSeconds * (1 + MAX_BUDGET_OVERRUN) && run.rateLimited === 0,
  };
}

function judgeTreeRss(result: SyncScaleResult): TargetVerdict {
  const name = "peak RSS of the process tree, every phase";
  const target = `< ${MAX_PEAK_RSS_MB} MB`;
  if (result.phases.length === 0) return unmeasured(name, target, "not run");
  const measured = result.phases.map((phase) => `${phase.phase} ${Math.round(phase.peakTreeRssMb)}`).join(", ");
  return { name, target, measured: `${measured} MB`, pass: result.phases.length === SYNC_PHASES.length && result.phases.every((phase) => phase.peakTreeRssMb < MAX_PEAK_RSS_MB) };
}

/** Issue 14's acceptance targets, judged on the largest fraction of an xl run; unmeasured when none ran. */
export function judgeSyncTargets(results: readonly SyncScaleResult[]): TargetVerdict[] {
  const largest = results.at(-1);
  if (!largest) return [unmeasured("xl scale", "issue 14's targets", "not run")];
  return [...judgeHourly(largest), ...judgeOnePercent(largest), judgeFullRead(largest, "cold"), judgeFullRead(largest, "full-refresh"), judgeTreeRss(largest)];
}

// Issue 15's acceptance list: receipt to Port write.
const MAX_WEBHOOK_P95_MS = 2_000;
const MAX_WEBHOOK_P99_MS = 5_000;

/** Issue 15's acceptance targets, judged on the webhook phase; unmeasured when it did not run. */
export function judgeWebhookTargets(result: WebhookPhaseResult | undefined): TargetVerdict[] {
  const p95 = { name: "webhooks: receipt → Port write, p95", target: `≤ ${MAX_WEBHOOK_P95_MS / 1000} s` };
  const p99 = { name: "webhooks: receipt → Port write, p99", target: `≤ ${MAX_WEBHOOK_P99_MS / 1000} s` };
  const all = { name: "webhooks: every event applied", target: "all posted events answered 2xx and applied, none pending; serve exits 0 on SIGTERM" };
  const exact = { name: "webhooks: Port exact afterwards", target: "a full refresh after serve writes nothing, and Port then equals what it staged" };
  if (!result) return [p95, p99, all, exact].map(({ name, target }) => unmeasured(name, target, "not run"));
  const { latency, portWriteLatency, sender, portExact } = result;
  const outside = (ms: number) => `${(ms / 1000).toFixed(2)} s from outside`;
  const at = `${latency.count} events at ${result.perSecond}/s`;
  const differences = portExact.missing + portExact.differing + portExact.extra;
  return [
    { ...p95, measured: `${(latency.p95Ms / 1000).toFixed(2)} s (${outside(portWriteLatency.p95Ms)}), ${at}`, pass: latency.count > 0 && latency.p95Ms <= MAX_WEBHOOK_P95_MS },
    { ...p99, measured: `${(latency.p99Ms / 1000).toFixed(2)} s (${outside(portWriteLatency.p99Ms)}), ${at}`, pass: latency.count > 0 && latency.p99Ms <= MAX_WEBHOOK_P99_MS },
    {
      ...all,
      measured: `${sender.sent} posted, ${sender.delivered} answered 2xx, ${sender.gaveUp} given up, ${latency.count} applied, ${result.pending} pending; serve ${result.serveExit}`,
      pass: sender.gaveUp === 0 && sender.delivered === sender.sent && sender.sent === result.planned && result.pending === 0 && latency.count === sender.sent && result.serveExit === "exit 0",
    },
    {
      ...exact,
      measured:
        `full refresh: ${result.fullRefreshWrites} writes; then ${portExact.staged} staged vs Port: ${portExact.missing} missing, ${portExact.differing} differing, ${portExact.extra} extra` +
        (portExact.examples.length > 0 ? ` (${portExact.examples.join("; ")})` : ""),
      pass: result.fullRefreshWrites === 0 && differences === 0,
    },
  ];
}
