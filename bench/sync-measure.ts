import type { RunSummary } from "../src/model/summary";
import { INCIDENT_IO_REQUESTS_PER_MINUTE, minimumSecondsFor, shareOfHourBudget } from "./baseline-rules";
import type { MutationReport } from "./host-protocol";
import type { CounterDelta } from "./measure";
import type { MeasuredReport } from "./product";
import type { SyncPhaseMeasurement, SyncPhaseName } from "./result";

/** One sync phase's measurement from its run summary, its process's figures and what the sandboxes saw meanwhile. Pure. */
export function measureSyncRun(
  phase: SyncPhaseName,
  summary: RunSummary,
  process: Pick<MeasuredReport, "maxRssMb" | "peakTreeRssMb">,
  delta: CounterDelta,
  timing: { readonly wallSeconds: number; readonly loadAverage: number },
  changed: MutationReport | undefined,
): SyncPhaseMeasurement {
  const transformKinds = summary.transform?.kinds ?? [];
  return {
    phase,
    ...(changed ? { changed } : {}),
    wallSeconds: timing.wallSeconds,
    extractSeconds: (summary.extract?.durationMs ?? 0) / 1000,
    transformSeconds: (summary.transform?.durationMs ?? 0) / 1000,
    loadSeconds: (summary.load?.durationMs ?? 0) / 1000,
    incidentIoRequests: delta.incidentIoRequests,
    incidentIoByRoute: delta.incidentIoByPath,
    hourBudgetShare: shareOfHourBudget(delta.incidentIoRequests),
    budgetMinimumSeconds: minimumSecondsFor(delta.incidentIoRequests, INCIDENT_IO_REQUESTS_PER_MINUTE),
    portRequests: delta.portRequests,
    portRoutes: delta.portRoutes,
    entityWrites: delta.entityWrites,
    placeholders: delta.placeholders,
    rateLimited: delta.rateLimited,
    // A summary from before transform counted what it mapped mapped every record.
    transformMapped: transformKinds.reduce((sum, kind) => sum + (kind.mapped ?? kind.records), 0),
    transformRecords: transformKinds.reduce((sum, kind) => sum + kind.records, 0),
    peakRssMb: process.maxRssMb,
    peakTreeRssMb: process.peakTreeRssMb,
    kinds: (summary.extract?.kinds ?? []).map((kind) => ({ name: kind.name, mode: kind.mode, records: kind.records, requests: kind.requests, seconds: kind.durationMs / 1000 })),
    loadAverage: timing.loadAverage,
  };
}
