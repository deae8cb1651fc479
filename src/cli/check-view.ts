import type { CheckReport } from "../pipeline/check";
import { printable } from "./printable";

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
    `Port         ${port.baseUrl}: client accepted (an access token and one read)`,
    `Mapping      ${mapping.path}: ${mapping.resources} resources, every jq expression compiles (jq ${report.jqVersion})`,
    `Blueprints   ${blueprints.path}: ${blueprints.count} blueprints, valid and covering the mapping`,
    incidentIo.problem ? "Incident.io is failing now; a run retries it, and fails its kinds if it keeps failing." : "Every check passed.",
  ];
  return `${lines.map(printable).join("\n")}\n`;
}
