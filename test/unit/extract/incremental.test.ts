import { describe, expect, it } from "vitest";
import { decideExtractMode, findUpdatedSinceFilter, formatSince, type ExtractAttempt } from "../../../src/extract/incremental";
import type { ResourceMapping } from "../../../src/model/mapping";

const SETTINGS = { fullEveryRuns: 4, fullEveryHours: 24, lookbackMinutes: 10, alertsByIdMax: 200 };
const NOW = Date.parse("2025-03-10T12:00:00.000Z");
const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000).toISOString();

const full = (runId: number, status: string, startedAt: string): ExtractAttempt => ({ runId, mode: "full", status, startedAt });
const incremental = (runId: number, status: string, startedAt: string): ExtractAttempt => ({ runId, mode: "incremental", status, startedAt });

describe("decideExtractMode", () => {
  it.each([
    { name: "an endpoint without an update filter is always read in full", canFilter: false, fullRefresh: false, history: [full(1, "complete", hoursAgo(1))], expected: { mode: "full", reason: "no-update-filter" } },
    { name: "--full-refresh reads in full", canFilter: true, fullRefresh: true, history: [full(1, "complete", hoursAgo(1))], expected: { mode: "full", reason: "full-refresh" } },
    { name: "the first extract of a kind is full", canFilter: true, fullRefresh: false, history: [], expected: { mode: "full", reason: "no-complete-full" } },
    { name: "a failed full extract does not count as a snapshot", canFilter: true, fullRefresh: false, history: [full(1, "failed", hoursAgo(2))], expected: { mode: "full", reason: "no-complete-full" } },
    { name: "an interrupted full extract (still running) does not count either", canFilter: true, fullRefresh: false, history: [full(1, "running", hoursAgo(2))], expected: { mode: "full", reason: "no-complete-full" } },
    {
      name: "after a complete full one, reads since its start minus the lookback",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", "2025-03-10T11:00:00.000Z")],
      expected: { mode: "incremental", since: "2025-03-10T10:50:00.000Z" },
    },
    {
      name: "reads since the start of the latest complete extract, incremental ones included",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", "2025-03-10T09:00:00.000Z"), incremental(2, "complete", "2025-03-10T11:00:00.000Z")],
      expected: { mode: "incremental", since: "2025-03-10T10:50:00.000Z" },
    },
    {
      name: "a failed incremental extract does not move the window forward",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", "2025-03-10T09:00:00.000Z"), incremental(2, "failed", "2025-03-10T11:00:00.000Z")],
      expected: { mode: "incremental", since: "2025-03-10T08:50:00.000Z" },
    },
    {
      name: "history in any order gives the same answer",
      canFilter: true,
      fullRefresh: false,
      history: [incremental(3, "complete", "2025-03-10T11:30:00.000Z"), full(1, "complete", "2025-03-10T09:00:00.000Z"), incremental(2, "complete", "2025-03-10T10:00:00.000Z")],
      expected: { mode: "incremental", since: "2025-03-10T11:20:00.000Z" },
    },
    {
      name: "with fullEveryRuns 4, the third run after a full one is still incremental",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", hoursAgo(3)), incremental(2, "complete", hoursAgo(2)), incremental(3, "complete", hoursAgo(1))],
      expected: { mode: "incremental", since: new Date(NOW - 3_600_000 - 600_000).toISOString() },
    },
    {
      name: "with fullEveryRuns 4, the fourth run after a full one is full",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", hoursAgo(4)), incremental(2, "complete", hoursAgo(3)), incremental(3, "complete", hoursAgo(2)), incremental(4, "complete", hoursAgo(1))],
      expected: { mode: "full", reason: "every-runs" },
    },
    {
      name: "failed runs count towards fullEveryRuns",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", hoursAgo(4)), incremental(2, "failed", hoursAgo(3)), incremental(3, "failed", hoursAgo(2)), incremental(4, "failed", hoursAgo(1))],
      expected: { mode: "full", reason: "every-runs" },
    },
    {
      name: "runs before the latest complete full one do not count",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", hoursAgo(6)), incremental(2, "complete", hoursAgo(5)), incremental(3, "complete", hoursAgo(4)), full(4, "complete", hoursAgo(1))],
      expected: { mode: "incremental", since: new Date(NOW - 3_600_000 - 600_000).toISOString() },
    },
    { name: "a full extract that started fullEveryHours ago is due again", canFilter: true, fullRefresh: false, history: [full(1, "complete", hoursAgo(24))], expected: { mode: "full", reason: "every-hours" } },
    {
      name: "just under fullEveryHours it is not",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", new Date(NOW - 24 * 3_600_000 + 1).toISOString())],
      expected: { mode: "incremental", since: new Date(NOW - 24 * 3_600_000 + 1 - 600_000).toISOString() },
    },
    {
      name: "recent incremental extracts do not postpone the hourly full one",
      canFilter: true,
      fullRefresh: false,
      history: [full(1, "complete", hoursAgo(30)), incremental(2, "complete", hoursAgo(1))],
      expected: { mode: "full", reason: "every-hours" },
    },
    { name: "an unreadable start time counts as long ago", canFilter: true, fullRefresh: false, history: [full(1, "complete", "yesterday")], expected: { mode: "full", reason: "every-hours" } },
  ])("$name", ({ canFilter, fullRefresh, history, expected }) => {
    expect(decideExtractMode({ history, settings: SETTINGS, now: NOW, fullRefresh, canFilter })).toEqual(expected);
  });

  it.each([
    { fullEveryRuns: 1, runsSinceFull: 0, expected: "full" },
    { fullEveryRuns: 2, runsSinceFull: 0, expected: "incremental" },
    { fullEveryRuns: 2, runsSinceFull: 1, expected: "full" },
    { fullEveryRuns: 24, runsSinceFull: 22, expected: "incremental" },
    { fullEveryRuns: 24, runsSinceFull: 23, expected: "full" },
  ])("with fullEveryRuns $fullEveryRuns and $runsSinceFull runs since the last full one, reads $expected", ({ fullEveryRuns, runsSinceFull, expected }) => {
    const history = [full(1, "complete", hoursAgo(1)), ...Array.from({ length: runsSinceFull }, (_, i) => incremental(i + 2, "complete", hoursAgo(0.5)))];
    expect(decideExtractMode({ history, settings: { ...SETTINGS, fullEveryRuns }, now: NOW, fullRefresh: false, canFilter: true }).mode).toBe(expected);
  });
});

describe("formatSince", () => {
  it.each([
    { name: "a day-granular filter gets the UTC day, which covers the whole of it", since: "2025-03-10T00:05:00.000Z", format: "date" as const, expected: "2025-03-10" },
    { name: "a day-granular filter never moves past the instant", since: "2025-03-09T23:59:59.999Z", format: "date" as const, expected: "2025-03-09" },
    { name: "a timestamp filter gets the instant in RFC 3339 UTC", since: "2025-03-10T10:50:00.000Z", format: "timestamp" as const, expected: "2025-03-10T10:50:00.000Z" },
  ])("$name", ({ since, format, expected }) => {
    expect(formatSince(since, format)).toBe(expected);
  });
});

describe("a day-granular window at midnight", () => {
  it.each([
    { name: "a read started 5 minutes after midnight looks back into the day before", startedAt: "2025-03-10T00:05:00.000Z", expected: "2025-03-09" },
    { name: "one started exactly the lookback after midnight starts at that midnight", startedAt: "2025-03-10T00:10:00.000Z", expected: "2025-03-10" },
    { name: "one started just before midnight covers its whole day", startedAt: "2025-03-09T23:59:59.999Z", expected: "2025-03-09" },
  ])("$name", ({ startedAt, expected }) => {
    const decision = decideExtractMode({ history: [full(1, "complete", startedAt)], settings: SETTINGS, now: Date.parse(startedAt) + 3_600_000, fullRefresh: false, canFilter: true });
    if (decision.mode !== "incremental") throw new Error(`expected an incremental read, got ${JSON.stringify(decision)}`);
    expect(formatSince(decision.since, "date")).toBe(expected);
  });
});

describe("findUpdatedSinceFilter", () => {
  const INCIDENTS = { param: "updated_at[gte]", format: "date", finds: "changes" };
  const ALERTS = { param: "created_at[gte]", format: "date", finds: "creations", reserved: ["created_at[", "status["] };
  const resource = (kind: string, over: { queryParams?: Record<string, string>; pathParameters?: unknown[] } = {}) =>
    ({ kind, selector: { queryParams: over.queryParams ?? {}, pathParameters: over.pathParameters ?? [] } }) as unknown as ResourceMapping;

  it.each([
    { name: "incidents filter by day", resource: resource("/v2/incidents"), expected: INCIDENTS },
    { name: "v3 follow-ups filter by timestamp", resource: resource("/v3/follow_ups"), expected: { param: "updated_at[gte]", format: "timestamp", finds: "changes" } },
    { name: "query parameters in the kind do not matter", resource: resource("/v2/incidents?mode[one_of]=test"), expected: INCIDENTS },
    { name: "alerts filter only by creation day, so their read adds the open alerts and those closed since", resource: resource("/v2/alerts"), expected: ALERTS },
    { name: "an alert source filter of the user's does not matter", resource: resource("/v2/alerts", { queryParams: { "alert_source[one_of]": "01ABC" } }), expected: ALERTS },
    { name: "a user's own status filter on alerts stands", resource: resource("/v2/alerts", { queryParams: { "status[one_of]": "firing" } }), expected: undefined },
    { name: "a user's own created_at filter on alerts stands", resource: resource("/v2/alerts?created_at[date_range]=2024-12-02~2024-12-08"), expected: undefined },
    { name: "the deprecated v2 follow-ups take no time filter", resource: resource("/v2/follow_ups"), expected: undefined },
    { name: "users have no time filter", resource: resource("/v2/users"), expected: undefined },
    { name: "a fanned-out kind is read in full", resource: resource("/v3/follow_ups", { pathParameters: [{ name: "incident_id" }] }), expected: undefined },
    { name: "a user's own updated_at[gte] in query_params stands", resource: resource("/v2/incidents", { queryParams: { "updated_at[gte]": "2024-01-01" } }), expected: undefined },
    { name: "a user's own updated_at[gte] in the kind stands", resource: resource("/v3/follow_ups?updated_at[gte]=2024-01-01T00:00:00Z"), expected: undefined },
  ])("$name", ({ resource: r, expected }) => {
    expect(findUpdatedSinceFilter(r)).toEqual(expected);
  });
});
