import { describe, expect, it } from "vitest";
import { createStreamChanger, planStream, type StreamChange } from "../../../bench/webhooks-stream";
import { createIncidentIoDataset } from "../../../src/sandbox/incidentio/dataset";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";

const SMALL = { users: 5, alert_sources: 2, schedules: 3, alerts: 200, incidents: 10, catalog_types: 1, catalog_entries: [2], severities: 4, teams: 2, follow_ups: 8 };

describe("planStream", () => {
  it("plans the same stream for the same seed, and another for another seed", () => {
    expect(planStream(50, 3)).toEqual(planStream(50, 3));
    expect(planStream(50, 3)).not.toEqual(planStream(50, 4));
  });

  it("deals every change of the mix in about its share", () => {
    const shares = new Map<StreamChange, number>();
    for (const { change } of planStream(10_000, 1)) shares.set(change, (shares.get(change) ?? 0) + 1);
    const weights = { "incident-status": 18, "incident-rename": 18, "incident-create": 3, "alert-fire": 15, "alert-resolve": 15, "follow-up-create": 5, "follow-up-update": 15, "schedule-create": 3, "schedule-update": 6, "schedule-delete": 2 };
    expect([...shares.keys()].sort()).toEqual(Object.keys(weights).sort());
    for (const [change, weight] of Object.entries(weights)) expect(Math.abs((shares.get(change as StreamChange) ?? 0) / 100 - weight), change).toBeLessThan(1.5);
  });
});

describe("createStreamChanger", () => {
  const statusName = (record: JsonObject | undefined) => (record?.["incident_status"] as JsonObject | undefined)?.["name"];
  const field = (name: string) => (before: JsonObject | undefined, after: JsonObject | undefined) => before?.[name] !== after?.[name];

  it.each([
    { change: "incident-status" as const, kind: "incidents" as const, changed: (before: JsonObject | undefined, after: JsonObject | undefined) => statusName(before) !== statusName(after) },
    { change: "incident-rename" as const, kind: "incidents" as const, changed: field("name") },
    { change: "alert-resolve" as const, kind: "alerts" as const, changed: (before: JsonObject | undefined, after: JsonObject | undefined) => before?.["status"] !== "resolved" && after?.["status"] === "resolved" },
    { change: "follow-up-update" as const, kind: "follow_ups" as const, changed: field("title") },
    { change: "schedule-update" as const, kind: "schedules" as const, changed: field("name") },
  ])("$change changes the $kind record it picks, each time it is applied", ({ change, kind, changed }) => {
    const dataset = createIncidentIoDataset({ seed: 2, scale: SMALL, openAlerts: "few" });
    const apply = createStreamChanger(dataset);
    for (const serial of [1, 2]) {
      const before = new Map([...dataset.records(kind)].map((record) => [String(record["id"]), record]));
      const touched = apply({ change, pick: 0.5 }, serial);
      expect(touched?.kind).toBe(kind);
      expect(touched && changed(before.get(touched.id), dataset.get(kind, touched.id))).toBe(true);
    }
  });

  it("moves an incident through live statuses and Closed only, so that it stays listed", () => {
    const dataset = createIncidentIoDataset({ seed: 2, scale: SMALL, openAlerts: "few" });
    const apply = createStreamChanger(dataset);
    const names = [1, 2, 3, 4, 5].map((serial) => statusName(dataset.get("incidents", apply({ change: "incident-status", pick: 0.1 }, serial)?.id ?? "")));
    expect(names).toEqual(["Investigating", "Fixing", "Monitoring", "Closed", "Investigating"]);
  });

  it.each([
    { change: "incident-create" as const, kind: "incidents" as const },
    { change: "alert-fire" as const, kind: "alerts" as const },
    { change: "follow-up-create" as const, kind: "follow_ups" as const },
    { change: "schedule-create" as const, kind: "schedules" as const },
  ])("$change adds a $kind record the list then serves, and that later changes may pick", ({ change, kind }) => {
    const dataset = createIncidentIoDataset({ seed: 2, scale: SMALL, openAlerts: "few" });
    const count = dataset.count(kind);
    const apply = createStreamChanger(dataset);
    const added = apply({ change, pick: 0.3 }, 1);
    expect([added?.kind, dataset.count(kind)]).toEqual([kind, count + 1]);
  });

  it("deletes schedules while more than two are left", () => {
    const dataset = createIncidentIoDataset({ seed: 2, scale: SMALL, openAlerts: "few" });
    const apply = createStreamChanger(dataset);
    const deleted = [1, 2, 3].map((serial) => apply({ change: "schedule-delete", pick: 0 }, serial)?.kind);
    expect([deleted, dataset.count("schedules")]).toEqual([["schedules", undefined, undefined], 2]);
  });
});
