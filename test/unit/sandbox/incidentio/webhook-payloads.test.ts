import { describe, expect, it } from "vitest";
import type { RecordChange } from "../../../../src/sandbox/incidentio/dataset";
import type { JsonObject } from "../../../../src/sandbox/incidentio/json";
import { nextIncidentStatus } from "../../../../src/sandbox/incidentio/live-changes";
import { webhookMessagesFor, type PayloadContext } from "../../../../src/sandbox/incidentio/webhook-payloads";
import { isDelivered, redeliveryDelayMs, SVIX_REDELIVERY_DELAYS_MS } from "../../../../src/sandbox/incidentio/webhook-sender";

const TRIAGE = { id: "st-triage", name: "Triage" };
const FIXING = { id: "st-fixing", name: "Fixing" };
const incident = (fields: JsonObject = {}): JsonObject => ({ id: "inc-1", name: "Outage", visibility: "public", incident_status: TRIAGE, ...fields });
const followUp = (fields: JsonObject = {}): JsonObject => ({ id: "fu-1", incident_id: "inc-1", title: "Fix it", category: { id: "cat" }, ...fields });
const alert = (fields: JsonObject = {}): JsonObject => ({ id: "al-1", status: "firing", ...fields });
const schedule = (fields: JsonObject = {}): JsonObject => ({ id: "sc-1", name: "On-call", timezone: "UTC", team_ids: [], created_at: "c", updated_at: "u", config: { rotations: [] }, ...fields });

const context = (overrides: Partial<PayloadContext> = {}): PayloadContext => ({ isPrivateIncident: () => false, privateAlerts: false, ...overrides });

describe("webhookMessagesFor: the events Incident.io sends for one record change", () => {
  it.each<{ name: string; change: RecordChange; context?: Partial<PayloadContext>; events: string[] }>([
    { name: "an incident declared", change: { kind: "incidents", after: incident() }, events: ["public_incident.incident_created_v2"] },
    { name: "an incident renamed", change: { kind: "incidents", before: incident(), after: incident({ name: "Big outage" }) }, events: ["public_incident.incident_updated_v2"] },
    {
      name: "an incident's status changed: an update and a status change",
      change: { kind: "incidents", before: incident(), after: incident({ incident_status: FIXING }) },
      events: ["public_incident.incident_updated_v2", "public_incident.incident_status_updated_v2"],
    },
    {
      name: "a private incident's status changed: the spec has no private status event",
      change: { kind: "incidents", before: incident({ visibility: "private" }), after: incident({ visibility: "private", incident_status: FIXING }) },
      events: ["private_incident.incident_updated_v2"],
    },
    { name: "a private incident declared", change: { kind: "incidents", after: incident({ visibility: "private" }) }, events: ["private_incident.incident_created_v2"] },
    { name: "an incident deleted: no event exists", change: { kind: "incidents", before: incident() }, events: [] },
    { name: "a follow-up created", change: { kind: "follow_ups", after: followUp() }, events: ["public_incident.follow_up_created_v2"] },
    { name: "a follow-up updated", change: { kind: "follow_ups", before: followUp(), after: followUp({ title: "Fixed" }) }, events: ["public_incident.follow_up_updated_v2"] },
    {
      name: "a follow-up of a private incident updated",
      change: { kind: "follow_ups", before: followUp(), after: followUp({ title: "Fixed" }) },
      context: { isPrivateIncident: (id) => id === "inc-1" },
      events: ["private_incident.follow_up_updated_v2"],
    },
    { name: "an alert fired", change: { kind: "alerts", after: alert() }, events: ["public_alert.alert_created_v1"] },
    { name: "an alert resolved", change: { kind: "alerts", before: alert(), after: alert({ status: "resolved" }) }, events: ["public_alert.alert_resolved_v1"] },
    { name: "a resolved alert edited: no event", change: { kind: "alerts", before: alert({ status: "resolved" }), after: alert({ status: "resolved", title: "x" }) }, events: [] },
    { name: "a firing alert edited: no event", change: { kind: "alerts", before: alert(), after: alert({ title: "x" }) }, events: [] },
    { name: "a private alert resolved", change: { kind: "alerts", before: alert(), after: alert({ status: "resolved" }) }, context: { privateAlerts: true }, events: ["private_alert.alert_resolved_v1"] },
    { name: "a schedule created", change: { kind: "schedules", after: schedule() }, events: ["schedule.created_v1"] },
    { name: "a schedule updated", change: { kind: "schedules", before: schedule(), after: schedule({ name: "x" }) }, events: ["schedule.updated_v1"] },
    { name: "a schedule deleted", change: { kind: "schedules", before: schedule() }, events: ["schedule.deleted_v1"] },
    { name: "a user changed: Incident.io has no user events", change: { kind: "users", before: { id: "u" }, after: { id: "u", name: "x" } }, events: [] },
    { name: "a record added and removed in one task", change: { kind: "schedules" }, events: [] },
  ])("$name → $events", ({ change, context: overrides, events }) => {
    const messages = webhookMessagesFor(change, context(overrides));
    expect(messages.map((message) => message.eventType)).toEqual(events);
    for (const message of messages) {
      expect(message.body["event_type"]).toBe(message.eventType);
      expect(Object.keys(message.body)).toEqual(["event_type", message.eventType]);
    }
  });

  it("puts only the ID in a private event, and the record's shape for the event in a public one", () => {
    const [privateEvent] = webhookMessagesFor({ kind: "incidents", after: incident({ visibility: "private" }) }, context());
    expect(privateEvent?.body["private_incident.incident_created_v2"]).toEqual({ id: "inc-1" });
    const [deleted] = webhookMessagesFor({ kind: "schedules", before: schedule() }, context());
    expect(deleted?.body["schedule.deleted_v1"]).toEqual({ id: "sc-1", name: "On-call", timezone: "UTC", team_ids: [], created_at: "c", updated_at: "u" });
    const [created] = webhookMessagesFor({ kind: "follow_ups", after: followUp() }, context());
    expect(created?.body["public_incident.follow_up_created_v2"]).not.toHaveProperty("category");
    const [, status] = webhookMessagesFor({ kind: "incidents", before: incident(), after: incident({ incident_status: FIXING }) }, context());
    expect(status?.body["public_incident.incident_status_updated_v2"]).toEqual({ incident: incident({ incident_status: FIXING }), previous_status: TRIAGE, new_status: FIXING });
  });
});

describe("redeliveryDelayMs: Svix's schedule, scaled and capped", () => {
  it.each<{ attempts: number; options?: Parameters<typeof redeliveryDelayMs>[1]; delay: number | undefined }>([
    { attempts: 1, delay: 5_000 },
    { attempts: 2, delay: 300_000 },
    { attempts: 7, delay: 36_000_000 },
    { attempts: 8, delay: undefined },
    { attempts: 1, options: { scale: 0.001 }, delay: 5 },
    { attempts: 3, options: { scale: 0.001 }, delay: 1_800 },
    { attempts: 1, options: { delaysMs: [10, 20] }, delay: 10 },
    { attempts: 2, options: { delaysMs: [10, 20] }, delay: 20 },
    { attempts: 3, options: { delaysMs: [10, 20] }, delay: undefined },
    { attempts: 3, options: { delaysMs: [10, 20], maxAttempts: 5 }, delay: 20 },
    { attempts: 2, options: { maxAttempts: 2 }, delay: undefined },
    { attempts: 1, options: { delaysMs: [] }, delay: undefined },
  ])("after $attempts failed attempts with $options: $delay ms", ({ attempts, options, delay }) => {
    expect(redeliveryDelayMs(attempts, options)).toBe(delay);
  });

  it("spans about a day over eight attempts by default, as Svix does", () => {
    expect(SVIX_REDELIVERY_DELAYS_MS.length + 1).toBe(8);
    expect(SVIX_REDELIVERY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0) / 3_600_000).toBeCloseTo(27.6, 1);
  });

  it.each([
    [200, true],
    [204, true],
    [299, true],
    [301, false],
    [401, false],
    [500, false],
    [undefined, false],
  ] as const)("an answer %s counts as delivered: %s", (status, delivered) => {
    expect(isDelivered(status)).toBe(delivered);
  });
});

describe("nextIncidentStatus", () => {
  const statuses = [TRIAGE, FIXING, { id: "st-closed", name: "Closed" }];
  it.each([
    { current: "st-triage", name: undefined, next: "Fixing" },
    { current: "st-closed", name: undefined, next: "Triage" },
    { current: "unknown", name: undefined, next: "Triage" },
    { current: "st-triage", name: "Closed", next: "Closed" },
  ])("from $current to $name: $next", ({ current, name, next }) => {
    expect(nextIncidentStatus(statuses, current, name)["name"]).toBe(next);
  });

  it("refuses a status the organisation does not have, naming the ones it has", () => {
    expect(() => nextIncidentStatus(statuses, "st-triage", "Resolved")).toThrow('no incident status is named "Resolved"; the sandbox has Triage, Fixing, Closed');
  });
});
