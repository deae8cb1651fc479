import type { RecordChange } from "./dataset";
import type { JsonObject } from "./json";

/**
 * One event as Incident.io posts it: the body is `{"event_type": T, T: payload}` (the spec's
 * `x-webhooks` schemas). A `private_*` event carries only the record's `id`, so a receiver must read
 * the record with its API key.
 */
export interface WebhookMessage {
  readonly eventType: string;
  readonly body: JsonObject;
}

/** What decides which events a change makes besides the change itself. */
export interface PayloadContext {
  /** Whether the incident with this ID is private (its follow-ups' events are private too). */
  isPrivateIncident(incidentId: string): boolean;
  /** Alert events are `private_alert.*` (an organisation whose alert sources are private). */
  readonly privateAlerts: boolean;
}

function message(eventType: string, payload: JsonObject): WebhookMessage {
  return { eventType, body: { event_type: eventType, [eventType]: payload } };
}

function idOf(record: JsonObject): string {
  return String(record["id"]);
}

/** `private_x.y` with `{id}` when private, else `public_x.y` with the whole payload. */
function scoped(isPrivate: boolean, scope: string, event: string, record: JsonObject, payload: JsonObject = record): WebhookMessage {
  return isPrivate ? message(`private_${scope}.${event}`, { id: idOf(record) }) : message(`public_${scope}.${event}`, payload);
}

/** `ScheduleSlimV2`: the schedule events carry the schedule without its rotations and shifts. */
function slimSchedule(schedule: JsonObject): JsonObject {
  const slim: JsonObject = {};
  for (const field of ["id", "name", "timezone", "team_ids", "created_at", "updated_at"]) {
    const value = schedule[field];
    if (value !== undefined) slim[field] = value;
  }
  return slim;
}

/** `FollowUpV2`: the v2 shape, without the `category` only `/v3/follow_ups` adds. */
function followUpV2(followUp: JsonObject): JsonObject {
  const { category: _category, ...rest } = followUp;
  return rest;
}

function statusIdOf(incident: JsonObject | undefined): unknown {
  const status = incident?.["incident_status"];
  return status !== null && typeof status === "object" && !Array.isArray(status) ? status["id"] : undefined;
}

function incidentEvents(before: JsonObject | undefined, after: JsonObject): WebhookMessage[] {
  const isPrivate = after["visibility"] === "private";
  if (!before) return [scoped(isPrivate, "incident", "incident_created_v2", after)];
  const events = [scoped(isPrivate, "incident", "incident_updated_v2", after)];
  // The spec has no private variant of the status event: a private incident's status change is an update.
  if (!isPrivate && statusIdOf(before) !== statusIdOf(after)) {
    events.push(
      message("public_incident.incident_status_updated_v2", {
        incident: after,
        previous_status: before["incident_status"] ?? {},
        new_status: after["incident_status"] ?? {},
      }),
    );
  }
  return events;
}

/**
 * The events Incident.io sends for one record change, in the order it sends them. Kinds and changes
 * that have no event (a user, a deleted incident, an alert edited without resolving) send none.
 */
export function webhookMessagesFor(change: RecordChange, context: PayloadContext): WebhookMessage[] {
  const { kind, before, after } = change;
  switch (kind) {
    case "incidents":
      return after ? incidentEvents(before, after) : [];
    case "follow_ups": {
      if (!after) return [];
      const isPrivate = context.isPrivateIncident(String(after["incident_id"]));
      return [scoped(isPrivate, "incident", before ? "follow_up_updated_v2" : "follow_up_created_v2", after, followUpV2(after))];
    }
    case "alerts": {
      if (!after) return [];
      if (!before) return [scoped(context.privateAlerts, "alert", "alert_created_v1", after)];
      const resolved = before["status"] !== "resolved" && after["status"] === "resolved";
      return resolved ? [scoped(context.privateAlerts, "alert", "alert_resolved_v1", after)] : [];
    }
    case "schedules": {
      const event = !before ? "created_v1" : !after ? "deleted_v1" : "updated_v1";
      const record = after ?? before;
      return record ? [message(`schedule.${event}`, slimSchedule(record))] : [];
    }
    default:
      return [];
  }
}
