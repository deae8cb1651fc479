import { describe, expect, it } from "vitest";
import { formatColumns } from "../../../bench/report";
import type { SyncScaleResult } from "../../../bench/result";
import { renderSyncScale } from "../../../bench/sync-report";

const PHASE = {
  wallSeconds: 42.3,
  extractSeconds: 40,
  transformSeconds: 1.25,
  loadSeconds: 0.5,
  incidentIoRequests: 540,
  incidentIoByRoute: { "/v2/alerts?status[not_in]": 500, "/v2/users?include_inactive": 40 },
  hourBudgetShare: 0.0075,
  budgetMinimumSeconds: 27,
  portRequests: 4,
  portRoutes: {},
  entityWrites: 0,
  placeholders: 0,
  rateLimited: 0,
  transformMapped: 0,
  transformRecords: 1_000,
  peakRssMb: 250.4,
  peakTreeRssMb: 301.6,
  kinds: [{ name: "alerts", mode: "incremental", records: 20_000, requests: 500, seconds: 38 }],
  loadAverage: 1,
};

const RESULT: SyncScaleResult = {
  fraction: 1,
  counts: { users: 10_000, alert_sources: 1, schedules: 1, alerts: 1_000_000, incidents: 1, catalog_types: 2, catalog_entries: [500, 500], severities: 4, teams: 1, follow_ups: 1 },
  latencyMs: 150,
  requestsPerMinute: 1200,
  phases: [{ phase: "hourly", ...PHASE }],
  ocean: { incidentIoRequests: 21_600, hourBudgetShare: 0.3, budgetMinimumSeconds: 1_080, portRequests: 85_000, entityWrites: 1_200_000 },
  portAfterFullRefresh: { staged: 1_200_000, missing: 0, differing: 1, extra: 0, examples: ["differing incidentioAlert/A1"] },
};

describe("renderSyncScale", () => {
  it("puts Ocean's figures under each phase, then Port's comparison, the requests by route and how each kind was read", () => {
    expect(renderSyncScale(RESULT, formatColumns)).toBe(
      [
        "100% of xl, 150 ms Incident.io latency, 1200 requests a minute enforced: users 10,000, alert_sources 1, schedules 1, alerts 1,000,000, incidents 1, catalog_types 2, catalog_entries 2×500, severities 4, teams 1, follow_ups 1",
        "phase      wall s  Inc.io req  % hour budget  budget min s  Port req  entity writes  transform s   mapped  tree RSS MB  node RSS MB  429s",
        "hourly       42.3         540          0.75%          27.0         4              0         1.25  0/1,000          302          250     0",
        "  Ocean  ≥ 1080.0      21,600          30.0%        1080.0    85,000      1,200,000            —        —            —            —     —",
        "Ocean: every resync reads every kind in full (as our cold run did) and upserts every entity in bulks of 20, reading each back in searches of 50.",
        "Port after the full refresh: 1,200,000 staged entities, 0 missing, 1 differing, 0 extra (differing incidentioAlert/A1)",
        "Incident.io requests by route  hourly",
        "/v2/alerts?status[not_in]         500",
        "/v2/users?include_inactive         40",
        "How each kind was read:",
        "hourly: alerts incremental 500 req 38.0 s",
      ].join("\n"),
    );
  });
});
