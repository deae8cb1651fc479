import type { IncidentIoKind } from "../kinds";
import type { RecordGenerator } from "./context";
import { generateAlertSource } from "./alert-sources";
import { generateAlert } from "./alerts";
import { generateCatalogEntry, generateCatalogType } from "./catalog";
import { generateFollowUp } from "./follow-ups";
import { generateIncident } from "./incidents";
import { generateSchedule } from "./schedules";
import { generateSeverity } from "./severities";
import { generateTeam } from "./teams";
import { generateUser } from "./users";

/** The generator of each kind's records. */
export const GENERATORS: Readonly<Record<IncidentIoKind, RecordGenerator>> = {
  users: generateUser,
  alert_sources: generateAlertSource,
  schedules: generateSchedule,
  alerts: generateAlert,
  incidents: generateIncident,
  catalog_types: generateCatalogType,
  catalog_entries: generateCatalogEntry,
  severities: generateSeverity,
  teams: generateTeam,
  follow_ups: generateFollowUp,
};
