import type { IncidentIoDataset } from "./dataset";
import type { JsonObject } from "./json";

/**
 * What happens to alerts in Incident.io between two reads, as its alert sources make it happen, for
 * tests that play a timeline against the sandbox. The spec (`AlertV2.deduplication_key`) says events
 * sent with one deduplication key create one alert; what a firing event does once that alert is
 * resolved it leaves open. The sandbox models a re-fire as a new alert (new ID, created now) carrying
 * the same key, while the resolved one stays resolved. The incremental alerts read does not depend on
 * the choice: a new alert is in its created_at and open reads, one re-opened in place in its open read.
 */

/** A new alert firing now (an alert source's first event for a key); `fields` override generated ones. */
export function fireAlert(dataset: IncidentIoDataset, fields: JsonObject = {}): JsonObject {
  return dataset.add("alerts", { ...fields, status: "firing" });
}

/**
 * Resolves alert `id` now, as a resolution event does: status, `resolved_at` and `updated_at` move
 * together. Throws RangeError for an unknown or deleted ID.
 */
export function resolveAlert(dataset: IncidentIoDataset, id: string): JsonObject {
  // One update, so that the change (and its webhook) carries the resolved state whole.
  const at = dataset.stamp();
  return dataset.update("alerts", id, { status: "resolved", resolved_at: at, updated_at: at });
}

/** A firing event for the key of resolved alert `id`: a new firing alert with the same source, key and content. */
export function refireAlert(dataset: IncidentIoDataset, id: string): JsonObject {
  const resolved = dataset.get("alerts", id);
  if (resolved === undefined) throw new RangeError(`no alert ${id} to fire again`);
  const { id: _id, created_at: _created, updated_at: _updated, resolved_at: _resolved, status: _status, ...content } = resolved;
  return fireAlert(dataset, content);
}
