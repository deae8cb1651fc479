import type { IncidentIoKind } from "../kinds";

/** One record in this many carries the compatibility quirks of its kind. */
const QUIRK_PERIOD = 25;

// Chosen below each kind's `tiny` count, so even the smallest dataset has one quirky record per kind.
const RESIDUES: Readonly<Record<IncidentIoKind, number>> = {
  users: 4,
  alert_sources: 3,
  schedules: 5,
  alerts: 6,
  incidents: 11,
  catalog_types: 1,
  catalog_entries: 5,
  severities: 3,
  teams: 2,
  follow_ups: 9,
};

/**
 * What the API's compatibility policy allows at any time (new response fields, new enum values), per
 * kind: the extra field quirky records carry, and the JSON pointer (`*` = any array index) of the
 * field holding a value outside the published enum. Kinds without enum fields get only the extra field.
 */
export const QUIRKS: Readonly<Record<IncidentIoKind, { readonly extraField: string; readonly unknownEnumAt?: string }>> = {
  users: { extraField: "locale", unknownEnumAt: "/seats/on_call" },
  alert_sources: { extraField: "deduplication_window_minutes", unknownEnumAt: "/source_type" },
  schedules: { extraField: "overrides_count", unknownEnumAt: "/config/rotations/0/handovers/0/interval_type" },
  alerts: { extraField: "tags", unknownEnumAt: "/status" },
  incidents: { extraField: "slack_channel_url", unknownEnumAt: "/incident_role_assignments/*/role/role_type" },
  catalog_types: { extraField: "sync_status", unknownEnumAt: "/icon" },
  catalog_entries: { extraField: "managed_by" },
  severities: { extraField: "color" },
  teams: { extraField: "slack_channel_id" },
  follow_ups: { extraField: "due_date", unknownEnumAt: "/external_issue_reference/provider" },
};

/** Whether generated record `index` of `kind` carries its kind's quirks. */
export function hasQuirk(kind: IncidentIoKind, index: number): boolean {
  return index % QUIRK_PERIOD === RESIDUES[kind];
}
