import { describe, expect, it } from "vitest";
import type { WebhookPhaseResult } from "../../../bench/result";
import { judgeWebhookTargets } from "../../../bench/targets";
import { renderWebhooks } from "../../../bench/webhooks-report";
import { formatColumns } from "../../../bench/report";

const latency = (p95Ms: number, p99Ms: number) => ({ count: 1000, p50Ms: 200, p95Ms, p99Ms, maxMs: p99Ms + 100 });

function makeResult(overrides: Partial<WebhookPhaseResult> = {}): WebhookPhaseResult {
  return {
    counts: { users: 100, alert_sources: 4, schedules: 8, alerts: 4000, incidents: 400, catalog_types: 1, catalog_entries: [4], severities: 4, teams: 10, follow_ups: 400 },
    planned: 1000,
    perSecond: 50,
    streamSeconds: 20,
    sender: { sent: 1000, delivered: 1000, redelivered: 0, gaveUp: 0 },
    latency: latency(900, 1500),
    portWriteLatency: latency(950, 1600),
    unmatchedEvents: 3,
    appliedPerSecond: 49.5,
    pending: 0,
    passes: 100,
    loadAverage: 1.5,
    incidentIoRequests: 1000,
    incidentIoByRoute: { "/v2/incidents/{id}": 600, "/v2/alerts/{id}": 400 },
    portRequests: 800,
    portRoutes: { bulkUpsertEntities: 790, getAccessToken: 1 },
    entityWrites: 997,
    serveTreeRssMb: 180,
    serveExit: "exit 0",
    fullRefreshWrites: 0,
    portExact: { staged: 5000, missing: 0, differing: 0, extra: 0, examples: [] },
    ...overrides,
  };
}

function passes(result: WebhookPhaseResult): (boolean | undefined)[] {
  return judgeWebhookTargets(result).map((verdict) => verdict.pass);
}

describe("judgeWebhookTargets", () => {
  it("passes a run that meets every target of issue 15", () => {
    expect(passes(makeResult())).toEqual([true, true, true, true]);
  });

  it.each([
    { name: "a p95 over 2 s", result: makeResult({ latency: latency(2100, 3000) }), expected: [false, true, true, true] },
    { name: "a p99 over 5 s", result: makeResult({ latency: latency(1900, 5100) }), expected: [true, false, true, true] },
    { name: "an event given up on", result: makeResult({ sender: { sent: 1000, delivered: 999, redelivered: 30, gaveUp: 1 } }), expected: [true, true, false, true] },
    { name: "an event left pending", result: makeResult({ pending: 1 }), expected: [true, true, false, true] },
    { name: "serve not exiting 0 on SIGTERM", result: makeResult({ serveExit: "signal SIGKILL" }), expected: [true, true, false, true] },
    { name: "a full refresh that still had to write", result: makeResult({ fullRefreshWrites: 2 }), expected: [true, true, true, false] },
    { name: "an entity Port holds differently", result: makeResult({ portExact: { staged: 5000, missing: 0, differing: 1, extra: 0, examples: ["differing incident/1"] } }), expected: [true, true, true, false] },
  ])("fails $name", ({ result, expected }) => {
    expect(passes(result)).toEqual(expected);
  });

  it("leaves every target unmeasured when the phase did not run", () => {
    expect(judgeWebhookTargets(undefined).map((verdict) => [verdict.pass, verdict.measured])).toEqual(Array.from({ length: 4 }, () => [undefined, "not run"]));
  });
});

describe("renderWebhooks", () => {
  it("shows both latencies, the throughput, the sender's counts and Port's exactness", () => {
    const text = renderWebhooks(makeResult(), formatColumns);
    expect(text).toContain("1000 mutations at 50/s over 20.0 s");
    expect(text).toMatch(/receipt → Port write \(inbox\)\s+1000\s+0\.20\s+0\.90\s+1\.50\s+1\.60/);
    expect(text).toContain("Throughput: 49.5 events applied a second; sender: 1000 posted, 1000 answered 2xx, 0 redelivered, 0 given up; 0 pending at the end");
    expect(text).toContain("0 writes by it; 5000 staged entities, 0 missing, 0 differing, 0 extra");
    expect(text).toContain("serve: 100 passes (10.0 events a pass), peak tree RSS 180 MB; SIGTERM: exit 0; load average 1.5 when the stream ended");
  });
});
