import type { JsonObject } from "../json";
import { hashIndex } from "../random";
import { tagOf } from "../ids";
import type { GenerationContext, RecordGenerator } from "./context";
import { catalogEntryName, firstEntryRange } from "./catalog";
import { ALERT_TITLES, ENVIRONMENTS, LABELS, SERVICE_SUFFIXES, SERVICE_WORDS } from "./names";
import { hasQuirk } from "./quirks";

const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;

/** Alerts without a Priority attribute: the mapping must cope with its absence. */
export function alertLacksPriority(index: number): boolean {
  return index % 10 === 3;
}

/** Alerts whose Priority arrives as `array_value` rather than `value`. */
export function hasArrayPriority(index: number): boolean {
  return index % 25 === 9;
}

function serviceValue(ctx: GenerationContext, index: number, pick: number): JsonObject {
  const [start, end] = firstEntryRange(ctx);
  if (end > start) {
    const entry = start + (pick % (end - start));
    const id = ctx.id("catalog_entries", entry);
    const name = catalogEntryName(ctx, entry);
    const value: JsonObject = { catalog_entry: { id, name, catalog_type_id: ctx.id("catalog_types", 0) }, literal: id };
    // `label` is optional in AlertAttributeValueV2; some values arrive without one.
    if (index % 16 !== 12) value["label"] = name;
    return value;
  }
  const name = `${SERVICE_WORDS[pick % SERVICE_WORDS.length] ?? "api"}-${SERVICE_SUFFIXES[pick % SERVICE_SUFFIXES.length] ?? "api"}`;
  return index % 16 === 12 ? { literal: name } : { label: name, literal: name };
}

function attributes(ctx: GenerationContext, index: number, pick: number): JsonObject[] {
  const { service, environment, priority, labels } = ctx.org.alertAttributes;
  const environmentName = ENVIRONMENTS[pick % 7 === 0 ? 1 : 0];
  const entries: JsonObject[] = [
    { attribute: service, value: serviceValue(ctx, index, pick) },
    { attribute: environment, value: { label: environmentName, literal: environmentName } },
  ];
  const level = PRIORITIES[pick % PRIORITIES.length] ?? "P3";
  if (hasArrayPriority(index)) {
    entries.push({ attribute: { ...priority, array: true }, array_value: [{ label: "P1", literal: "P1" }, { label: level, literal: level }] });
  } else if (!alertLacksPriority(index)) {
    entries.push({ attribute: priority, value: { label: level, literal: level } });
  }
  if (index % 3 === 0) {
    const first = LABELS[pick % LABELS.length] ?? "infra";
    const second = LABELS[(pick + 1) % LABELS.length] ?? "docs";
    entries.push({ attribute: labels, array_value: index % 2 === 0 ? [{ label: first, literal: first }, { label: second, literal: second }] : [{ label: first, literal: first }] });
  }
  return entries;
}

// One never-updated alert in this many is still firing: an organization's open alerts are a small share
// of its history (about 0.8% here), which is what an incremental read pages through every run.
const FIRING_PERIOD = 40;
// The first quirky alert of each hundred carries a status outside the published enum, and not a final
// one: the incremental read must treat it as open (1% of alerts; every quirky one would be 4%).
const UNKNOWN_STATUS_PERIOD = 100;
const UNKNOWN_STATUS = "acknowledged";

function pickOf(ctx: GenerationContext, index: number): number {
  return hashIndex(ctx.seed, tagOf("alerts"), index, 31);
}

/**
 * The status generated alert `index` has before any mutation, without rendering it: what the status
 * filters of the list compare. Resolved unless never updated and drawn firing, added at run time,
 * or carrying the unknown status.
 */
export function generatedAlertStatus(ctx: GenerationContext, index: number): string {
  // An alert added at run time is a firing event that just arrived.
  if (index >= ctx.counts.alerts) return "firing";
  if (ctx.openAlerts === "never-updated") {
    if (hasQuirk("alerts", index)) return UNKNOWN_STATUS;
    return ctx.updated("alerts", index).micros > ctx.created("alerts", index).micros ? "resolved" : "firing";
  }
  if (hasQuirk("alerts", index) && index % UNKNOWN_STATUS_PERIOD < 25) return UNKNOWN_STATUS;
  if (ctx.updated("alerts", index).micros > ctx.created("alerts", index).micros) return "resolved";
  return pickOf(ctx, index) % FIRING_PERIOD === 0 ? "firing" : "resolved";
}

/** `AlertV2` as `/v2/alerts` lists it. */
export const generateAlert: RecordGenerator = (ctx, index) => {
  const pick = pickOf(ctx, index);
  const created = ctx.created("alerts", index);
  const updated = ctx.updated("alerts", index);
  const status = generatedAlertStatus(ctx, index);
  const title = ALERT_TITLES[pick % ALERT_TITLES.length] ?? "Alert";
  const source = pick % ctx.counts.alert_sources;
  const alert: JsonObject = {
    id: ctx.id("alerts", index),
    alert_source_id: ctx.id("alert_sources", source),
    title: `${title} on ${SERVICE_WORDS[(pick >>> 8) % SERVICE_WORDS.length] ?? "api"}`,
    // A firing alert was never updated; a later update is its resolution (or, for one never updated,
    // it was resolved on arrival).
    status,
    deduplication_key: pick.toString(16).padStart(8, "0") + (index % 0x10000).toString(16).padStart(4, "0"),
    attributes: attributes(ctx, index, pick),
    created_at: created.text,
    updated_at: updated.text,
  };
  // Under `never-updated`, a quirky alert that was updated keeps the resolution time under its unknown status.
  const resolved = ctx.openAlerts === "never-updated" ? updated.micros > created.micros : status === "resolved";
  if (resolved) alert["resolved_at"] = updated.text;
  if (index % 5 !== 0) alert["description"] = `${title} has been above its threshold for 5 minutes`;
  if (source % 2 === 0) alert["source_url"] = `https://monitoring.example.com/alerts/${alert["deduplication_key"]}`;
  if (index % 4 === 0) alert["alert_group_ids"] = index % 8 === 0 ? [] : [ctx.id("alert_groups", Math.floor(index / 8))];
  if (hasQuirk("alerts", index)) alert["tags"] = ["sandbox"];
  return alert;
};
