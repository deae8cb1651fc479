import type { JsonObject } from "../json";
import { hashIndex } from "../random";
import { tagOf } from "../ids";
import type { RecordGenerator } from "./context";
import { hasQuirk } from "./quirks";

const SOURCES = [
  { type: "alertmanager", label: "Prometheus" },
  { type: "datadog", label: "Datadog" },
  { type: "http", label: "Deploy pipeline" },
  { type: "email", label: "Vendor email alerts" },
  { type: "heartbeat", label: "Nightly batch heartbeat" },
  { type: "http_custom", label: "Custom webhook" },
  { type: "jira", label: "Jira service desk" },
  { type: "grafana", label: "Grafana" },
  { type: "sentry", label: "Sentry" },
  { type: "pager_duty", label: "PagerDuty" },
] as const;

const ENVIRONMENTS = ["prod", "staging", "eu", "us"] as const;
// Sources that receive alerts over HTTP have an events URL and the token that authenticates it.
const HTTP_SOURCES = new Set(["alertmanager", "datadog", "http", "http_custom", "grafana", "sentry", "pager_duty"]);

function binding(label: string, reference: string): JsonObject {
  return { label, reference };
}

/** `AlertSourceV2` as `/v2/alert_sources` lists it, including the `secret_token` the product must strip. */
export const generateAlertSource: RecordGenerator = (ctx, index) => {
  const rng = ctx.rng("alert_sources", index);
  const source = SOURCES[index % SOURCES.length] ?? SOURCES[0];
  const round = Math.floor(index / SOURCES.length);
  const id = ctx.id("alert_sources", index);
  const { priority, service } = ctx.org.alertAttributes;
  const record: JsonObject = {
    id,
    name: `${source.label} (${ENVIRONMENTS[round % ENVIRONMENTS.length] ?? "prod"}${round >= ENVIRONMENTS.length ? ` ${round + 1}` : ""})`,
    source_type: source.type,
    template: {
      title: binding("Alert title", "alert.title"),
      description: binding("Alert description", "alert.description"),
      attributes: [
        { alert_attribute_id: String(priority["id"]), binding: { value: binding("payload.priority", 'alert.payload["priority"]') } },
        { alert_attribute_id: String(service["id"]), binding: { value: binding("payload.service", 'alert.payload["service"]') } },
      ],
      expressions: [],
      is_private: index % 6 === 5,
    },
    owning_team_ids: ctx.counts.teams === 0 ? [] : rng.distinct(rng.int(0, 2), ctx.counts.teams).map((team) => ctx.id("teams", team)),
  };
  if (HTTP_SOURCES.has(source.type)) {
    record["alert_events_url"] = `https://api.incident.io/v2/alert_events/${source.type}/${id}`;
    record["secret_token"] = `sbx_${hashIndex(ctx.seed, tagOf("alert_sources"), index, 21).toString(16).padStart(8, "0")}${hashIndex(ctx.seed, tagOf("alert_sources"), index, 22).toString(16).padStart(8, "0")}`;
  }
  if (source.type === "email") record["email_options"] = { email_address: `alerts-${id.slice(-8).toLowerCase()}@incident.example.com`, redactions: index % 2 === 0 ? [] : ["credit_card_numbers"] };
  if (source.type === "heartbeat") {
    record["heartbeat_options"] = { interval_seconds: 3600, grace_period_seconds: 600, failure_threshold: 2, ping_url: `https://api.incident.io/v2/alert_events/heartbeat/${id}/ping` };
  }
  if (source.type === "http_custom") record["http_custom_options"] = { transform_expression: "return { title: $.summary, status: $.state };", deduplication_key_path: "$.id" };
  if (source.type === "jira") record["jira_options"] = { project_ids: ["10001", "10002"] };
  if (index % 3 === 0) {
    record["auto_resolve_incident_alerts"] = true;
    record["auto_resolve_timeout_minutes"] = 60;
  }
  if (hasQuirk("alert_sources", index)) {
    record["source_type"] = "betterstack";
    record["deduplication_window_minutes"] = 30;
  }
  return record;
};
