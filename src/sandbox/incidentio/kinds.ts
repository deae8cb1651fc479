/** The ten resources the sandbox serves, named after the last URL segment of their list endpoint. */
export const INCIDENTIO_KINDS = [
  "users",
  "alert_sources",
  "schedules",
  "alerts",
  "incidents",
  "catalog_types",
  "catalog_entries",
  "severities",
  "teams",
  "follow_ups",
] as const;
export type IncidentIoKind = (typeof INCIDENTIO_KINDS)[number];

/** Objects that only appear embedded in the ten resources; they need IDs too, distinct from every kind's. */
export const EMBEDDED_KINDS = [
  "alert_attributes",
  "alert_groups",
  "incident_roles",
  "incident_statuses",
  "incident_types",
  "custom_fields",
  "custom_field_options",
  "incident_timestamps",
  "duration_metrics",
  "rbac_roles",
  "follow_up_priorities",
  "follow_up_categories",
  "api_keys",
  "workflows",
  "catalog_attributes",
  "team_catalog_entries",
  "schedule_rotations",
  "schedule_layers",
  "schedule_entries",
] as const;
export type EmbeddedKind = (typeof EMBEDDED_KINDS)[number];

export type IdKind = IncidentIoKind | EmbeddedKind;

/** Whether `value` names one of the ten served kinds. */
export function isIncidentIoKind(value: string): value is IncidentIoKind {
  return (INCIDENTIO_KINDS as readonly string[]).includes(value);
}
