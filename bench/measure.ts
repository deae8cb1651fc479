import type { RunSummary } from "../src/model/summary";
import type { HostCounters } from "./host-protocol";
import type { MeasuredCommand, MeasuredReport } from "./product";
import type { StageMeasurement, StageName } from "./result";

/** What the sandboxes served between two readings of their counters. */
export interface CounterDelta {
  readonly incidentIoRequests: number;
  readonly incidentIoByPath: Readonly<Record<string, number>>;
  readonly portRequests: number;
  readonly portRoutes: Readonly<Record<string, number>>;
  readonly rateLimited: number;
  readonly entityWrites: number;
  readonly placeholders: number;
  readonly sandboxCpuSeconds: number;
}

function subtractTally(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const difference = value - (before[key] ?? 0);
    if (difference !== 0) delta[key] = difference;
  }
  return delta;
}

/** The counts between two readings of the host's cumulative counters. */
export function diffCounters(before: HostCounters, after: HostCounters): CounterDelta {
  const tooMany = (side: HostCounters["incidentIo"] | HostCounters["port"], earlier: typeof side) => (side.byStatus["429"] ?? 0) - (earlier.byStatus["429"] ?? 0);
  return {
    incidentIoRequests: after.incidentIo.requests - before.incidentIo.requests,
    incidentIoByPath: subtractTally(after.incidentIo.byPath, before.incidentIo.byPath),
    portRequests: after.port.requests - before.port.requests,
    portRoutes: subtractTally(after.port.byRoute, before.port.byRoute),
    rateLimited: tooMany(after.incidentIo, before.incidentIo) + tooMany(after.port, before.port),
    entityWrites: after.port.writes.upsert + after.port.writes.delete - before.port.writes.upsert - before.port.writes.delete,
    placeholders: after.port.writes.placeholder - before.port.writes.placeholder,
    sandboxCpuSeconds: after.host.cpuSeconds - before.host.cpuSeconds,
  };
}

/** What a stage worked through: records read, entities staged, or entities compared with Port's copy. */
export function countStageRecords(stage: StageName, summary: RunSummary): number {
  if (stage === "extract") return (summary.extract?.kinds ?? []).reduce((sum, kind) => sum + kind.records, 0);
  if (stage === "transform") return (summary.transform?.kinds ?? []).reduce((sum, kind) => sum + kind.entities, 0);
  return (summary.load?.blueprints ?? []).reduce((sum, bp) => sum + bp.created + bp.updated + bp.deleted + bp.unchanged, 0);
}

function stageDurationMs(stage: StageName, summary: RunSummary): number {
  return (stage === "extract" ? summary.extract?.durationMs : stage === "transform" ? summary.transform?.durationMs : summary.load?.durationMs) ?? summary.durationMs;
}

/** One stage's measurement from its summary, its process's and command's figures, and what the sandboxes saw meanwhile. */
export function measureStage(
  stage: StageName,
  summary: RunSummary,
  process: Omit<MeasuredReport, "results">,
  command: Pick<MeasuredCommand, "cpuSeconds" | "jqCpuSeconds">,
  delta: CounterDelta,
  timing: { readonly processSeconds: number; readonly loadAverage: number },
): StageMeasurement {
  const stageSeconds = stageDurationMs(stage, summary) / 1000;
  const records = countStageRecords(stage, summary);
  return {
    stage,
    stageSeconds,
    processSeconds: timing.processSeconds,
    records,
    perSecond: stageSeconds > 0 ? records / stageSeconds : 0,
    incidentIoRequests: delta.incidentIoRequests,
    portRequests: delta.portRequests,
    portRoutes: delta.portRoutes,
    rateLimited: delta.rateLimited,
    entityWrites: delta.entityWrites,
    placeholders: delta.placeholders,
    peakRssMb: process.maxRssMb,
    peakTreeRssMb: process.peakTreeRssMb,
    startRssMb: process.startRssMb,
    cpuSeconds: command.cpuSeconds,
    jqCpuSeconds: command.jqCpuSeconds,
    perCpuSecond: command.cpuSeconds + command.jqCpuSeconds > 0 ? records / (command.cpuSeconds + command.jqCpuSeconds) : 0,
    processCpuSeconds: process.cpuSeconds,
    sandboxCpuSeconds: delta.sandboxCpuSeconds,
    loadAverage: timing.loadAverage,
    ...(stage === "extract"
      ? { kinds: (summary.extract?.kinds ?? []).map((k) => ({ name: k.name, mode: k.mode, records: k.records, requests: k.requests, seconds: k.durationMs / 1000 })) }
      : {}),
  };
}
