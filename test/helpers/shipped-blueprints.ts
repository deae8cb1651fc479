import type { IncidentIoKind } from "../../src/sandbox/incidentio/kinds";

/** The blueprint the shipped mapping gives each kind: what tests read back from the Port sandbox. */
export const BLUEPRINT_OF_KIND: Readonly<Record<IncidentIoKind, string>> = {
  users: "incidentioUser",
  alert_sources: "incidentioAlertSource",
  schedules: "incidentioSchedule",
  alerts: "incidentioAlert",
  incidents: "incidentioIncident",
  catalog_types: "incidentioCatalogType",
  catalog_entries: "incidentioCatalogEntry",
  severities: "incidentioSeverity",
  teams: "incidentioTeam",
  follow_ups: "incidentioFollowUp",
};
