import { describe, expect, it } from "vitest";
import { buildMutation, countMutations, pickPositions, splitAlertChanges } from "../../../bench/mutations";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import type { IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";

describe("countMutations", () => {
  it.each([
    { name: "takes 1% of a large list", count: 18_000, fraction: 0.01, expected: 180 },
    { name: "rounds to the nearest record", count: 360, fraction: 0.01, expected: 4 },
    { name: "changes nothing in a list too short for one record", count: 4, fraction: 0.01, expected: 0 },
    { name: "never takes more than the list holds", count: 3, fraction: 1, expected: 3 },
  ])("$name", ({ count, fraction, expected }) => {
    expect(countMutations(count, fraction)).toBe(expected);
  });
});

describe("pickPositions", () => {
  it.each([
    { name: "spreads picks evenly over the list", count: 10, wanted: 3, expected: [0, 3, 6] },
    { name: "picks every position when all are wanted", count: 4, wanted: 4, expected: [0, 1, 2, 3] },
    { name: "picks nothing from an empty list", count: 0, wanted: 2, expected: [] },
    { name: "picks no more than the list holds", count: 2, wanted: 5, expected: [0, 1] },
  ])("$name", ({ count, wanted, expected }) => {
    expect(pickPositions(count, wanted)).toEqual(expected);
  });
});

describe("splitAlertChanges", () => {
  it.each([
    { name: "resolves 1% of the open alerts and has the rest of 1% of all arrive", alerts: 1_000_000, open: 18_231, expected: { resolve: 182, arrive: 9_818 } },
    { name: "resolves none when none is open", alerts: 20_000, open: 0, expected: { resolve: 0, arrive: 200 } },
    { name: "never resolves more than the change allows", alerts: 100, open: 100, expected: { resolve: 1, arrive: 0 } },
  ])("$name", ({ alerts, open, expected }) => {
    expect(splitAlertChanges(alerts, open, 0.01)).toEqual(expected);
  });
});

const NOW = "2026-12-07T20:00:00.000Z";

describe("buildMutation", () => {
  const spare = { id: "U1", name: "Spare" };
  const cases: { name: string; kind: IncidentIoKind; record: JsonObject; expected: JsonObject }[] = [
    { name: "deactivates an active user", kind: "users", record: { id: "u", name: "Ada", is_active: true }, expected: { is_active: false } },
    { name: "activates an inactive user", kind: "users", record: { id: "u", is_active: false }, expected: { is_active: true } },
    { name: "resolves an alert now", kind: "alerts", record: { id: "a", status: "firing" }, expected: { status: "resolved", resolved_at: NOW } },
    { name: "retitles a follow-up without a title", kind: "follow_ups", record: { id: "f" }, expected: { title: " [bench 7]" } },
    { name: "renames an incident", kind: "incidents", record: { id: "i", name: "Outage" }, expected: { name: "Outage [bench 7]" } },
    { name: "adds an alias to a catalog entry rather than renaming it", kind: "catalog_entries", record: { id: "c", name: "api", aliases: ["x"] }, expected: { aliases: ["x", "bench-7"] } },
    { name: "drops a team's last member rather than renaming it", kind: "teams", record: { id: "t", members: [{ id: "U2" }, { id: "U3" }] }, expected: { members: [{ id: "U2" }] } },
    { name: "gives a team without members the spare one", kind: "teams", record: { id: "t", members: [] }, expected: { members: [spare] } },
  ];
  it.each(cases)("$name", ({ kind, record, expected }) => {
    expect(buildMutation(kind, record, 7, spare, NOW)).toEqual(expected);
  });

  it("refuses severities, whose names every incident embeds", () => {
    expect(() => buildMutation("severities", { id: "s", name: "Major" }, 1, spare, NOW)).toThrow(new RangeError("severities is not mutated by the benchmark"));
  });
});
