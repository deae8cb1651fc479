import type { WebhookEvent, WebhookResource } from "../model/webhook";

interface AppliedType {
  readonly resource: WebhookResource;
  /** Where the record's id is in the event's object: public status updates nest the incident. */
  readonly idAt: readonly string[];
  readonly deleted: boolean;
}

const record = (resource: WebhookResource, deleted = false): AppliedType => ({ resource, idAt: ["id"], deleted });

// The event types serve applies, as the spec's x-webhooks name them. Public variants carry the record,
// private ones only its id; either way only the id is kept, and the record is read from the API. The
// spec has no private variant of incident_status_updated_v2.
const APPLIED_TYPES: Readonly<Record<string, AppliedType>> = {
  "public_incident.incident_created_v2": record("incident"),
  "public_incident.incident_updated_v2": record("incident"),
  "public_incident.incident_status_updated_v2": { resource: "incident", idAt: ["incident", "id"], deleted: false },
  "private_incident.incident_created_v2": record("incident"),
  "private_incident.incident_updated_v2": record("incident"),
  "public_incident.follow_up_created_v2": record("follow_up"),
  "public_incident.follow_up_updated_v2": record("follow_up"),
  "private_incident.follow_up_created_v2": record("follow_up"),
  "private_incident.follow_up_updated_v2": record("follow_up"),
  "public_alert.alert_created_v1": record("alert"),
  "public_alert.alert_resolved_v1": record("alert"),
  "private_alert.alert_created_v1": record("alert"),
  "private_alert.alert_resolved_v1": record("alert"),
  "schedule.created_v1": record("schedule"),
  "schedule.updated_v1": record("schedule"),
  "schedule.deleted_v1": record("schedule", true),
};

// Incident.io's ids are short ULIDs; a longer value is not an id to put in an API path.
const MAX_ID_LENGTH = 200;

/** What a verified webhook body says, for the receiver. */
export type ReadWebhookBody =
  | { readonly outcome: "event"; readonly event: WebhookEvent }
  /** A type serve does not apply: answered 2xx and counted. */
  | { readonly outcome: "unknown"; readonly eventType: string }
  /** Not an event body (`{"event_type": T, T: {...}}`), or one without the record's id. */
  | { readonly outcome: "invalid"; readonly problem: string };

/** Reads the record a verified, JSON-parsed webhook body (delivered as `webhookId`) is about. */
export function readWebhookBody(webhookId: string, body: unknown): ReadWebhookBody {
  if (!isObject(body) || typeof body.event_type !== "string" || body.event_type === "") {
    return { outcome: "invalid", problem: 'the body is not an Incident.io event: it needs a string "event_type"' };
  }
  const eventType = body.event_type;
  const applied = Object.hasOwn(APPLIED_TYPES, eventType) ? APPLIED_TYPES[eventType] : undefined;
  if (!applied) return { outcome: "unknown", eventType };
  let value: unknown = body[eventType];
  for (const key of applied.idAt) value = isObject(value) ? value[key] : undefined;
  if (typeof value !== "string" || value.trim() === "" || value.length > MAX_ID_LENGTH) {
    return { outcome: "invalid", problem: `a ${eventType} event needs the record's id at ${[eventType, ...applied.idAt].join(".")}, a string of 1 to ${MAX_ID_LENGTH} characters` };
  }
  return { outcome: "event", event: { webhookId, eventType, resource: applied.resource, recordId: value, deleted: applied.deleted } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
