import { describe, expect, it } from "vitest";
import { createIncidentIoDataset } from "../../../../src/sandbox/incidentio/dataset";
import { createdAtFilter, parseListOptions, type ListOptions, type Query } from "../../../../src/sandbox/incidentio/filters";
import { parseTimestampMicros } from "../../../../src/sandbox/incidentio/timestamps";

const micros = (iso: string): number => parseTimestampMicros(iso) ?? Number.NaN;

describe("parseListOptions: created_at on incidents", () => {
  it.each<{ name: string; query: Query; expected: ListOptions }>([
    { name: "gte and lte are kept as sent", query: { "created_at[gte]": "2024-03-01", "created_at[lte]": "2024-03-05" }, expected: { createdAtGte: "2024-03-01", createdAtLte: "2024-03-05" } },
    { name: "date_range gives both ends", query: { "created_at[date_range]": "2024-12-02~2024-12-08" }, expected: { createdAtGte: "2024-12-02", createdAtLte: "2024-12-08" } },
    {
      name: "the narrower bound holds when date_range and gte/lte both name one",
      query: { "created_at[date_range]": "2024-12-02~2024-12-08", "created_at[gte]": "2024-12-04", "created_at[lte]": "2024-12-10" },
      expected: { createdAtGte: "2024-12-04", createdAtLte: "2024-12-08" },
    },
  ])("$name", ({ query, expected }) => {
    expect(parseListOptions("incidents", query, { createdAt: true })).toEqual(expected);
  });

  it.each([
    { name: "a range without ~", value: "2024-12-02" },
    { name: "a range of timestamps", value: "2024-12-02T00:00:00Z~2024-12-08T00:00:00Z" },
    { name: "a range with an impossible date", value: "2024-02-31~2024-03-02" },
  ])("refuses $name with a created_at issue", ({ value }) => {
    expect(parseListOptions("incidents", { "created_at[date_range]": value }, { createdAt: true })).toMatchObject({ field: "created_at", code: "invalid_value" });
  });

  it("ignores created_at where the endpoint takes no such filter", () => {
    expect(parseListOptions("schedules", { "created_at[gte]": "2024-03-01" }, {})).toEqual({});
  });
});

describe("createdAtFilter", () => {
  // The reference: created_at[lte]=2021-01-02 finds what was "created before or on 2021-01-02T00:00:00Z".
  it.each([
    { name: "the last instant of the day before lte's day", at: "2024-03-01T23:59:59.999999Z", options: { createdAtLte: "2024-03-02" }, expected: true },
    { name: "midnight of lte's day", at: "2024-03-02T00:00:00Z", options: { createdAtLte: "2024-03-02" }, expected: true },
    { name: "a microsecond past midnight of lte's day", at: "2024-03-02T00:00:00.000001Z", options: { createdAtLte: "2024-03-02" }, expected: false },
    { name: "midnight of gte's day", at: "2024-03-02T00:00:00Z", options: { createdAtGte: "2024-03-02" }, expected: true },
    { name: "the last instant before gte's day", at: "2024-03-01T23:59:59.999Z", options: { createdAtGte: "2024-03-02" }, expected: false },
    { name: "a timestamp bound counts as its day", at: "2024-03-02T01:00:00Z", options: { createdAtGte: "2024-03-02T12:00:00Z" }, expected: true },
  ])("$name: $expected", ({ at, options, expected }) => {
    expect(createdAtFilter(options)?.(micros(at))).toBe(expected);
  });

  it("sets no test when no bound is given", () => {
    expect(createdAtFilter({})).toBeUndefined();
  });
});

describe("dataset: incidents listed by creation day", () => {
  it("lists the incidents created within a date_range's days, a patched created_at included", () => {
    const dataset = createIncidentIoDataset({ seed: 5, scale: "demo" });
    const all = [...dataset.records("incidents")];
    const edge = String(all[3]?.["id"]);
    dataset.update("incidents", edge, { created_at: "2024-06-03T00:00:00Z" });
    const options = parseListOptions("incidents", { "created_at[date_range]": "2024-06-01~2024-06-03" }, { createdAt: true }) as ListOptions;
    const listed = [...dataset.records("incidents", options)].map((incident) => incident["id"]);
    const expected = [...dataset.records("incidents")]
      .filter((incident) => {
        const at = Date.parse(String(incident["created_at"]));
        return at >= Date.UTC(2024, 5, 1) && at <= Date.UTC(2024, 5, 3);
      })
      .map((incident) => incident["id"]);
    expect(listed).toEqual(expected);
    expect(listed).toContain(edge);
  });
});

describe("dataset: alerts listed by creation day without scanning the whole list", () => {
  it("lists exactly the alerts a scan of every alert's created_at keeps, for windows at the list's ends and in its middle", () => {
    const dataset = createIncidentIoDataset({ seed: 9, scale: { users: 1, alert_sources: 1, schedules: 1, alerts: 3000, incidents: 1, catalog_types: 1, catalog_entries: [1], severities: 1, teams: 1, follow_ups: 1 } });
    dataset.add("alerts");
    const all = [...dataset.records("alerts")];
    const days = [String(all[0]?.["created_at"]).slice(0, 10), String(all[1500]?.["created_at"]).slice(0, 10), String(all[2999]?.["created_at"]).slice(0, 10)];
    const windows = [
      { createdAtLte: days[0] },
      { createdAtGte: days[0], createdAtLte: days[1] },
      { createdAtGte: days[1], createdAtLte: days[1] },
      { createdAtGte: days[1] },
      { createdAtGte: days[2], createdAtLte: "2099-01-01" },
    ];
    for (const options of windows) {
      const isKept = createdAtFilter(options) as (micros: number) => boolean;
      const expected = all.filter((alert) => isKept(micros(String(alert["created_at"])))).map((alert) => alert["id"]);
      expect([...dataset.records("alerts", options)].map((alert) => alert["id"]), JSON.stringify(options)).toEqual(expected);
    }
  });
});
