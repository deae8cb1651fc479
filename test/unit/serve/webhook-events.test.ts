import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readWebhookBody } from "../../../src/serve/webhook-events";

interface WebhookOperation {
  readonly get: { readonly responses: { readonly "200": { readonly content: { readonly "application/json": { readonly example: Record<string, unknown> } } } } };
}
const spec = JSON.parse(readFileSync(fileURLToPath(new URL("../../../spec/incidentio-openapi3.json", import.meta.url)), "utf8")) as {
  "x-webhooks": Record<string, WebhookOperation>;
};
const example = (eventType: string) => spec["x-webhooks"][`/x-webhooks/${eventType}`]?.get.responses["200"].content["application/json"].example;

// The spec's own examples: public variants carry the record (a status update nests it under `incident`),
// private ones only `{"id": "abc123"}`.
const APPLIED = [
  { eventType: "public_incident.incident_created_v2", resource: "incident", recordId: "01FDAG4SAP5TYPT98WGR2N7W91", deleted: false },
  { eventType: "public_incident.incident_updated_v2", resource: "incident", recordId: "01FDAG4SAP5TYPT98WGR2N7W91", deleted: false },
  { eventType: "public_incident.incident_status_updated_v2", resource: "incident", recordId: "01FDAG4SAP5TYPT98WGR2N7W91", deleted: false },
  { eventType: "private_incident.incident_created_v2", resource: "incident", recordId: "abc123", deleted: false },
  { eventType: "private_incident.incident_updated_v2", resource: "incident", recordId: "abc123", deleted: false },
  { eventType: "public_incident.follow_up_created_v2", resource: "follow_up", recordId: "01FCNDV6P870EA6S7TK1DSYDG0", deleted: false },
  { eventType: "public_incident.follow_up_updated_v2", resource: "follow_up", recordId: "01FCNDV6P870EA6S7TK1DSYDG0", deleted: false },
  { eventType: "private_incident.follow_up_created_v2", resource: "follow_up", recordId: "abc123", deleted: false },
  { eventType: "private_incident.follow_up_updated_v2", resource: "follow_up", recordId: "abc123", deleted: false },
  { eventType: "public_alert.alert_created_v1", resource: "alert", recordId: "01GW2G3V0S59R238FAHPDS1R66", deleted: false },
  { eventType: "public_alert.alert_resolved_v1", resource: "alert", recordId: "01GW2G3V0S59R238FAHPDS1R66", deleted: false },
  { eventType: "private_alert.alert_created_v1", resource: "alert", recordId: "abc123", deleted: false },
  { eventType: "private_alert.alert_resolved_v1", resource: "alert", recordId: "abc123", deleted: false },
  { eventType: "schedule.created_v1", resource: "schedule", recordId: "01G0J1EXE7AXZ2C93K61WBPYEH", deleted: false },
  { eventType: "schedule.updated_v1", resource: "schedule", recordId: "01G0J1EXE7AXZ2C93K61WBPYEH", deleted: false },
  { eventType: "schedule.deleted_v1", resource: "schedule", recordId: "01G0J1EXE7AXZ2C93K61WBPYEH", deleted: true },
] as const;

describe("readWebhookBody over the spec's examples", () => {
  it.each(APPLIED)("$eventType is about $resource $recordId", ({ eventType, resource, recordId, deleted }) => {
    const body = example(eventType);
    expect(body, `the spec has no example for ${eventType}`).toBeDefined();
    expect(readWebhookBody("msg_1", body)).toEqual({ outcome: "event", event: { webhookId: "msg_1", eventType, resource, recordId, deleted } });
  });

  it("applies every variant the spec lists of the events serve applies", () => {
    const families = /^(public|private)_(incident\.(incident_(created|updated|status_updated)|follow_up_(created|updated))_v2|alert\.alert_(created|resolved)_v1)$|^schedule\.(created|updated|deleted)_v1$/;
    const listed = Object.keys(spec["x-webhooks"])
      .filter((key) => key.startsWith("/x-webhooks/"))
      .map((key) => key.slice("/x-webhooks/".length))
      .filter((type) => families.test(type));
    expect(listed.sort()).toEqual(APPLIED.map((applied) => applied.eventType).sort());
  });

  it.each([
    "public_incident.action_created_v1",
    "private_incident.membership_granted_v1",
    "public_incident.follow_up_created_v1",
    "schedule.shift_change_v1",
    "public_escalation.escalation_created_v1",
  ])("%s is unknown: serve does not apply it", (eventType) => {
    expect(readWebhookBody("msg_1", example(eventType))).toEqual({ outcome: "unknown", eventType });
  });
});

describe("readWebhookBody on bodies that are not events serve can apply", () => {
  const id = (eventType: string, object: unknown) => ({ event_type: eventType, [eventType]: object });
  it.each([
    { name: "a type no one sends", body: { event_type: "public_incident.incident_exploded_v9", x: 1 }, outcome: "unknown" },
    { name: "an inherited property's name as a type", body: { event_type: "constructor" }, outcome: "unknown" },
    { name: "null", body: null, outcome: "invalid" },
    { name: "an array", body: [{ event_type: "schedule.created_v1" }], outcome: "invalid" },
    { name: "no event_type", body: { "schedule.created_v1": { id: "s1" } }, outcome: "invalid" },
    { name: "an empty event_type", body: { event_type: "" }, outcome: "invalid" },
    { name: "a number as event_type", body: { event_type: 7 }, outcome: "invalid" },
    { name: "no object under the type", body: { event_type: "schedule.created_v1" }, outcome: "invalid" },
    { name: "an object without id", body: id("private_alert.alert_created_v1", {}), outcome: "invalid" },
    { name: "a numeric id", body: id("private_alert.alert_created_v1", { id: 12 }), outcome: "invalid" },
    { name: "a blank id", body: id("private_alert.alert_created_v1", { id: "  " }), outcome: "invalid" },
    { name: "an overlong id", body: id("private_alert.alert_created_v1", { id: "x".repeat(201) }), outcome: "invalid" },
    { name: "a status update with the id at the top, not under incident", body: id("public_incident.incident_status_updated_v2", { id: "i1" }), outcome: "invalid" },
    { name: "a status update whose incident is not an object", body: id("public_incident.incident_status_updated_v2", { incident: "i1" }), outcome: "invalid" },
  ])("$name: $outcome", ({ body, outcome }) => {
    expect(readWebhookBody("msg_1", body).outcome).toBe(outcome);
  });

  it("says where the id was expected", () => {
    expect(readWebhookBody("msg_1", { event_type: "public_incident.incident_status_updated_v2", "public_incident.incident_status_updated_v2": {} })).toEqual({
      outcome: "invalid",
      problem: "a public_incident.incident_status_updated_v2 event needs the record's id at public_incident.incident_status_updated_v2.incident.id, a string of 1 to 200 characters",
    });
  });
});
