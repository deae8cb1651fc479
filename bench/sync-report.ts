import type { SyncPhaseMeasurement, SyncScaleResult } from "./result";

/** Lays out a table's rows as columns: report.ts's formatColumns, handed in since report.ts imports this module. */
type FormatColumns = (rows: readonly (readonly string[])[]) => string;

function integer(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function seconds(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1);
}

function share(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 2 : 1)}%`;
}

const HEADER = ["phase", "wall s", "Inc.io req", "% hour budget", "budget min s", "Port req", "entity writes", "transform s", "mapped", "tree RSS MB", "node RSS MB", "429s"];

function ourRow(phase: SyncPhaseMeasurement): string[] {
  return [
    phase.phase,
    seconds(phase.wallSeconds),
    integer(phase.incidentIoRequests),
    share(phase.hourBudgetShare),
    seconds(phase.budgetMinimumSeconds),
    integer(phase.portRequests),
    integer(phase.entityWrites),
    seconds(phase.transformSeconds),
    `${integer(phase.transformMapped)}/${integer(phase.transformRecords)}`,
    integer(phase.peakTreeRssMb),
    integer(phase.peakRssMb),
    integer(phase.rateLimited),
  ];
}

function oceanRow(result: SyncScaleResult): string[] {
  const { ocean } = result;
  // Ocean's wall time is at least its read within the budget; its transform and memory are not ours to measure.
  return ["  Ocean", `≥ ${seconds(ocean.budgetMinimumSeconds)}`, integer(ocean.incidentIoRequests), share(ocean.hourBudgetShare), seconds(ocean.budgetMinimumSeconds), integer(ocean.portRequests), integer(ocean.entityWrites), "—", "—", "—", "—", "—"];
}

function renderRoutes(phases: readonly SyncPhaseMeasurement[], formatColumns: FormatColumns): string {
  const routes = [...new Set(phases.flatMap((phase) => Object.keys(phase.incidentIoByRoute)))].sort();
  const rows = [["Incident.io requests by route", ...phases.map((phase) => phase.phase)]];
  for (const route of routes) rows.push([route, ...phases.map((phase) => integer(phase.incidentIoByRoute[route] ?? 0))]);
  return formatColumns(rows);
}

function renderModes(phases: readonly SyncPhaseMeasurement[]): string {
  return phases
    .map((phase) => `${phase.phase}: ${phase.kinds.map((kind) => `${kind.name} ${kind.mode} ${kind.requests} req ${seconds(kind.seconds)} s`).join(", ")}`)
    .join("\n");
}

/** One fraction of an xl run: the phases beside Ocean's figures for each, the requests by route and how each kind was read. */
export function renderSyncScale(result: SyncScaleResult, formatColumns: FormatColumns): string {
  const counts = Object.entries(result.counts)
    .map(([kind, count]) => `${kind} ${Array.isArray(count) ? `${count.length}×${count[0] ?? 0}` : integer(count as number)}`)
    .join(", ");
  const rows: string[][] = [HEADER];
  for (const phase of result.phases) rows.push(ourRow(phase), oceanRow(result));
  const changes = result.phases.flatMap((phase) => (phase.changed ? [`${phase.phase}: ${phase.changed.total} records changed (${Object.entries(phase.changed.byKind).map(([kind, n]) => `${kind} ${n}`).join(", ")})`] : []));
  const comparison = result.portAfterFullRefresh;
  const exact = comparison
    ? `Port after the full refresh: ${integer(comparison.staged)} staged entities, ${comparison.missing} missing, ${comparison.differing} differing, ${comparison.extra} extra${comparison.examples.length > 0 ? ` (${comparison.examples.join("; ")})` : ""}`
    : "";
  return [
    `${Math.round(result.fraction * 100)}% of xl, ${result.latencyMs} ms Incident.io latency, ${result.requestsPerMinute} requests a minute enforced: ${counts}`,
    formatColumns(rows),
    "Ocean: every resync reads every kind in full (as our cold run did) and upserts every entity in bulks of 20, reading each back in searches of 50.",
    ...changes,
    exact,
    renderRoutes(result.phases, formatColumns),
    `How each kind was read:\n${renderModes(result.phases)}`,
  ]
    .filter(Boolean)
    .join("\n");
}
