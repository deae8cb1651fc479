import type { Baselines, FractionResult, PhaseName, StageMeasurement, StageName, TargetVerdict } from "./result";
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
