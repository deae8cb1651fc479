import { fireAlert, resolveAlert } from "./alert-lifecycle";
import type { IncidentIoDataset } from "./dataset";
import type { JsonObject } from "./json";
import type { IncidentIoKind } from "./kinds";

/**
 * One change as someone makes it in Incident.io while `serve` listens, each of which sends webhooks.
 * Without an `id`, the record changed is picked from the first page of its list as served (so it is
 * one a sync staged), rotating with the caller's serial number.
 */
export type LiveChange =
  /** To the named status (`Fixing`, `Closed`…), or the next one of the organisation's statuses. */
  | { readonly type: "incident-status"; readonly id?: string; readonly status?: string }
  | { readonly type: "incident-rename"; readonly id?: string }
  | { readonly type: "incident-create" }
  | { readonly type: "alert-fire" }
  /** Resolves the alert, or the oldest one still firing. */
  | { readonly type: "alert-resolve"; readonly id?: string }
  | { readonly type: "follow-up-create"; readonly incidentId?: string }
  | { readonly type: "follow-up-update"; readonly id?: string }
  | { readonly type: "schedule-create" }
  | { readonly type: "schedule-update"; readonly id?: string }
  | { readonly type: "schedule-delete"; readonly id?: string };

/** The record a live change touched. */
export interface LiveChangeResult {
  readonly kind: IncidentIoKind;
  readonly id: string;
  /** What changed, in a few words: `status Triage → Fixing`. */
  readonly summary: string;
}

// Records a change picks from when it names none: one page of the list, as a sync reads it first.
const PICK_PAGE = 250;

function pickListed(dataset: IncidentIoDataset, kind: IncidentIoKind, serial: number): JsonObject {
  const { records } = dataset.page(kind, { pageSize: PICK_PAGE });
  const record = records[serial % Math.max(records.length, 1)];
  if (!record) throw new RangeError(`the sandbox lists no ${kind} to change`);
  return record;
}

function existing(dataset: IncidentIoDataset, kind: IncidentIoKind, id: string | undefined, serial: number): JsonObject {
  if (id === undefined) return pickListed(dataset, kind, serial);
  const record = dataset.get(kind, id);
  if (!record) throw new RangeError(`no ${kind} record has ID ${id}`);
  return record;
}

function idOf(record: JsonObject): string {
  return String(record["id"]);
}

/** `text` with its live-change suffix (from an earlier change) replaced by this serial's, so names do not grow. */
function relabel(text: unknown, serial: number): string {
  return `${String(text ?? "").replace(/ \(live \d+\)$/, "")} (live ${serial})`;
}

/** The status named `name`, or the one after `currentId` in the organisation's list (wrapping around). */
export function nextIncidentStatus(statuses: readonly JsonObject[], currentId: unknown, name?: string): JsonObject {
  if (name !== undefined) {
    const named = statuses.find((status) => status["name"] === name);
    if (!named) throw new RangeError(`no incident status is named ${JSON.stringify(name)}; the sandbox has ${statuses.map((status) => String(status["name"])).join(", ")}`);
    return named;
  }
  const at = statuses.findIndex((status) => status["id"] === currentId);
  const next = statuses[(at + 1) % statuses.length];
  if (!next) throw new RangeError("the sandbox's organisation has no incident statuses");
  return next;
}

function statusName(incident: JsonObject): string {
  const status = incident["incident_status"];
  return status !== null && typeof status === "object" && !Array.isArray(status) ? String(status["name"]) : "?";
}

/** Makes `change` in `dataset`; the sandbox's webhooks then send its events. Throws RangeError for an unknown ID or status. */
export function makeLiveChange(dataset: IncidentIoDataset, change: LiveChange, serial: number): LiveChangeResult {
  switch (change.type) {
    case "incident-status": {
      const incident = existing(dataset, "incidents", change.id, serial);
      const status = nextIncidentStatus(dataset.incidentStatuses, (incident["incident_status"] as JsonObject | undefined)?.["id"], change.status);
      const updated = dataset.update("incidents", idOf(incident), { incident_status: status });
      return { kind: "incidents", id: idOf(updated), summary: `status ${statusName(incident)} → ${statusName(updated)}` };
    }
    case "incident-rename": {
      const incident = existing(dataset, "incidents", change.id, serial);
      const updated = dataset.update("incidents", idOf(incident), { name: relabel(incident["name"], serial) });
      return { kind: "incidents", id: idOf(updated), summary: `renamed ${JSON.stringify(updated["name"])}` };
    }
    case "incident-create": {
      // Listed by default, so that a full read stages it too.
      const created = dataset.add("incidents", { mode: "standard", visibility: "public" });
      return { kind: "incidents", id: idOf(created), summary: "declared" };
    }
    case "alert-fire": {
      const fired = fireAlert(dataset);
      return { kind: "alerts", id: idOf(fired), summary: "firing" };
    }
    case "alert-resolve": {
      const firing = change.id ?? (dataset.records("alerts", { statusNotIn: ["resolved"] }).next().value as JsonObject | undefined)?.["id"];
      if (typeof firing !== "string") throw new RangeError("the sandbox has no firing alert to resolve");
      return { kind: "alerts", id: idOf(resolveAlert(dataset, firing)), summary: "resolved" };
    }
    case "follow-up-create": {
      const incidentId = change.incidentId ?? idOf(pickListed(dataset, "incidents", serial));
      const created = dataset.add("follow_ups", { incident_id: incidentId, status: "outstanding" });
      return { kind: "follow_ups", id: idOf(created), summary: `created for incident ${incidentId}` };
    }
    case "follow-up-update": {
      const followUp = existing(dataset, "follow_ups", change.id, serial);
      const updated = dataset.update("follow_ups", idOf(followUp), { title: relabel(followUp["title"], serial) });
      return { kind: "follow_ups", id: idOf(updated), summary: `retitled ${JSON.stringify(updated["title"])}` };
    }
    case "schedule-create": {
      const created = dataset.add("schedules", { name: `Live on-call ${serial}` });
      return { kind: "schedules", id: idOf(created), summary: "created" };
    }
    case "schedule-update": {
      const schedule = existing(dataset, "schedules", change.id, serial);
      const updated = dataset.update("schedules", idOf(schedule), { name: relabel(schedule["name"], serial) });
      return { kind: "schedules", id: idOf(updated), summary: `renamed ${JSON.stringify(updated["name"])}` };
    }
    case "schedule-delete": {
      const schedule = existing(dataset, "schedules", change.id, serial);
      dataset.remove("schedules", idOf(schedule));
      return { kind: "schedules", id: idOf(schedule), summary: "deleted" };
    }
  }
}
