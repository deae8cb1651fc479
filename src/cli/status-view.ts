import type { StatusReport } from "../pipeline/status";
import { formatReadAt } from "../pipeline/mapping-source";
import { programName } from "../program-name";
import { printable } from "./printable";
import { describeDrift } from "./summary-table";


const NUMERIC = /^-?[\d.]+( s)?$|^-$/;

/** Aligns columns: numbers (and "-") to the right, text to the left. */
function table(header: readonly string[], dataRows: readonly (readonly string[])[]): string {
  const rows = dataRows.map((row) => row.map(printable));
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? "").length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => NUMERIC.test(row[c] ?? "")));
  return all
    .map((row) => `  ${row.map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join("  ").trimEnd()}`)
    .join("\n");
}

function seconds(from: string | null, to: string | null): string {
  if (!from || !to) return "-";
  return `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s`;
}

function firstLine(text: string | null | undefined): string {
  return (text ?? "").split("\n")[0] ?? "";
}

/** The staging file, jq, the lock and the Port the file is bound to. */
function renderHeader(report: StatusReport): string[] {
  const jq = report.jqVersion
    ? `${report.jqVersion}${/^(jq-)?1\.6/.test(report.jqVersion) ? " (Port evaluates mappings with jq 1.7: 1.7-only builtins such as pick, abs, trim fail here)" : ""}`
    : "not found";
  const out = [`Staging file: ${report.databasePath}${report.exists ? ` (${(report.fileBytes / 1024 / 1024).toFixed(1)} MiB)` : ` (does not exist yet: run ${programName()} run)`}`, `jq: ${jq}`];
  if (!report.exists) return out;
  out.push(`Lock: ${report.lockHolder ? `held by ${report.lockHolder}` : "free"}`);
  const binding = report.portBinding;
  out.push(
    printable(
      binding
        ? `Port: ${binding.baseUrl} (client id ${binding.clientId}${binding.organizationId ? `, organization ${binding.organizationId}` : ""}), bound ${binding.boundAt}; ` +
            `last reconciled ${binding.lastReconciledAt ?? "never"}`
        : "Port: none yet (the first load binds the file to the Port it reaches)",
    ),
  );
  if (report.mapping) out.push(printable(`Mapping: ${report.mapping.description}`));
  const others = report.portMappings.filter((kept) => kept.integration !== report.mapping?.integration);
  if (others.length > 0) {
    const now = new Date();
    out.push(printable(`Also kept from Port: ${others.map((kept) => `integration ${kept.integration} (${kept.origin} ${formatReadAt(kept.readAt, now)})`).join(", ")}`));
  }
  return out;
}

function renderRuns(report: StatusReport): string[] {
  return [
    "",
    "Recent runs",
    table(
      ["run", "command", "status", "started", "took", "extract", "transform", "load", "error"],
      report.runs.map((run) => {
        const stage = (name: string) => {
          const s = run.stages.find((x) => x.stage === name);
          return s ? `${seconds(s.started_at, s.finished_at)}${s.status === "succeeded" ? "" : ` ${s.status}`}` : "-";
        };
        return [
          String(run.id),
          run.command,
          run.status,
          run.started_at.replace("T", " ").slice(0, 19),
          seconds(run.started_at, run.finished_at),
          stage("extract"),
          stage("transform"),
          stage("load"),
          firstLine(run.error).slice(0, 100),
        ];
      }),
    ),
  ];
}

function renderKinds(report: StatusReport): string[] {
  return [
    "",
    "Kinds",
    table(
      ["kind", "raw records", "last extract", "mode", "rejected", "staged", "held back", "mapping errors", "unmapped", "dangling", "extract error"],
      report.kinds.map((k) => [
        k.name,
        String(k.rawRecords),
        k.lastExtract ? `${k.lastExtract.status} ${(k.lastExtract.finishedAt ?? "").replace("T", " ").slice(0, 19)}` : "never",
        k.lastExtract?.mode ?? "-",
        k.lastExtract ? String(k.lastExtract.rejected) : "-",
        String(k.staged),
        String(k.heldBack),
        String(k.mappingErrors),
        String(k.unmapped),
        String(k.danglingRelations),
        firstLine(k.lastExtract?.error).slice(0, 100),
      ]),
    ),
  ];
}

function renderPending(pending: NonNullable<StatusReport["pending"]>): string[] {
  const total = pending.plan?.totalChanges ?? 0;
  const out = [
    "",
    `Pending changes (what ${programName()} load would send now): ${total}`,
    table(
      ["blueprint", "create", "update", "delete", "unchanged", "kept", "withheld deletes"],
      pending.blueprints.map((b) => [
        b.blueprint,
        String(b.created),
        String(b.updated),
        String(b.deleted),
        String(b.unchanged),
        String(b.kept ?? 0),
        b.deletesWithheld > 0 ? `${b.deletesWithheld} (${b.deleteBlock ?? ""})` : "",
      ]),
    ),
  ];
  for (const change of pending.plan?.changes ?? []) {
    out.push(printable(`  ${change.operation} ${change.blueprint}/${change.identifier}${change.fields?.length ? `: ${change.fields.join(", ")}` : ""}`));
  }
  for (const line of describeDrift(pending)) out.push(printable(line));
  return out;
}

/** The latest problems, one titled section each; a section with nothing to show is left out. */
function renderProblems(report: StatusReport): string[] {
  const sections: [string, string[]][] = [
    ["Latest mapping errors", report.mappingErrors.map((e) => `run ${e.run_id} ${e.kind} record ${e.record_id} ${e.field} (${e.expression}): ${firstLine(e.message)}`)],
    [
      "Latest dangling relations",
      report.relationIssues.map((r) => `${r.blueprint}/${r.identifier} ${r.relation} → ${r.target_blueprint}/${r.target_identifier} (not staged, not in Port)`),
    ],
    [
      "Latest items not stored as records (their kind withholds deletions)",
      report.rejectedItems.map((r) => `run ${r.run_id} ${r.kind} GET ${r.endpoint}${r.cursor ? ` (cursor ${r.cursor})` : ""} item ${r.position}: ${r.reason}`),
    ],
    [
      "Records that could not be mapped (their entities in Port are kept as last pushed)",
      report.unmappedRecords.map((u) => `run ${u.runId} ${u.kind} record ${u.recordId}: ${firstLine(u.reason)}`),
    ],
    ["Held back (Port would reject them)", report.heldBack.map((h) => `${h.blueprint}/${h.identifier}: ${h.held_back_reason ?? ""}`)],
    [
      "Latest entities Port refused (retried next run)",
      report.loadErrors.map((e) => `run ${e.run_id} ${e.operation} ${e.blueprint}/${e.identifier}: ${e.status ?? "no answer"} ${firstLine(e.message)}`),
    ],
  ];
  return sections.flatMap(([title, lines]) => (lines.length === 0 ? [] : ["", title, ...lines.map((line) => `  ${printable(line)}`)]));
}

/** serve's inbox: what waits, since when, and how far behind Incident.io the last event was applied. */
export function renderWebhookInbox(inbox: NonNullable<StatusReport["webhooks"]>): string[] {
  const received = inbox.pending + inbox.applied + inbox.ignored;
  if (received === 0) return ["", `Webhook inbox: no events received yet (${programName()} serve receives them)`];
  const age = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 3_600_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
  const backlog =
    inbox.pending === 0
      ? "nothing pending"
      : `${inbox.pending} pending, the oldest received ${(inbox.oldestPendingReceivedAt ?? "").replace("T", " ").slice(0, 19)}` +
        `${inbox.oldestPendingAgeMs === null ? "" : ` (${age(inbox.oldestPendingAgeMs)} ago)`}`;
  const last =
    inbox.lastAppliedAt === null
      ? "none applied yet"
      : `last applied ${inbox.lastAppliedAt.replace("T", " ").slice(0, 19)}${inbox.lastLagMs === null ? "" : `, ${age(inbox.lastLagMs)} after it was received`}`;
  return ["", `Webhook inbox: ${backlog}; ${last}; ${inbox.applied} applied, ${inbox.ignored} ignored (event types serve does not apply)`];
}

/** Renders `etl status` for a terminal. */
export function renderStatus(report: StatusReport): string {
  if (!report.exists) return `${renderHeader(report).join("\n")}\n`;
  const out = [
    ...renderHeader(report),
    ...renderRuns(report),
    ...renderKinds(report),
    ...(report.pending ? renderPending(report.pending) : []),
    ...(report.webhooks ? renderWebhookInbox(report.webhooks) : []),
    ...renderProblems(report),
  ];
  return `${out.join("\n")}\n`;
}
