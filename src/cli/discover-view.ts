import type { DiscoverReport } from "../pipeline/discover";
import { programName } from "../program-name";

function alignColumns(rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
  const widths = numeric.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  return rows.map((row) => `  ${row.map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join("  ").trimEnd()}`);
}

/** Renders what `etl discover` proposed, per kind, and where it wrote it. */
export function renderDiscoverReport(report: DiscoverReport): string {
  const out = [`Proposed from the raw records in ${report.databasePath}:`];
  const rows = report.kinds.map((kind) => [
    kind.name,
    kind.blueprint ?? `(no raw records: run ${programName()} extract)`,
    `${kind.sampled} of ${kind.records}`,
    String(kind.properties),
    kind.relations.map((relation) => `${relation.name} → ${relation.target}${relation.many ? " (many)" : ""}`).join(", "),
  ]);
  out.push(...alignColumns([["kind", "blueprint", "sampled", "properties", "relations"], ...rows], [false, false, true, true, false]));
  const skipped = report.kinds.flatMap((kind) => kind.skipped.map((field) => `  ${kind.name}.${field.field}: ${field.reason}`));
  if (skipped.length > 0) out.push("", "Fields left out:", ...skipped);
  out.push(
    "",
    `Wrote the blueprints to ${report.blueprintsPath}`,
    `and the mapping to ${report.mappingPath}.`,
    `Review both, then: ${programName()} run --blueprints ${report.blueprintsPath} --mapping ${report.mappingPath}`,
    "(with OCEAN__INITIALIZE_PORT_RESOURCES=true, missing blueprints are created in Port first).",
  );
  return `${out.join("\n")}\n`;
}
