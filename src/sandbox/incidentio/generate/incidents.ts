import type { JsonObject } from "../json";
import { hashIndex } from "../random";
import { tagOf } from "../ids";
import { formatTimestamp } from "../timestamps";
import type { GenerationContext, RecordGenerator } from "./context";
import { catalogEntryName, firstEntryRange } from "./catalog";
import { INCIDENT_SUBJECTS, SERVICE_WORDS } from "./names";
import { hasQuirk } from "./quirks";
import { severityRef } from "./severities";
import { userRef } from "./users";

const MODE_PERIOD = 20;
const TEST_RESIDUE = 7;
const TUTORIAL_RESIDUE = 13;

/** The mode generated incident `index` has: about one in ten is a test or tutorial incident, hidden by default. */
export function incidentModeAt(index: number): string {
  if (index % MODE_PERIOD === TEST_RESIDUE) return "test";
  if (index % MODE_PERIOD === TUTORIAL_RESIDUE) return "tutorial";
  if (index % 5 === 4) return "retrospective";
  return "standard";
}

/** The newest generated incident at or before `index` whose mode is `mode` (test or tutorial); undefined when there is none. */
export function latestIncidentInMode(index: number, mode: "test" | "tutorial"): number | undefined {
  const residue = mode === "test" ? TEST_RESIDUE : TUTORIAL_RESIDUE;
  const latest = index - ((((index - residue) % MODE_PERIOD) + MODE_PERIOD) % MODE_PERIOD);
  return latest >= 0 ? latest : undefined;
}

/** Incidents without a severity (in triage, or declined). */
export function lacksSeverity(index: number): boolean {
  return index % 8 === 2;
}

/** Incidents whose lead role is listed without an assignee. */
export function hasUnassignedLead(index: number): boolean {
  return index % 11 === 4;
}

function statusSlot(index: number, pick: number): number {
  if (lacksSeverity(index)) return index % 16 === 2 ? 0 : 7;
  const bucket = pick % 20;
  if (bucket < 2) return 1 + (pick % 3);
  if (bucket === 2) return 4;
  if (bucket < 6) return 5;
  if (bucket === 6) return 8;
  if (bucket === 7) return 9;
  return 6;
}

function roleAssignments(ctx: GenerationContext, index: number, pick: number): JsonObject[] {
  const { lead, reporter, comms, observer } = ctx.org.roles;
  const user = (salt: number): JsonObject => userRef(ctx, hashIndex(ctx.seed, tagOf("incidents"), index, salt) % ctx.counts.users);
  const assignments: JsonObject[] = [hasUnassignedLead(index) ? { role: lead } : { role: lead, assignee: user(41) }];
  assignments.push(index % 3 === 0 ? { role: reporter } : { role: reporter, assignee: user(42) });
  if (pick % 4 === 1) assignments.push(index % 8 === 5 ? { role: comms } : { role: comms, assignee: user(43) });
  if (hasQuirk("incidents", index)) assignments.push({ role: observer, assignee: user(44) });
  return assignments;
}

function creator(ctx: GenerationContext, index: number): JsonObject {
  if (index % 9 === 1) return { api_key: ctx.org.apiKeys[index % ctx.org.apiKeys.length] ?? {} };
  if (index % 15 === 10) return { workflow: ctx.org.workflows[0] ?? {} };
  if (index % 15 === 5 && ctx.counts.alerts > 0) {
    const alert = index % ctx.counts.alerts;
    return { alert: { id: ctx.id("alerts", alert), title: "Alert that opened this incident" } };
  }
  return { user: userRef(ctx, hashIndex(ctx.seed, tagOf("incidents"), index, 40) % ctx.counts.users) };
}

function customFieldEntries(ctx: GenerationContext, index: number, pick: number, closed: boolean): JsonObject[] {
  if (index % 5 === 0) return [];
  const fields = ctx.org.customFields;
  const entries: JsonObject[] = [];
  const [start, end] = firstEntryRange(ctx);
  if (end > start) {
    const services = [start + (pick % (end - start)), start + ((pick >>> 7) % (end - start))].filter((entry, position, all) => all.indexOf(entry) === position);
    entries.push({
      custom_field: fields.affectedServices,
      values: services.slice(0, 1 + (index % 2)).map((entry) => {
        const name = catalogEntryName(ctx, entry);
        return { value_catalog_entry: { id: ctx.id("catalog_entries", entry), name, external_id: name, aliases: [] } };
      }),
    });
  }
  if (closed) entries.push({ custom_field: fields.rootCause, values: [{ value_option: fields.rootCauseOptions[pick % fields.rootCauseOptions.length] ?? {} }] });
  if (index % 4 === 1) entries.push({ custom_field: fields.revenueImpact, values: [{ value_numeric: String((pick % 500) * 100) }] });
  if (index % 6 === 3) entries.push({ custom_field: fields.runbook, values: index % 12 === 3 ? [] : [{ value_link: "https://runbooks.example.com/incident-response" }] });
  return entries;
}

/** `IncidentV2` as `/v2/incidents` lists it. */
export const generateIncident: RecordGenerator = (ctx, index) => {
  const pick = hashIndex(ctx.seed, tagOf("incidents"), index, 30);
  const created = ctx.created("incidents", index);
  const updated = ctx.updated("incidents", index);
  const number = index + 1;
  const mode = incidentModeAt(index);
  const status = ctx.org.statuses[statusSlot(index, pick)] ?? {};
  const category = String(status["category"]);
  const type = ctx.org.incidentTypes[pick % 7 === 0 ? 1 : pick % 7 === 1 ? 2 : 0] ?? {};
  const service = SERVICE_WORDS[pick % SERVICE_WORDS.length] ?? "api";
  const subject = INCIDENT_SUBJECTS[(pick >>> 4) % INCIDENT_SUBJECTS.length] ?? "outage";
  const name = `${service[0]?.toUpperCase()}${service.slice(1)} ${subject}`;
  const closed = category === "closed" || category === "learning";
  const incident: JsonObject = {
    id: ctx.id("incidents", index),
    reference: `INC-${number}`,
    name,
    incident_status: status,
    visibility: type["private_incidents_only"] === true || index % 12 === 5 ? "private" : "public",
    mode,
    creator: creator(ctx, index),
    incident_role_assignments: roleAssignments(ctx, index, pick),
    custom_field_entries: customFieldEntries(ctx, index, pick, closed),
    incident_type: type,
    permalink: `https://app.incident.io/${ctx.org.slug}/incidents/${number}`,
    // Imported (retrospective) incidents never had a Slack channel: the API sends an empty ID.
    slack_channel_id: mode === "retrospective" ? "" : `C0${pick.toString(36).toUpperCase().padStart(8, "0")}`,
    slack_team_id: ctx.org.slackTeamId,
    team_ids: ctx.counts.teams === 0 ? [] : ctx.rng("incidents", index, 1).distinct(pick % 3, ctx.counts.teams).map((team) => ctx.id("teams", team)),
    created_at: created.text,
    updated_at: updated.text,
    last_activity_at: updated.text,
  };
  if (!lacksSeverity(index) && ctx.counts.severities > 0) incident["severity"] = severityRef(ctx, pick % ctx.counts.severities);
  if (mode !== "retrospective") incident["slack_channel_name"] = `inc-${number}-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  if (index % 4 !== 0) incident["summary"] = `${name} affecting ${service} customers.`;
  if (index % 5 === 2) incident["call_url"] = `https://meet.example.com/inc-${number}`;
  if (closed && index % 3 === 0) incident["postmortem_document_url"] = `https://docs.example.com/postmortems/inc-${number}`;
  if (index % 7 === 2) incident["external_issue_reference"] = { provider: "linear", issue_name: `OPS-${number}`, issue_permalink: `https://linear.app/example/issue/OPS-${number}` };
  if (index % 2 === 0) incident["has_debrief"] = index % 4 === 0;
  if (index % 3 !== 2) {
    const [reported, started, resolved] = ctx.org.incidentTimestamps;
    incident["incident_timestamp_values"] = [
      { incident_timestamp: reported ?? {}, value: { value: created.text } },
      { incident_timestamp: started ?? {}, value: { value: formatTimestamp(created.micros - 300_000_000, 0) } },
      closed ? { incident_timestamp: resolved ?? {}, value: { value: updated.text } } : { incident_timestamp: resolved ?? {} },
    ];
    const [toResolve] = ctx.org.durationMetrics;
    incident["duration_metrics"] = [
      closed
        ? { duration_metric: toResolve ?? {}, status: "success", value_seconds: Math.floor((updated.micros - created.micros) / 1_000_000) }
        : { duration_metric: toResolve ?? {}, status: "timestamps_missing" },
    ];
  }
  if (index % 6 === 1) {
    incident["workload_minutes_total"] = (pick % 600) + 0.5;
    incident["workload_minutes_working"] = (pick % 400) + 0.25;
    incident["workload_minutes_late"] = pick % 120;
    incident["workload_minutes_sleeping"] = pick % 60;
  }
  if (hasQuirk("incidents", index)) incident["slack_channel_url"] = `https://slack.com/app_redirect?channel=${String(incident["slack_channel_id"])}`;
  return incident;
};
