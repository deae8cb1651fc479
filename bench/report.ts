import type { BenchResult, FractionResult, StageMeasurement, TargetVerdict } from "./result";
import { renderSyncScale } from "./sync-report";
import { TERMINAL_COST_GOAL, type TerminalCost } from "./terminal-cost";
import { renderWebhooks } from "./webhooks-report";

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join("  ").trimEnd()).join("\n");
}

function integer(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function seconds(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1);
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

const STAGE_HEADER = ["phase / stage", "stage s", "process s", "records", "per s", "per CPU s", "Inc.io req", "Port req", "writes", "placeholders", "peak RSS MB", "tree RSS MB", "CPU s", "jq CPU s", "sandbox CPU s", "load avg"];

function renderStageRow(phase: string, stage: StageMeasurement): string[] {
  return [
    `${phase} ${stage.stage}`,
    seconds(stage.stageSeconds),
    seconds(stage.processSeconds),
    integer(stage.records),
    integer(stage.perSecond),
    integer(stage.perCpuSecond),
    integer(stage.incidentIoRequests),
    integer(stage.portRequests),
    integer(stage.entityWrites),
    integer(stage.placeholders),
    integer(stage.peakRssMb),
    integer(stage.peakTreeRssMb),
    seconds(stage.cpuSeconds),
    seconds(stage.jqCpuSeconds),
    seconds(stage.sandboxCpuSeconds),
    stage.loadAverage.toFixed(1),
  ];
}

function loadRequests(result: FractionResult, phase: string): number | undefined {
  return result.phases.find((p) => p.phase === phase)?.stages.find((s) => s.stage === "load")?.portRequests;
}

function renderOcean(result: FractionResult): string {
  const { ocean } = result;
  const ours = (["no-change", "one-percent"] as const)
    .map((phase) => ({ phase, requests: loadRequests(result, phase) }))
    .filter((row): row is { phase: "no-change" | "one-percent"; requests: number } => row.requests !== undefined)
    .map(({ phase, requests }) => `${phase} ${integer(requests)} (${(ocean.total / Math.max(1, requests)).toFixed(0)}× fewer)`);
  return `(b) Ocean's full re-upload: ${integer(ocean.upserts)} bulk upserts + ${integer(ocean.searches)} read-back searches = ${integer(ocean.total)} Port requests; ours: ${ours.join(", ") || "not run"}`;
}

function renderFraction(result: FractionResult, scale: string): string {
  const counts = Object.entries(result.counts)
    .map(([kind, count]) => `${kind} ${Array.isArray(count) ? `${count.length}×${count[0] ?? 0}` : integer(count as number)}`)
    .join(", ");
  const rows: string[][] = [STAGE_HEADER];
  for (const phase of result.phases) {
    for (const stage of phase.stages) rows.push(renderStageRow(phase.phase, stage));
  }
  const changes = result.phases
    .flatMap((phase) => (phase.changed ? [`${phase.phase}: ${phase.changed.total} records changed`] : []))
    .join("; ");
  return [`${percent(result.fraction)} of ${scale}: ${counts}`, formatColumns(rows), changes, renderOcean(result)].filter(Boolean).join("\n");
}

function renderGrowth(fractions: readonly FractionResult[]): string {
  const rows: string[][] = [["fraction", "records", "extract s", "transform s", "load s", "peak RSS MB"]];
  for (const result of fractions) {
    const cold = result.phases.find((phase) => phase.phase === "cold");
    const stage = (name: string) => cold?.stages.find((s) => s.stage === name);
    const peak = Math.max(0, ...result.phases.flatMap((phase) => phase.stages.map((s) => s.peakRssMb)));
    rows.push([
      percent(result.fraction),
      integer(stage("extract")?.records ?? 0),
      seconds(stage("extract")?.stageSeconds ?? 0),
      seconds(stage("transform")?.stageSeconds ?? 0),
      seconds(stage("load")?.stageSeconds ?? 0),
      integer(peak),
    ]);
  }
  return `Growth (cold run):\n${formatColumns(rows)}`;
}

function renderBaselines(result: BenchResult): string {
  const { perRecordJq, latency, rateLimit } = result.baselines;
  const lines = ["Baselines:"];
  if (perRecordJq) {
    lines.push(
      `(a) node-jq spawned per record: ${perRecordJq.records} records in ${seconds(perRecordJq.seconds)} s = ${perRecordJq.perSecond.toFixed(1)} records/s, ` +
        `${perRecordJq.perCpuSecond.toFixed(1)} per CPU second (${perRecordJq.errors} failed)`,
    );
  }
  if (latency) {
    const longest = latency.longestKind;
    lines.push(
      `(c) ${latency.latencyMs} ms a request at ${percent(latency.fraction)}: concurrent ${seconds(latency.concurrentSeconds)} s (${latency.requests} requests) vs kinds one by one ` +
        `${seconds(latency.sequentialSeconds)} s (${latency.sequentialRequests} requests) = ${(latency.sequentialSeconds / Math.max(0.001, latency.concurrentSeconds)).toFixed(2)}×` +
        (longest ? `; longest kind ${longest.name}: ${seconds(longest.seconds)} s for ${longest.requests} requests (${seconds((longest.requests * latency.latencyMs) / 1000)} s of latency alone)` : ""),
    );
  }
  if (rateLimit) {
    lines.push(
      `(d) ${rateLimit.rateLimit.requestsPerMinute} requests a minute on a clock ×${rateLimit.rateLimit.timeScale} (ETL_REQUESTS_PER_MINUTE=${rateLimit.productRequestsPerMinute}) at ${percent(rateLimit.fraction)}: ` +
        `${seconds(rateLimit.seconds)} s for ${rateLimit.requests} requests, minimum ${seconds(rateLimit.minimumSeconds)} s, ${rateLimit.rateLimited} × 429`,
    );
  }
  return lines.length > 1 ? lines.join("\n") : "";
}

function renderTargets(targets: readonly TargetVerdict[], issue: string): string {
  const rows = targets.map((t) => [t.pass === undefined ? "[ -- ]" : t.pass ? "[pass]" : "[FAIL]", t.name, t.target, t.measured]);
  // Left-aligned throughout: these cells are sentences, not figures.
  const widths = [1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const lines = rows.map(([verdict, name, target, measured]) => `${verdict} ${name?.padEnd(widths[0] ?? 0)}  ${target?.padEnd(widths[1] ?? 0)}  ${measured}`);
  return [`Targets (${issue}):`, ...lines].join("\n");
}

function renderTerminalCost(cost: TerminalCost): string {
  const title = "Terminal cost (issue 13): etl demo, fresh staging file, on a pseudo-terminal vs piped";
  if (!cost.measured) return `${title}: not measured: ${cost.reason}`;
  const { terminal, piped } = cost;
  const pass = cost.wallRatio <= TERMINAL_COST_GOAL && cost.cpuRatio <= TERMINAL_COST_GOAL;
  return (
    `${title} (${cost.columns}×${cost.rows}, median of ${cost.repeats} each):\n` +
    `${pass ? "[pass]" : "[FAIL]"} wall ${seconds(terminal.wallSeconds)} s vs ${seconds(piped.wallSeconds)} s = ${cost.wallRatio.toFixed(2)}×, ` +
    `CPU ${seconds(terminal.cpuSeconds)} s vs ${seconds(piped.cpuSeconds)} s = ${cost.cpuRatio.toFixed(2)}× (goal ≤ ${TERMINAL_COST_GOAL.toFixed(2)}×)`
  );
}

/** The benchmark's result as the table printed on stdout, with the terminal's cost when it was measured. */
export function renderReport(result: BenchResult, terminal?: TerminalCost): string {
  const header =
    `pnpm bench — scale ${result.scale}, Node ${result.machine.node}, ${result.machine.cpus} CPUs, ` +
    `load average ${result.machine.loadAverageAtStart.toFixed(1)} at start (${result.startedAt} → ${result.finishedAt})`;
  const sections = [header, ...result.fractions.map((fraction) => renderFraction(fraction, result.scale)), ...(result.sync ?? []).map((sync) => renderSyncScale(sync, formatColumns))];
  if (result.webhooks) sections.push(renderWebhooks(result.webhooks, formatColumns));
  if (result.fractions.length > 1) sections.push(renderGrowth(result.fractions));
  sections.push(renderBaselines(result));
  if (result.targets.length > 0) sections.push(renderTargets(result.targets, result.webhooks ? "issue 15" : result.sync ? "issue 14" : "issue 6"));
  if (terminal) sections.push(renderTerminalCost(terminal));
  if (result.error) sections.push(`Stopped early: ${result.error}`);
  return `${sections.filter(Boolean).join("\n\n")}\n`;
}
