import { loadavg } from "node:os";
import type { RunSummary } from "../src/model/summary";
import type { SandboxHost } from "./host-client";
import type { MutationReport } from "./host-protocol";
import { MUTABLE_KINDS } from "./mutations";
import { runAgainstHost } from "./phases";
import { SYNC_PHASES, type SyncPhaseMeasurement, type SyncPhaseName } from "./result";
import { measureSyncRun } from "./sync-measure";

// A full read of 10^6 alerts within 1,200 requests a minute takes about 17 minutes; three hours is stuck.
const RUN_TIMEOUT_MS = 3 * 60 * 60_000;
// The share of records the 1%-change phase changes.
const CHANGE_FRACTION = 0.01;

const RUN_ARGS: Readonly<Record<SyncPhaseName, readonly string[]>> = {
  cold: ["run", "--json"],
  hourly: ["run", "--json"],
  "one-percent": ["run", "--json"],
  "full-refresh": ["run", "--json", "--full-refresh"],
};

function describe(measurement: SyncPhaseMeasurement): string {
  const routes = Object.entries(measurement.incidentIoByRoute)
    .sort(([, a], [, b]) => b - a)
    .map(([route, count]) => `${route} ${count}`)
    .join(", ");
  return (
    `${measurement.phase}: ${measurement.wallSeconds.toFixed(1)} s (extract ${measurement.extractSeconds.toFixed(1)}, transform ${measurement.transformSeconds.toFixed(1)}, ` +
    `load ${measurement.loadSeconds.toFixed(1)}), Incident.io ${measurement.incidentIoRequests} requests (${(measurement.hourBudgetShare * 100).toFixed(2)}% of an hour's budget: ${routes}), ` +
    `Port ${measurement.portRequests} requests, ${measurement.entityWrites} entity writes, ${measurement.rateLimited} × 429, peak tree RSS ${Math.round(measurement.peakTreeRssMb)} MB`
  );
}

/**
 * The sync phases against one sandbox host and one staging file, each one `etl run` in a process of
 * its own (so each has its own peak RSS): a cold full run, the hourly run with nothing changed, a run
 * after 1% of the records of every kind changed, and a full refresh. `onPhase` gets each phase's
 * measurement and run summary as it ends, so that a benchmark stopped later keeps them.
 */
export async function runSyncPhases(
  host: SandboxHost,
  env: Readonly<Record<string, string>>,
  log: (line: string) => void,
  onPhase: (measurement: SyncPhaseMeasurement, summary: RunSummary) => void,
): Promise<void> {
  for (const phase of SYNC_PHASES) {
    let changed: MutationReport | undefined;
    if (phase === "one-percent") {
      changed = await host.mutate(CHANGE_FRACTION, MUTABLE_KINDS);
      log(`${phase}: changed ${changed.total} records in Incident.io`);
    }
    const { report, summary, seconds, delta } = await runAgainstHost(host, RUN_ARGS[phase], env, RUN_TIMEOUT_MS);
    const measurement = measureSyncRun(phase, summary, report, delta, { wallSeconds: seconds, loadAverage: loadavg()[0] ?? 0 }, changed);
    log(describe(measurement));
    onPhase(measurement, summary);
  }
}
