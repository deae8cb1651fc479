import type { ResourceMapping } from "../model/mapping";
import { listResources } from "../pipeline/mapping-source";
import { programName } from "../program-name";
import { printable } from "./printable";
import type { LoadSummary, RemapReason, RunSummary, TransformSummary } from "../model/summary";

const COLUMNS = ["kind", "extracted", "entities", "created", "updated", "deleted", "unchanged", "held back", "errors"] as const;

function formatTable(dataRows: readonly (readonly string[])[]): string {
  const rows = dataRows.map((row) => row.map(printable));
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  return rows
    .map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd())
    .join("\n");
}

const REASONS = {
  requested: "asked for",
  "full-refresh": "full refresh",
  schedule: "the last one is older than ETL_RECONCILE_EVERY_HOURS",
  "never-reconciled": "never reconciled",
} as const;

/** Lines about the reconcile with Port (drift repaired, or a reconcile due) and about entities of resources no longer in the mapping. */
export function describeDrift(load: LoadSummary | undefined): string[] {
  const lines: string[] = [];
  const reconcile = load?.reconcile;
  if (reconcile?.ran) {
    const what = reconcile.drifted === 1 ? "1 entity" : `${reconcile.drifted} entities`;
    lines.push(
      `Reconciled with Port (${REASONS[reconcile.reason]}): ${what} deleted or edited in Port by hand ${load?.dryRun ? "would be pushed again" : "pushed again"}` +
        (reconcile.complete ? "" : "; not every blueprint of the mapping was read, so the next load reconciles again"),
    );
  } else if (reconcile) {
    lines.push(`A reconcile with Port is due (${REASONS[reconcile.reason]}): the next run or load reads Port first and repairs what was deleted or edited there by hand; plan --reconcile shows it now`);
  }
  for (const removed of load?.removedResources ?? []) {
    const what = `${removed.blueprint}: ${removed.entities} ${removed.entities === 1 ? "entity" : "entities"} in Port from a resource no longer in the mapping${removed.kind ? ` (${removed.kind})` : ""}`;
    if (removed.deleteBlock === "not-requested") lines.push(`${what}; rerun with --delete-removed-resources to delete them`);
    else if (removed.deleteBlock === "threshold") lines.push(`${what}; not deleted: more than entityDeletionThreshold of the blueprint, add --allow-mass-delete`);
    else lines.push(`${what}; ${load?.dryRun ? "would delete" : "deleted"} ${removed.deleted}`);
  }
  return lines;
}

const REMAP_REASONS: Record<RemapReason, string> = {
  "full-refresh": "full refresh",
  "first-transform": "first transform",
  "mapping-changed": "mapping changed",
  "duplicate-identifiers": "duplicate identifiers",
};

/**
 * How much of the staging file the transform mapped (`Transform: mapped 204 of 180,000 records, the
 * others unchanged since staged; in full: users (mapping changed)`). Undefined without a transform, or
 * for a summary written before only changes were mapped.
 */
export function describeTransform(transform: TransformSummary | undefined): string | undefined {
  const kinds = transform?.kinds.filter((kind) => kind.mapped !== undefined) ?? [];
  if (kinds.length === 0) return undefined;
  const records = kinds.reduce((sum, kind) => sum + kind.records, 0);
  const mapped = kinds.reduce((sum, kind) => sum + (kind.mapped ?? 0), 0);
  const full = kinds.flatMap((kind) => (kind.remapped ? [`${kind.name} (${REMAP_REASONS[kind.remapped]})`] : []));
  const count = (value: number) => value.toLocaleString("en-US");
  const what = mapped === records ? `mapped all ${count(records)} records` : `mapped ${count(mapped)} of ${count(records)} records, the others unchanged since staged`;
  return `Transform: ${what}${full.length > 0 ? `; in full: ${full.join(", ")}` : ""}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The summary's last line when something needs a look: records that failed to map, entities transform
 * held back, and entities Port keeps as last pushed because of them. Undefined when there is none, so a
 * clean run ends on its timing.
 */
export function describeAttention(summary: RunSummary): string | undefined {
  const sum = <T>(items: readonly T[] | undefined, count: (item: T) => number | undefined) => (items ?? []).reduce((total, item) => total + (count(item) ?? 0), 0);
  const mappingErrors = sum(summary.transform?.kinds, (kind) => kind.mappingErrors);
  const heldBack = sum(summary.transform?.kinds, (kind) => kind.heldBack);
  const kept = sum(summary.load?.blueprints, (blueprint) => blueprint.kept);
  const parts = [
    mappingErrors > 0 ? plural(mappingErrors, "mapping error", "mapping errors") : undefined,
    heldBack > 0 ? `${plural(heldBack, "entity", "entities")} held back` : undefined,
    kept > 0 ? `${plural(kept, "entity", "entities")} in Port kept as last pushed` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? undefined : `${parts.join(", ")}: see ${programName()} status`;
}

/**
 * Renders a run's summary as the table printed at the end of a run: one row per kind with what each stage
 * did to it ("-" where the stage did not run), then the errors, the staging file and the timing, and last
 * what needs a look.
 */
export function renderRunSummary(summary: RunSummary, resources: readonly ResourceMapping[]): string {
  const shownBlueprints = new Set<string>();
  // The run's own mapping decides the rows: Port's may hold other kinds than the file the CLI read.
  const kinds = summary.mapping?.resources ?? listResources(resources);
  const rows = kinds.map((resource) => {
    const extracted = summary.extract?.kinds.find((k) => k.kind === resource.kind);
    const transformed = summary.transform?.kinds.find((k) => k.kind === resource.kind);
    const blueprint = resource.blueprint;
    // A blueprint fed by several kinds has one set of load counts: show it on its first kind only.
    const loaded = shownBlueprints.has(blueprint) ? undefined : summary.load?.blueprints.find((b) => b.blueprint === blueprint);
    if (loaded) shownBlueprints.add(blueprint);
    const n = (value: number | undefined) => (value === undefined ? "-" : String(value));
    const errors =
      (extracted?.status === "failed" ? 1 : 0) + (extracted?.rejected ?? 0) + (transformed?.mappingErrors ?? 0) + (loaded?.failed ?? 0);
    return [
      resource.name,
      extracted
        ? extracted.status === "failed"
          ? `FAILED (${extracted.records})`
          : // "read", not "changed": an incremental alerts read also re-reads every alert still open.
            `${extracted.records}${extracted.mode === "incremental" ? " read" : ""}${extracted.rejected > 0 ? ` (+${extracted.rejected} rejected)` : ""}`
        : "-",
      n(transformed?.entities),
      n(loaded?.created),
      n(loaded?.updated),
      loaded ? `${loaded.deleted}${loaded.deletesWithheld > 0 ? ` (+${loaded.deletesWithheld} withheld)` : ""}` : "-",
      // Kept: Port's entity left as last pushed, its record not mapped or its new version held back.
      loaded ? `${loaded.unchanged}${(loaded.kept ?? 0) > 0 ? ` (+${loaded.kept ?? 0} kept)` : ""}` : "-",
      n(transformed?.heldBack),
      String(errors),
    ];
  });
  const lines = [formatTable([[...COLUMNS], ...rows])];
  const transformed = describeTransform(summary.transform);
  if (transformed) lines.push(printable(transformed));
  if (summary.mapping) lines.push(printable(`Mapping: ${summary.mapping.description}`), ...(summary.mapping.changes ?? []).map((change) => printable(`  ${change}`)));
  const plan = summary.load?.plan;
  if (summary.load?.dryRun && plan) {
    lines.push(`Plan (nothing was sent to Port): ${plan.totalChanges} change${plan.totalChanges === 1 ? "" : "s"}${plan.totalChanges > plan.changes.length ? `, the first ${plan.changes.length} (--all or --limit N for more):` : plan.totalChanges > 0 ? ":" : ""}`);
    for (const change of plan.changes) {
      lines.push(printable(`  ${change.operation} ${change.blueprint}/${change.identifier}${change.fields?.length ? ` (${change.fields.join(", ")})` : ""}`));
    }
  } else if (summary.load) {
    lines.push(`Port: ${summary.load.requests.entityWrites} entity write requests, ${summary.load.requests.other} other requests`);
  }
  if (summary.webhooks && summary.webhooks.pending > 0) lines.push(`Webhook inbox: ${summary.webhooks.pending} event${summary.webhooks.pending === 1 ? "" : "s"} waiting for serve (${programName()} status shows how long)`);
  for (const line of describeDrift(summary.load)) lines.push(printable(line));
  for (const failure of summary.load?.failures ?? []) {
    lines.push(printable(`refused: ${failure.operation} ${failure.blueprint}/${failure.identifier}: ${failure.status ?? "no answer"} ${failure.message}`));
  }
  for (const kind of summary.extract?.kinds ?? []) if (kind.warning) lines.push(printable(`warning: extract ${kind.name}: ${kind.warning}`));
  for (const error of summary.errors) lines.push(printable(`error: ${error}`));
  lines.push(`Run ${summary.runId} ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s; staging file: ${summary.databasePath}`);
  const attention = describeAttention(summary);
  if (attention) lines.push(attention);
  return `${lines.join("\n")}\n`;
}
