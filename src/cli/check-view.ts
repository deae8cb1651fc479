import type { CheckReport } from "../pipeline/check";
import { printable } from "./printable";

/** Whether `etl check` found something a run would trip on (exit 1). */
export function hasProblem(report: CheckReport): boolean {
  return report.incidentIo.problem !== undefined || report.port.problem !== undefined;
}

function describePort(port: CheckReport["port"]): string {
  if (port.failing) return `Port is failing, not refusing the client: ${port.problem ?? "no answer"}`;
  if (port.problem) return `the client was not refused, but ${port.problem}`;
  const missing = port.missingBlueprints ?? [];
  if (missing.length === 0) return "client accepted; every blueprint of the file is in Port";
  return `client accepted; Port lacks ${missing.length} blueprint${missing.length === 1 ? "" : "s"} (${missing.join(", ")}), which the first run creates`;
}

/** `etl check` as one line a check, then the rate-limit headers Incident.io sent, then the verdict. */
export function renderCheckReport(report: CheckReport, requestsPerMinute: number): string {
  const { incidentIo, port, mapping, blueprints } = report;
  const headers = Object.entries(report.rateLimitHeaders);
  const lines = [
    incidentIo.problem
      ? `Incident.io  ${incidentIo.baseUrl}: the key was not refused, but ${incidentIo.problem}`
      : `Incident.io  ${incidentIo.baseUrl}: key accepted (GET /v1/identity answered ${incidentIo.status})`,
    headers.length > 0
      ? `             rate-limit headers: ${headers.map(([name, value]) => `${name}: ${value}`).join(", ")}`
      : `             rate-limit headers: none sent; the client paces itself to ETL_REQUESTS_PER_MINUTE (${requestsPerMinute} a minute)`,
    `Port         ${port.baseUrl}: ${describePort(port)}`,
    `Mapping      ${mapping.path}: ${mapping.resources} resources, every jq expression compiles (jq ${report.jqVersion})`,
    `Blueprints   ${blueprints.path}: ${blueprints.count} blueprints, valid and covering the mapping`,
    incidentIo.problem ? "Incident.io is failing now; a run retries it, and fails its kinds if it keeps failing." : undefined,
    port.failing ? "Port is failing now; a run retries it, and fails if it keeps failing." : undefined,
    hasProblem(report) ? undefined : "Every check passed.",
  ];
  return `${lines.flatMap((line) => (line === undefined ? [] : [printable(line)])).join("\n")}\n`;
}
