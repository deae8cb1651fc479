import { describe, expect, it } from "vitest";
import { hasProblem, renderCheckReport } from "../../../src/cli/check-view";
import { describeFailure, pickRateLimitHeaders, type CheckReport } from "../../../src/pipeline/check";

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe("pickRateLimitHeaders", () => {
  it.each<{ sent: Record<string, string>; picked: Record<string, string> }>([
    { sent: {}, picked: {} },
    { sent: { "content-type": "application/json" }, picked: {} },
    { sent: { "x-ratelimit-limit": "1200", "x-ratelimit-remaining": "1187", date: "x" }, picked: { "x-ratelimit-limit": "1200", "x-ratelimit-remaining": "1187" } },
    { sent: { "retry-after": "2", ratelimit: "limit=1200, remaining=3" }, picked: { ratelimit: "limit=1200, remaining=3", "retry-after": "2" } },
  ])("picks $picked out of $sent", ({ sent, picked }) => {
    expect(pickRateLimitHeaders(headers(sent))).toEqual(picked);
  });
});

const REPORT: CheckReport = {
  incidentIo: { baseUrl: "https://api.incident.io", status: 200 },
  rateLimitHeaders: { "x-ratelimit-remaining": "1187" },
  port: { baseUrl: "https://api.port.io", missingBlueprints: [], createsMissing: true, failing: false },
  mapping: { path: "resources/port-app-config.yml", resources: 10, expressions: "compiled" },
  blueprints: { path: "resources/blueprints.json", count: 8 },
  jqVersion: "1.7.1",
};

describe("renderCheckReport", () => {
  it("shows one line a check and the headers seen", () => {
    expect(renderCheckReport(REPORT, 1200)).toMatchInlineSnapshot(`
      "Incident.io  https://api.incident.io: key accepted (GET /v1/identity answered 200)
                   rate-limit headers: x-ratelimit-remaining: 1187
      Port         https://api.port.io: client accepted; every blueprint of the file is in Port
      Mapping      resources/port-app-config.yml: 10 resources, every jq expression compiles (jq 1.7.1)
      Blueprints   resources/blueprints.json: 8 blueprints, valid and covering the mapping
      Every check passed.
      "
    `);
  });

  it.each([
    { port: { missingBlueprints: ["incidentioUser"], createsMissing: true }, says: "client accepted; Port lacks 1 blueprint (incidentioUser), which the first run creates", passed: true },
    {
      port: { missingBlueprints: ["a", "b"], createsMissing: false, problem: "Port lacks a, b and OCEAN__INITIALIZE_PORT_RESOURCES is off: create them in Port, or turn it on" },
      says: "the client was not refused, but Port lacks a, b and OCEAN__INITIALIZE_PORT_RESOURCES is off",
      passed: false,
    },
    {
      port: { missingBlueprints: [], problem: "POST /v1/auth/access_token: 503: busy; Port is failing: the load retries it on its own", failing: true },
      says: "Port is failing, not refusing the client: POST /v1/auth/access_token: 503: busy",
      passed: false,
    },
  ])("says $says", ({ port, says, passed }) => {
    const report = { ...REPORT, port: { ...REPORT.port, ...port } };
    expect(renderCheckReport(report, 1200)).toContain(says);
    expect(hasProblem(report)).toBe(!passed);
    expect(renderCheckReport(report, 1200).includes("Every check passed.")).toBe(passed);
  });

  it("says when Incident.io is failing rather than refusing", () => {
    const text = renderCheckReport({ ...REPORT, incidentIo: { ...REPORT.incidentIo, status: 503, problem: "GET /v1/identity answered 503" }, rateLimitHeaders: {} }, 600);
    expect(text).toContain("the key was not refused, but GET /v1/identity answered 503");
    expect(text).toContain("none sent; the client paces itself to ETL_REQUESTS_PER_MINUTE (600 a minute)");
    expect(text).not.toContain("Every check passed.");
  });
});

describe("describeFailure", () => {
  it.each([
    { message: "Port at https://api.port.io: GET /v1/blueprints: 503: busy; Port is failing: the load retries it on its own", service: "Port", baseUrl: "https://api.port.io/", says: "GET /v1/blueprints: 503: busy" },
    { message: "Incident.io at https://api.incident.io: GET /v1/identity: 502: bad gateway; Incident.io is failing: the extract retries it on its own", service: "Incident.io", baseUrl: "https://api.incident.io", says: "GET /v1/identity: 502: bad gateway" },
    { message: "something else", service: "Port", baseUrl: "https://api.port.io", says: "something else" },
  ] as const)("$says", ({ message, service, baseUrl, says }) => {
    expect(describeFailure({ message, isConfiguration: false, retryable: true }, service, baseUrl)).toBe(says);
  });
});
