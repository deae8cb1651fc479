import type { JsonObject } from "../json";
import type { EmbeddedKind } from "../kinds";
import { ORG_START_MS } from "../timeline";
import { formatTimestamp, MICROS_PER_MS } from "../timestamps";

/** The settings of the generated organisation that records embed: roles, statuses, attributes and the like. */
export interface OrgConfig {
  readonly slug: string;
  readonly slackTeamId: string;
  readonly alertAttributes: {
    readonly service: JsonObject;
    readonly environment: JsonObject;
    readonly priority: JsonObject;
    readonly labels: JsonObject;
  };
  readonly roles: { readonly lead: JsonObject; readonly reporter: JsonObject; readonly comms: JsonObject; readonly observer: JsonObject };
  /** Live statuses first; `category` decides which an incident gets. */
  readonly statuses: readonly JsonObject[];
  readonly incidentTypes: readonly JsonObject[];
  readonly customFields: {
    readonly affectedServices: JsonObject;
    readonly rootCause: JsonObject;
    readonly rootCauseOptions: readonly JsonObject[];
    readonly revenueImpact: JsonObject;
    readonly runbook: JsonObject;
  };
  readonly incidentTimestamps: readonly JsonObject[];
  readonly durationMetrics: readonly JsonObject[];
  readonly baseRoles: readonly JsonObject[];
  readonly customRoles: readonly JsonObject[];
  readonly priorities: readonly JsonObject[];
  readonly categories: readonly JsonObject[];
  readonly apiKeys: readonly JsonObject[];
  readonly workflows: readonly JsonObject[];
}

type IdOf = (kind: EmbeddedKind, index: number) => string;

/** When the organisation set itself up: settings objects carry this (with millisecond precision, like the reference). */
function setupStamp(minutes: number): string {
  return formatTimestamp((ORG_START_MS + minutes * 60_000 + 668) * MICROS_PER_MS, 3);
}

function statusOf(id: IdOf, index: number, name: string, category: string, rank: number, description: string): JsonObject {
  const at = setupStamp(10);
  return { id: id("incident_statuses", index), name, description, category, rank, created_at: at, updated_at: at };
}

function roleOf(id: IdOf, index: number, fields: { name: string; shortform: string; description: string; instructions: string; role_type: string; required: boolean }): JsonObject {
  const at = setupStamp(12);
  return { id: id("incident_roles", index), ...fields, created_at: at, updated_at: at };
}

function rankedOf(id: IdOf, kind: EmbeddedKind, names: readonly (readonly [string, string | undefined])[]): JsonObject[] {
  return names.map(([name, description], rank) => ({ id: id(kind, rank), name, rank: rank + 1, ...(description ? { description } : {}) }));
}

// Every record embeds these very objects; freezing them makes an in-process consumer that edits one
// record's nested status or role fail loudly instead of silently changing every other record.
function freezeDeep<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) freezeDeep(inner);
    Object.freeze(value);
  }
  return value;
}

/** Builds the organisation's settings, deeply frozen; pure given the ID function. */
export function buildOrgConfig(id: IdOf): OrgConfig {
  const typeAt = setupStamp(8);
  const rootCauseId = id("custom_fields", 1);
  const rootCauseOptions = ["Bad deploy", "Capacity", "Third party", "Configuration change"].map((value, index) => ({
    id: id("custom_field_options", index),
    custom_field_id: rootCauseId,
    value,
    sort_key: (index + 1) * 10,
  }));
  return freezeDeep<OrgConfig>({
    slug: "sandbox-org",
    slackTeamId: "T02A1FSLE8J",
    alertAttributes: {
      service: { id: id("alert_attributes", 0), name: "service", type: "String", array: false, required: false },
      environment: { id: id("alert_attributes", 1), name: "environment", type: "String", array: false, required: false, emoji: "globe" },
      priority: { id: id("alert_attributes", 2), name: "Priority", type: "String", array: false, required: false },
      labels: { id: id("alert_attributes", 3), name: "labels", type: "String", array: true, required: false },
    },
    roles: {
      lead: roleOf(id, 0, { name: "Incident Lead", shortform: "lead", description: "The person currently coordinating the incident", instructions: "Take point on the incident", role_type: "lead", required: true }),
      reporter: roleOf(id, 1, { name: "Reporter", shortform: "reporter", description: "The person who reported the incident", instructions: "", role_type: "reporter", required: false }),
      comms: roleOf(id, 2, { name: "Communications Lead", shortform: "comms", description: "Keeps stakeholders informed", instructions: "Post an update every 30 minutes", role_type: "custom", required: false }),
      // A role type newer than the published enum, for the compatibility policy's "new enum values".
      observer: roleOf(id, 3, { name: "Observer", shortform: "observer", description: "Watches without acting", instructions: "", role_type: "observer", required: false }),
    },
    statuses: [
      statusOf(id, 0, "Triage", "triage", 0, "Deciding whether this is an incident"),
      statusOf(id, 1, "Investigating", "live", 1, "We're actively investigating"),
      statusOf(id, 2, "Fixing", "live", 2, "We know the cause and are fixing it"),
      statusOf(id, 3, "Monitoring", "live", 3, "A fix is out; watching for recurrence"),
      statusOf(id, 4, "Paused", "paused", 4, "Work is paused"),
      statusOf(id, 5, "Documenting", "learning", 5, "Writing up what we learned"),
      statusOf(id, 6, "Closed", "closed", 6, "Impact has been fully mitigated"),
      statusOf(id, 7, "Declined", "declined", 7, "Not an incident"),
      statusOf(id, 8, "Canceled", "canceled", 8, "Opened by mistake"),
      statusOf(id, 9, "Merged", "merged", 9, "Merged into another incident"),
    ],
    incidentTypes: [
      { id: id("incident_types", 0), name: "Default", description: "Default incident type", is_default: true, private_incidents_only: false, create_in_triage: "optional", created_at: typeAt, updated_at: typeAt },
      { id: id("incident_types", 1), name: "Security", description: "Security incidents are private", is_default: false, private_incidents_only: true, create_in_triage: "always", created_at: typeAt, updated_at: typeAt },
      { id: id("incident_types", 2), name: "Customer-facing", description: "Incidents customers can see", is_default: false, private_incidents_only: false, create_in_triage: "optional", created_at: typeAt, updated_at: typeAt },
    ],
    customFields: {
      affectedServices: { id: id("custom_fields", 0), name: "Affected services", description: "Which services are affected", field_type: "multi_select", options: [] },
      rootCause: { id: rootCauseId, name: "Root cause", description: "What caused the incident", field_type: "single_select", options: rootCauseOptions },
      rootCauseOptions,
      revenueImpact: { id: id("custom_fields", 2), name: "Revenue impact", description: "Estimated revenue lost, in USD", field_type: "numeric", options: [] },
      runbook: { id: id("custom_fields", 3), name: "Runbook", description: "The runbook followed", field_type: "link", options: [] },
    },
    incidentTimestamps: ["Reported at", "Impact started", "Resolved at"].map((name, index) => ({ id: id("incident_timestamps", index), name, rank: index + 1 })),
    durationMetrics: ["Time to resolve", "Lasted"].map((name, index) => ({ id: id("duration_metrics", index), name })),
    baseRoles: [
      { id: id("rbac_roles", 0), name: "Owner", slug: "owner", description: "Can do everything, including billing" },
      { id: id("rbac_roles", 1), name: "Admin", slug: "administrator", description: "Can manage settings and everything responders can do" },
      { id: id("rbac_roles", 2), name: "Responder", slug: "responder", description: "Can respond to incidents" },
      { id: id("rbac_roles", 3), name: "Viewer", slug: "viewer", description: "Can view incidents" },
    ],
    customRoles: [
      { id: id("rbac_roles", 4), name: "Catalog Editor", slug: "catalog-editor", description: "Can edit the service catalog" },
      { id: id("rbac_roles", 5), name: "On-call Manager", slug: "on-call-manager" },
    ],
    priorities: rankedOf(id, "follow_up_priorities", [
      ["Low", undefined],
      ["Medium", "Should be done this quarter"],
      ["High", "Should be done this sprint"],
      ["Urgent", "Drop everything"],
    ]),
    categories: rankedOf(id, "follow_up_categories", [
      ["Detection", "Improve detection"],
      ["Prevention", "Stop it happening again"],
      ["Response", undefined],
    ]),
    apiKeys: [
      { id: id("api_keys", 0), name: "PagerDuty importer" },
      { id: id("api_keys", 1), name: "Terraform" },
    ],
    workflows: [{ id: id("workflows", 0), name: "Declare incident from alert" }],
  });
}
