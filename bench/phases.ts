import { loadavg } from "node:os";
import type { RunSummary } from "../src/model/summary";
import type { SandboxHost } from "./host-client";
import type { MutationReport } from "./host-protocol";
import { diffCounters, measureStage, type CounterDelta } from "./measure";
import { MUTABLE_KINDS, type MutableKind } from "./mutations";
import { readSummary, runMeasured, type MeasuredCommand, type MeasuredReport } from "./product";
import { PHASES, STAGES, type PhaseMeasurement, type PhaseName, type StageMeasurement, type StageName } from "./result";

// A stage of the large scale takes minutes; one that takes an hour is stuck.
const STAGE_TIMEOUT_MS = 60 * 60_000;
// The share of records the change phases change.
const CHANGE_FRACTION = 0.01;

/** One product command run in a process of its own, measured. */
export interface MeasuredStage {
  readonly measurement: StageMeasurement;
  readonly summary: RunSummary;
}

/** One product command measured against the host: its process, summary, wall seconds and what the sandboxes counted meanwhile. */
export interface HostMeasuredRun {
  readonly report: MeasuredReport;
  readonly command: MeasuredCommand;
  readonly summary: RunSummary;
  readonly seconds: number;
  readonly delta: CounterDelta;
}

/** Runs `etl <args>` in a new product process with `env`, between two readings of the host's counters. */
export async function runAgainstHost(host: SandboxHost, args: readonly string[], env: Readonly<Record<string, string>>, timeoutMs: number): Promise<HostMeasuredRun> {
  const before = await host.counters();
  const started = performance.now();
  const report = await runMeasured([args], env, timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  const delta = diffCounters(before, await host.counters());
  const [command] = report.results;
  if (!command) throw new Error(`etl ${args.join(" ")} reported no result`);
  return { report, command, summary: readSummary(command), seconds, delta };
}

/** Runs `etl <stage> --json` in a new product process with `env` and measures it against the host's counters. */
export async function runStage(host: SandboxHost, env: Readonly<Record<string, string>>, stage: StageName): Promise<MeasuredStage> {
  const { report, command, summary, seconds, delta } = await runAgainstHost(host, [stage, "--json"], env, STAGE_TIMEOUT_MS);
  const measurement = measureStage(stage, summary, report, command, delta, { processSeconds: seconds, loadAverage: loadavg()[0] ?? 0 });
  return { measurement, summary };
}

const CHANGES: Readonly<Record<PhaseName, readonly MutableKind[]>> = {
  cold: [],
  "no-change": [],
  "one-percent": MUTABLE_KINDS,
  incremental: ["incidents"],
};

/**
 * The four phases against one sandbox host and one staging file: a cold full run, a run with nothing
 * changed, a run after 1% of the records of every kind changed, and a run after 1% of the incidents
 * changed (incremental for the kinds the product reads incrementally). Each stage is its own process,
 * so each has its own peak RSS. Returns the phases and the cold run's transform summary.
 */
export async function runPhases(
  host: SandboxHost,
  env: Readonly<Record<string, string>>,
  log: (line: string) => void,
): Promise<{ phases: PhaseMeasurement[]; coldTransform: RunSummary }> {
  const phases: PhaseMeasurement[] = [];
  let coldTransform: RunSummary | undefined;
  for (const phase of PHASES) {
    const kinds = CHANGES[phase];
    let changed: MutationReport | undefined;
    if (kinds.length > 0) {
      changed = await host.mutate(CHANGE_FRACTION, kinds);
      log(`${phase}: changed ${changed.total} records in Incident.io`);
    }
    const stages: StageMeasurement[] = [];
    for (const stage of STAGES) {
      const { measurement, summary } = await runStage(host, env, stage);
      if (phase === "cold" && stage === "transform") coldTransform = summary;
      stages.push(measurement);
      log(
        `${phase} ${stage}: ${measurement.stageSeconds.toFixed(1)} s (process ${measurement.processSeconds.toFixed(1)} s), ` +
          `${measurement.records} at ${Math.round(measurement.perSecond)}/s (${Math.round(measurement.perCpuSecond)} per CPU s), peak RSS ${Math.round(measurement.peakRssMb)} MB, ` +
          `requests ${measurement.incidentIoRequests} Incident.io / ${measurement.portRequests} Port, ${measurement.entityWrites} entity writes`,
      );
    }
    phases.push({ phase, ...(changed ? { changed } : {}), stages });
  }
  if (!coldTransform) throw new Error("the cold run reported no transform");
  return { phases, coldTransform };
}
