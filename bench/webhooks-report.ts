import type { WebhookPhaseResult } from "./result";
import type { LatencySummary } from "./webhooks-figures";

/** Lays out a table's rows as columns: report.ts's formatColumns, handed in since report.ts imports this module. */
type FormatColumns = (rows: readonly (readonly string[])[]) => string;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function latencyRow(name: string, latency: LatencySummary): string[] {
  return [name, String(latency.count), seconds(latency.p50Ms), seconds(latency.p95Ms), seconds(latency.p99Ms), seconds(latency.maxMs)];
}

function listRoutes(routes: Readonly<Record<string, number>>): string {
  return Object.entries(routes)
    .sort(([, a], [, b]) => b - a)
    .map(([route, count]) => `${route} ${count}`)
    .join(", ");
}

/** The webhook phase: latency percentiles inside and outside the product, throughput, requests, memory and Port's exactness. */
export function renderWebhooks(result: WebhookPhaseResult, formatColumns: FormatColumns): string {
  const counts = Object.entries(result.counts)
    .map(([kind, count]) => `${kind} ${Array.isArray(count) ? `${count.length}×${count[0] ?? 0}` : Math.round(count as number).toLocaleString("en-US")}`)
    .join(", ");
  const { sender, portExact } = result;
  return [
    `Webhooks (issue 15): ${result.planned} mutations at ${result.perSecond}/s over ${result.streamSeconds.toFixed(1)} s, each a signed event posted to etl serve: ${counts}`,
    formatColumns([
      ["latency", "events", "p50 s", "p95 s", "p99 s", "max s"],
      latencyRow("receipt → Port write (inbox)", result.latency),
      latencyRow("post → Port write (sandboxes)", result.portWriteLatency),
    ]),
    `${result.unmatchedEvents} events had no Port write of their own after their post (coalesced into an earlier write, or no change to the entity)`,
    `Throughput: ${result.appliedPerSecond.toFixed(1)} events applied a second; sender: ${sender.sent} posted, ${sender.delivered} answered 2xx, ${sender.redelivered} redelivered, ${sender.gaveUp} given up; ${result.pending} pending at the end`,
    `Incident.io: ${result.incidentIoRequests} requests (${listRoutes(result.incidentIoByRoute)}); Port: ${result.portRequests} requests (${listRoutes(result.portRoutes)}), ${result.entityWrites} entity writes`,
    `serve: ${result.passes} passes (${(result.latency.count / Math.max(1, result.passes)).toFixed(1)} events a pass), peak tree RSS ${Math.round(result.serveTreeRssMb)} MB; SIGTERM: ${result.serveExit}; load average ${result.loadAverage.toFixed(1)} when the stream ended`,
    `Port after a full refresh: ${result.fullRefreshWrites} writes by it; ${portExact.staged} staged entities, ${portExact.missing} missing, ${portExact.differing} differing, ${portExact.extra} extra` +
      (portExact.examples.length > 0 ? ` (${portExact.examples.join("; ")})` : ""),
  ].join("\n");
}
