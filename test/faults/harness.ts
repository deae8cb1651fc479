// Drives one seed of the fault-injection suite: both sandboxes live in this process (so they survive a
// SIGKILL of the product), the product runs as a child process configured by environment variables only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";
import { main } from "../../src/cli/main";
import type { RunSummary } from "../../src/model/summary";
import type { IncidentIoDataset } from "../../src/sandbox/incidentio/dataset";
import type { JsonObject, JsonValue } from "../../src/sandbox/incidentio/json";
import type { IncidentIoKind } from "../../src/sandbox/incidentio/kinds";
import type { PageFault } from "../../src/sandbox/incidentio/page-faults";
import type { DatasetCounts } from "../../src/sandbox/incidentio/scale";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../src/sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../../src/sandbox/port/server";
import { buildSandboxEnv } from "../../src/sandbox/product-env";
import type { Fault } from "../../src/sandbox/shared/faults";
import { startCli } from "../helpers/cli-process";
import { BLUEPRINT_OF_KIND } from "../helpers/shipped-blueprints";
import { diffCatalogs, findUnkeptEntities, findUnsafeDeletes, isPagingFaultServed, type CatalogDiff, type CatalogEntity, type UnsafeDelete } from "./checks";
import {
  FAULT_LABELS,
  INCIDENTIO_ROUTES,
  MAX_ATTEMPTS,
  PORT_MAX_DELAY_MS,
  REQUEST_TIMEOUT_MS,
  listRunLabels,
  planFaultSchedule,
  type FaultLabel,
  type KillTrigger,
  type Mutation,
  type PagingFaultType,
  type RecordPick,
  type RunPlan,
} from "./schedule";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Small enough that a run takes a second or two, large enough that alerts come in three pages. */
export const FAULT_DATASET: DatasetCounts = {
  users: 12,
  alert_sources: 3,
  schedules: 4,
  alerts: 110,
  incidents: 16,
  catalog_types: 2,
  catalog_entries: [5, 4],
  severities: 4,
  teams: 3,
  follow_ups: 20,
};

/** A run that has not exited by then is SIGKILLed and counted as hung. */
export const RUN_TIMEOUT_MS = 60_000;

/**
 * The page bound of the faulty runs (ETL_PAGE_BOUND_MIN_PAGES, also for a first read, and ETL_PAGE_BOUND_FACTOR): endless cursors
 * stop after a handful of pages, while alerts' three pages (between 100 and 150 of them, whatever the
 * faulty runs' mutations) stay well within it.
 */
const PAGE_BOUND = { minPages: 5, factor: 2 } as const;

/** The sandbox's page fault for each paging fault the schedule deals. */
const PAGE_FAULTS: Readonly<Record<PagingFaultType, PageFault>> = {
  "repeated-cursor": { type: "repeat-cursor" },
  "cursor-cycle": { type: "cursor-cycle" },
  "endless-cursor": { type: "endless-cursors" },
};

/** The field an unmappable mutation adds, and its depth: beyond the 256 levels jq 1.6 and 1.7 parse. */
const UNPARSEABLE_FIELD = "fault_suite_nested";
const UNPARSEABLE_DEPTH = 300;

const PORT_CLIENT = { clientId: "fault-suite-client", clientSecret: "fault-suite-secret" };
/** Port's error code for the per-entity refusals the suite injects, so they can be told apart. */
const INJECTED_ERROR = "fault_suite_refusal";

const KIND_OF_BLUEPRINT = new Map(Object.entries(BLUEPRINT_OF_KIND).map(([kind, blueprint]) => [blueprint, kind as IncidentIoKind]));

/** The field an update mutation changes, per kind: one every mapping reads (title or a property). */
const UPDATED_FIELD: Readonly<Record<IncidentIoKind, string>> = {
  users: "name",
  alert_sources: "name",
  schedules: "name",
  alerts: "title",
  incidents: "name",
  catalog_types: "name",
  catalog_entries: "name",
  severities: "description",
  teams: "name",
  follow_ups: "title",
};

export interface SeedOutcome {
  readonly seed: number;
  /** Product runs: the faulty ones, the final clean one and the reference. */
  readonly runs: number;
  /** Faults the sandboxes actually served (or, for SIGKILL and token expiry, that actually happened), by label. */
  readonly injected: Readonly<Record<FaultLabel, number>>;
  /** Entity-level differences between Port and the expected catalog after the final clean run. */
  readonly mismatches: number;
  readonly unsafeDeletes: number;
  /** Kinds whose extract failed in a faulty run (summed over runs): reads that must not turn into deletes. */
  readonly failedReads: number;
  /** Entities checked after a faulty run to be held as last pushed while their records could not be mapped (summed over runs). */
  readonly keptChecks: number;
  /** Everything that went wrong, one line each; empty for a passing seed. */
  readonly problems: readonly string[];
  /** What happened, run by run (mutations, faults served, how each run ended), to read when a seed fails. */
  readonly history: readonly string[];
  readonly durationMs: number;
}

interface ProductRun {
  readonly code: number | null;
  /** Killed by the schedule's trigger. */
  readonly killed: boolean;
  /** Killed because it did not exit within RUN_TIMEOUT_MS. */
  readonly hung: boolean;
  readonly stderr: string;
  readonly summary: RunSummary | undefined;
  /** Token expiries the run's triggers performed. */
  readonly expiries: number;
}

interface Sandboxes {
  readonly incidentIo: IncidentIoSandbox;
  readonly port: PortSandbox;
}

/**
 * Ocean's variable names, pointed at the sandboxes. Faulty runs get short timeouts and few attempts, so
 * that faults cost seconds; clean runs keep the product's defaults, so a busy machine cannot fail them.
 */
function buildProductEnv(
  incidentIo: IncidentIoSandbox,
  port: PortSandbox,
  databasePath: string,
  faulty?: { readonly fullRefreshEveryRuns: number },
): Record<string, string> {
  return {
    ...buildSandboxEnv({ incidentIo, port }, "fault-suite"),
    ETL_DB: databasePath,
    CI: "true",
    ...(faulty
      ? {
          OCEAN__INTEGRATION__CONFIG__TIMEOUT: String(REQUEST_TIMEOUT_MS / 1000),
          ETL_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
          ETL_FULL_REFRESH_EVERY_RUNS: String(faulty.fullRefreshEveryRuns),
          ETL_PAGE_BOUND_MIN_PAGES: String(PAGE_BOUND.minPages),
          ETL_PAGE_BOUND_FIRST_READ_PAGES: String(PAGE_BOUND.minPages),
          ETL_PAGE_BOUND_FACTOR: String(PAGE_BOUND.factor),
        }
      : {}),
    ...(process.env["JQ_PATH"] ? { JQ_PATH: process.env["JQ_PATH"] } : {}),
  };
}

function listRecords(dataset: IncidentIoDataset, kind: IncidentIoKind): JsonObject[] {
  // The shipped mapping asks for inactive users too.
  return [...dataset.records(kind, kind === "users" ? { includeInactive: true } : {})];
}

function pickRecord<T>(records: readonly T[], pick: number): T | undefined {
  return records[Math.min(records.length - 1, Math.floor(pick * records.length))];
}

function mentionsAny(record: JsonObject, ids: ReadonlySet<string>): boolean {
  const text = JSON.stringify(record);
  return [...ids].some((id) => text.includes(id));
}

/** A value nested `levels` arrays deep. */
function nestArrays(levels: number): JsonValue {
  let value: JsonValue = [];
  for (let level = 1; level < levels; level += 1) value = [value];
  return value;
}

/** A record the product reads but cannot map, and its entity as Port held it then (none if never pushed). */
interface UnmappableRecord {
  readonly kind: IncidentIoKind;
  readonly id: string;
  readonly lastPushed: CatalogEntity | undefined;
}

/** What the mutations so far did to the source that later mutations and checks must know. */
interface SourceState {
  /** IDs of removed records. */
  readonly removed: Set<string>;
  /** Records that cannot be mapped now, by `blueprint/identifier`. */
  readonly unmappable: Map<string, UnmappableRecord>;
}

function recordKey(kind: IncidentIoKind, id: string): string {
  return `${BLUEPRINT_OF_KIND[kind]}/${id}`;
}

/**
 * Applies one mutation to the dataset; returns what it did, or undefined when there was nothing to do.
 * A record that mentions a removed one is never removed itself: Port keeps a placeholder for a removed
 * relation target only while something points at it, and a run from scratch must arrive at the same.
 * An update of an unmappable record repairs it; making a record unmappable prefers one whose entity
 * Port holds, and remembers that entity as Port holds it now, which Port must keep until then.
 */
function applyMutation(dataset: IncidentIoDataset, port: PortSandbox, mutation: Mutation, state: SourceState, tag: string): string | undefined {
  const { kind } = mutation;
  const { removed, unmappable } = state;
  if (mutation.op === "add") {
    // An added follow-up otherwise follows the newest incident, whichever that is at the time.
    const parent = kind === "follow_ups" ? pickRecord(listRecords(dataset, "incidents"), mutation.pick) : undefined;
    const type = kind === "catalog_entries" ? pickRecord(listRecords(dataset, "catalog_types"), mutation.pick) : undefined;
    const record = dataset.add(kind, {
      ...(parent ? { incident_id: parent["id"] as string } : {}),
      ...(type ? { catalog_type_id: type["id"] as string } : {}),
    });
    return `added ${kind} ${String(record["id"])}`;
  }
  const candidates = listRecords(dataset, kind).filter((record) => {
    if (mutation.op === "remove") return !mentionsAny(record, removed);
    return mutation.op === "update" || !unmappable.has(recordKey(kind, record["id"] as string));
  });
  // An unmappable record whose entity Port holds is the case to check: that entity must be kept.
  const pushed = mutation.op === "unmappable" ? candidates.filter((record) => port.entity(BLUEPRINT_OF_KIND[kind], record["id"] as string)) : [];
  const record = pickRecord(pushed.length > 0 ? pushed : candidates, mutation.pick);
  if (!record) return undefined;
  const id = record["id"] as string;
  const key = recordKey(kind, id);
  if (mutation.op === "remove") {
    dataset.remove(kind, id);
    removed.add(id);
    unmappable.delete(key);
    return `removed ${kind} ${id}`;
  }
  if (mutation.op === "unmappable") {
    const entity = port.entity(BLUEPRINT_OF_KIND[kind], id);
    dataset.update(kind, id, { [UNPARSEABLE_FIELD]: nestArrays(UNPARSEABLE_DEPTH) });
    unmappable.set(key, { kind, id, lastPushed: entity ? structuredClone(entity) : undefined });
    return `made ${kind} ${id} unmappable${entity ? "" : " (no entity in Port yet)"}`;
  }
  const field = UPDATED_FIELD[kind];
  const repairs = unmappable.delete(key);
  dataset.update(kind, id, { [field]: `${String(record[field] ?? "")} (${tag})`, ...(repairs ? { [UNPARSEABLE_FIELD]: null } : {}) });
  return `updated ${repairs ? "and repaired " : ""}${kind} ${id}`;
}

/** Makes every unmappable record mappable again (the final clean run must be able to end exact). */
function repairUnmappable(dataset: IncidentIoDataset, state: SourceState): string[] {
  const repaired = [...state.unmappable.values()].map((record) => {
    dataset.update(record.kind, record.id, { [UNPARSEABLE_FIELD]: null });
    return `repaired ${record.kind} ${record.id}`;
  });
  state.unmappable.clear();
  return repaired;
}

function resolvePick(dataset: IncidentIoDataset, target: RecordPick): { blueprint: string; identifier: string } | undefined {
  const record = pickRecord(listRecords(dataset, target.kind), target.pick);
  return record ? { blueprint: BLUEPRINT_OF_KIND[target.kind], identifier: record["id"] as string } : undefined;
}

interface ArmedPagingFault {
  readonly type: PagingFaultType;
  /** The list's path, `/v2/alerts`. */
  readonly path: string;
}

interface ArmedRun {
  readonly entityFaults: readonly { blueprint: string; identifier: string; times: number }[];
  readonly expiries: readonly number[];
  readonly slowPort: boolean;
  /** At most one per list: the sandbox holds one page fault per path. */
  readonly pagingFaults: readonly ArmedPagingFault[];
}

/** Arms a run's faults on both sandboxes, remembering which label each served fault belongs to. */
function armFaults(sandboxes: Sandboxes, run: RunPlan, labels: Map<Fault, FaultLabel>): ArmedRun {
  const entityFaults: { blueprint: string; identifier: string; times: number }[] = [];
  const expiries: number[] = [];
  const pagingFaults: ArmedPagingFault[] = [];
  for (const event of run.faults) {
    if (event.target === "incidentio" && "kind" in event) {
      const path = INCIDENTIO_ROUTES[event.kind].replace(/^GET /, "");
      if (pagingFaults.some((armed) => armed.path === path)) continue;
      sandboxes.incidentIo.setPageFault(path, PAGE_FAULTS[event.type]);
      pagingFaults.push({ type: event.type, path });
    } else if (event.type === "207") {
      const entity = resolvePick(sandboxes.incidentIo.dataset, event.entity);
      if (!entity) continue;
      sandboxes.port.failEntity({ ...entity, status: event.status, error: INJECTED_ERROR, message: "refused by the fault-injection suite", times: event.times });
      entityFaults.push({ ...entity, times: event.times });
    } else if (event.type === "expired-token") {
      expiries.push(event.afterPortRequests);
    } else {
      (event.target === "incidentio" ? sandboxes.incidentIo : sandboxes.port).faults.add(event.rule);
      labels.set(event.rule.fault, `${event.target} ${event.type}` as FaultLabel);
    }
  }
  return {
    entityFaults,
    expiries: expiries.sort((a, b) => a - b),
    slowPort: run.faults.some((event) => event.target === "port" && event.type === "slow"),
    pagingFaults,
  };
}

/**
 * Uses up per-entity refusals the run did not reach, so none outlives its run: Port's validation-only
 * upsert takes an armed refusal like any upsert, and writes nothing either way.
 */
async function drainEntityFaults(port: PortSandbox, faults: ArmedRun["entityFaults"]): Promise<void> {
  if (faults.length === 0) return;
  const post = async (path: string, body: unknown, token?: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${port.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const { accessToken } = await post("/v1/auth/access_token", PORT_CLIENT);
  for (const fault of faults) {
    for (let attempt = 0; attempt < fault.times; attempt += 1) {
      const path = `/v1/blueprints/${encodeURIComponent(fault.blueprint)}/entities?upsert=true&validation_only=true`;
      const reply = await post(path, { identifier: fault.identifier, properties: {}, relations: {} }, accessToken as string);
      if (reply["error"] !== INJECTED_ERROR) break;
    }
  }
}

/** Runs the product (`etl <args>`) as a child process, SIGKILLing it when `kill` says so and expiring Port's tokens on cue. */
async function runProduct(
  sandboxes: Sandboxes,
  args: readonly string[],
  env: Record<string, string>,
  triggers: { kill?: KillTrigger | undefined; expiries?: readonly number[] },
): Promise<ProductRun> {
  const base = { incidentIo: sandboxes.incidentIo.requests.length, port: sandboxes.port.requests.length };
  const cli = startCli(args, env, RUN_TIMEOUT_MS);
  const expiries = [...(triggers.expiries ?? [])];
  let expired = 0;
  let fired = false;
  const kill = (): void => {
    if (fired) return;
    fired = true;
    cli.child.kill("SIGKILL");
  };
  const { kill: trigger } = triggers;
  // Polled every couple of milliseconds: the sandboxes log a request as it arrives, in this process.
  const watch = setInterval(() => {
    const portRequests = sandboxes.port.requests.length - base.port;
    while (expiries.length > 0 && portRequests >= (expiries[0] as number)) {
      expiries.shift();
      sandboxes.port.expireTokens();
      expired += 1;
    }
    if (trigger && "afterRequests" in trigger && portRequests + sandboxes.incidentIo.requests.length - base.incidentIo >= trigger.afterRequests) kill();
  }, 2);
  const timer = trigger && "afterMs" in trigger ? setTimeout(kill, trigger.afterMs) : undefined;
  try {
    const result = await cli.done;
    const killed = result.signal === "SIGKILL" && fired;
    return {
      code: result.code,
      killed,
      hung: result.signal === "SIGKILL" && !fired,
      stderr: result.stderr,
      summary: result.code === null ? undefined : parseSummary(result.stdout),
      expiries: expired,
    };
  } finally {
    clearInterval(watch);
    clearTimeout(timer);
  }
}

function parseSummary(stdout: string): RunSummary | undefined {
  try {
    return JSON.parse(stdout) as RunSummary;
  } catch {
    return undefined;
  }
}

/**
 * The load went through every batch: only extract failures, Port's per-entity refusals and the line
 * about unmapped records and kept entities are allowed among the run's errors.
 */
function isLoadFinished(run: ProductRun): boolean {
  const { summary } = run;
  if (run.killed || run.hung || !summary?.load || summary.load.interrupted) return false;
  return summary.errors.every(
    (line) => line.startsWith("extract ") || /^load \S+: Port refused /.test(line) || /^(transform: \d+ records? could not be mapped|load: \d+ entit(y was|ies were) kept in Port)/.test(line),
  );
}

/** Whether the run reported the extract of `kind` (its list at `path`) as failed. */
function hasFailedKind(run: ProductRun, path: string): boolean {
  return (run.summary?.extract?.kinds ?? []).some((kind) => kind.kind.split("?")[0] === path && kind.status === "failed");
}

function describeRun(run: ProductRun): string {
  if (run.killed) return "SIGKILLed";
  if (run.hung) return "hung";
  const failed = (run.summary?.extract?.kinds ?? []).filter((kind) => kind.status === "failed").map((kind) => kind.name);
  const modes = (run.summary?.extract?.kinds ?? []).filter((kind) => kind.mode === "incremental").map((kind) => kind.name);
  return [
    `exit ${run.code}`,
    ...(failed.length > 0 ? [`extract failed for ${failed.join(", ")}`] : []),
    ...(modes.length > 0 ? [`incremental ${modes.join(", ")}`] : []),
    ...(run.summary?.errors.filter((line) => !line.startsWith("extract ")) ?? []),
    ...(run.summary?.load?.failures ?? []).slice(0, 3).map((failure) => `refused ${failure.blueprint}/${failure.identifier} (${failure.status}: ${failure.message})`),
  ].join(", ");
}

function tail(text: string, length = 1500): string {
  return text.length > length ? `…${text.slice(-length)}` : text;
}

/** Every entity the Port sandbox holds under the shipped mapping's blueprints. */
export function readCatalog(port: PortSandbox): CatalogEntity[] {
  return Object.values(BLUEPRINT_OF_KIND).flatMap((blueprint) => port.entities(blueprint));
}

/** The product, run cleanly in this process from an empty staging file into an empty Port: what Port should hold. */
export async function runReference(incidentIo: IncidentIoSandbox, dir: string): Promise<{ code: number; catalog: CatalogEntity[]; output: string }> {
  const port = await startPortSandbox(PORT_CLIENT);
  try {
    let output = "";
    const sink = (): Writable =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          output += chunk.toString();
          done();
        },
      });
    const env = { ...buildProductEnv(incidentIo, port, join(dir, "reference.sqlite")), PATH: process.env["PATH"] };
    const code = await main(["run", "--json"], { env, cwd: ROOT, stdout: sink(), stderr: sink() }, new AbortController().signal);
    return { code, catalog: readCatalog(port), output };
  } finally {
    await port.close();
  }
}

function describeDiff(diff: CatalogDiff): string[] {
  const list = (name: string, keys: readonly string[]): string[] => (keys.length === 0 ? [] : [`${name} (${keys.length}): ${keys.slice(0, 10).join(", ")}`]);
  return [
    ...list("missing from Port", diff.missing),
    ...list("extra in Port", diff.extra),
    ...list("duplicated in Port", diff.duplicates),
    ...list(
      "different in Port",
      diff.different.map((entry) => `${entry.key} [${entry.fields.join(", ")}]`),
    ),
  ];
}

/**
 * Runs one seed: the schedule's faulty runs (each may fail, exit 1 or be killed), then, with every
 * fault cleared, a final clean run whose Port must equal a from-scratch reference run over the same
 * final dataset. Every run's deletes are checked against the source as it was during that run.
 */
export async function runSeed(seed: number): Promise<SeedOutcome> {
  const started = Date.now();
  const schedule = planFaultSchedule(seed);
  const dir = mkdtempSync(join(tmpdir(), `etl-faults-${seed}-`));
  const incidentIo = await startIncidentIoSandbox({ seed, scale: FAULT_DATASET });
  const port = await startPortSandbox(PORT_CLIENT);
  const sandboxes: Sandboxes = { incidentIo, port };
  const spies = [vi.spyOn(incidentIo.faults, "take"), vi.spyOn(port.faults, "take")];
  const labels = new Map<Fault, FaultLabel>();
  const counted = Object.fromEntries(FAULT_LABELS.map((label) => [label, 0])) as Record<FaultLabel, number>;
  const problems: string[] = [];
  const history: string[] = [`incidents and follow-ups read in full every ${schedule.fullRefreshEveryRuns} runs`];
  const source: SourceState = { removed: new Set(), unmappable: new Map() };
  let unsafeCount = 0;
  let keptMismatches = 0;
  let keptChecks = 0;
  let failedReads = 0;
  try {
    const databasePath = join(dir, "etl.sqlite");
    const env = buildProductEnv(incidentIo, port, databasePath, { fullRefreshEveryRuns: schedule.fullRefreshEveryRuns });
    const mutate = (mutations: readonly Mutation[], label: string): string[] =>
      mutations.flatMap((mutation, index) => {
        const change = applyMutation(incidentIo.dataset, port, mutation, source, `s${seed}${label}m${index}`);
        if (change && mutation.op === "unmappable") counted["unmappable-record"] += 1;
        return change ?? [];
      });

    for (const [index, plan] of schedule.runs.entries()) {
      const name = `run ${index + 1}`;
      const changes = mutate(plan.mutations, `r${index + 1}`);
      const armed = armFaults(sandboxes, plan, labels);
      const before = { requests: port.requests.length, writes: port.writes.length, incidentIo: incidentIo.requests.length };
      const run = await runProduct(sandboxes, ["run", "--json"], env, { kill: plan.kill, expiries: armed.expiries });
      // A killed run's slow Port request is still answered (and written) after the delay.
      if (run.killed && armed.slowPort) await new Promise((resolve) => setTimeout(resolve, PORT_MAX_DELAY_MS + 200));
      incidentIo.faults.clear();
      port.faults.clear();
      for (const fault of armed.pagingFaults) incidentIo.setPageFault(fault.path, undefined);
      const window = { requests: port.requests.slice(before.requests), writes: port.writes.slice(before.writes) };
      await drainEntityFaults(port, armed.entityFaults);

      const listRequests = incidentIo.requests.slice(before.incidentIo);
      const servedPaging = armed.pagingFaults.filter((fault) => isPagingFaultServed(fault.type, fault.path, listRequests));
      const paging = servedPaging.map((fault) => `${fault.type} on ${fault.path}`).join(", ");
      history.push(`${name}: ${describeRun(run)}; planned ${listRunLabels(plan).join(", ") || "no faults"}${paging ? `; served ${paging}` : ""}; source: ${changes.join(", ") || "unchanged"}`);
      failedReads += (run.summary?.extract?.kinds ?? []).filter((kind) => kind.status === "failed").length;
      counted["sigkill"] += run.killed ? 1 : 0;
      counted["port expired-token"] += run.expiries;
      counted["port 207"] += window.requests.filter((request) => request.status === 207).length;
      for (const fault of servedPaging) {
        counted[`incidentio ${fault.type}`] += 1;
        // A list whose paging went wrong cannot have been read to its end.
        if (run.summary && !run.killed && !run.hung && !hasFailedKind(run, fault.path)) problems.push(`${name}: ${fault.path} served a ${fault.type}, but its kind did not fail`);
      }
      if (run.hung) problems.push(`${name}: did not exit within ${RUN_TIMEOUT_MS} ms`);
      if (!run.killed && !run.hung && run.code !== 0 && run.code !== 1) problems.push(`${name}: exit code ${run.code}: ${tail(run.stderr)}`);
      // With --json, every run that ends on its own prints its summary; one that does not crashed.
      if (!run.killed && !run.hung && (run.summary === undefined || run.stderr.includes("unexpected error"))) problems.push(`${name}: crashed: ${tail(run.stderr)}`);
      const unsafe: UnsafeDelete[] = findUnsafeDeletes({
        ...window,
        sourceExists: (blueprint, identifier) => {
          const kind = KIND_OF_BLUEPRINT.get(blueprint);
          return kind !== undefined && incidentIo.dataset.get(kind, identifier) !== undefined;
        },
        loadFinished: isLoadFinished(run),
        refused: new Set((run.summary?.load?.failures ?? []).map((failure) => `${failure.blueprint}/${failure.identifier}`)),
      });
      unsafeCount += unsafe.length;
      for (const item of unsafe) problems.push(`${name}: unsafe delete (${item.reason}) of ${item.key}`);
      // Checked once the load has run to its end: a killed run may have deleted an entity as a dependent and not yet sent it again.
      if (isLoadFinished(run)) {
        const kept = [...source.unmappable.values()].flatMap((record) => (record.lastPushed ? [record.lastPushed] : []));
        keptChecks += kept.length;
        for (const violation of findUnkeptEntities(kept, (blueprint, identifier) => port.entity(blueprint, identifier))) {
          if (violation.reason === "deleted") {
            unsafeCount += 1;
            problems.push(`${name}: unsafe delete (unmappable) of ${violation.key}: its record could not be mapped, so its entity must be kept as last pushed`);
          } else {
            keptMismatches += 1;
            problems.push(`${name}: ${violation.key} changed in Port [${violation.fields.join(", ")}] while its record could not be mapped`);
          }
        }
      }
    }

    // The final clean run starts from a source that maps: its state must be exact against it.
    const finalChanges = [...repairUnmappable(incidentIo.dataset, source), ...mutate(schedule.finalMutations, "final")];
    // Incidents and follow-ups are read incrementally between full reads, and only a full read sees deletions.
    const final = await runProduct(sandboxes, ["run", "--json", "--full-refresh"], buildProductEnv(incidentIo, port, databasePath), {});
    history.push(`final clean run: ${describeRun(final)}; source: ${finalChanges.join(", ") || "unchanged"}`);
    if (final.code !== 0) problems.push(`final clean run: ${final.hung ? `did not exit within ${RUN_TIMEOUT_MS} ms` : `exit code ${final.code}`}: ${tail(final.stderr)}`);
    const reference = await runReference(incidentIo, dir);
    if (reference.code !== 0) problems.push(`reference run: exit code ${reference.code}: ${tail(reference.output)}`);
    const listed = Object.keys(BLUEPRINT_OF_KIND).reduce((sum, kind) => sum + listRecords(incidentIo.dataset, kind as IncidentIoKind).length, 0);
    if (reference.catalog.length < listed) problems.push(`reference run: Port holds ${reference.catalog.length} entities for ${listed} source records`);
    const diff = diffCatalogs(readCatalog(port), reference.catalog);
    for (const line of describeDiff(diff)) problems.push(`final state: ${line}`);

    for (const spy of spies) {
      for (const result of spy.mock.results) {
        const label = result.type === "return" && result.value ? labels.get(result.value) : undefined;
        if (label) counted[label] += 1;
      }
    }
    return {
      seed,
      runs: schedule.runs.length + 2,
      injected: counted,
      mismatches: diff.missing.length + diff.extra.length + diff.duplicates.length + diff.different.length + keptMismatches,
      unsafeDeletes: unsafeCount,
      failedReads,
      keptChecks,
      problems,
      history,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const spy of spies) spy.mockRestore();
    await Promise.all([incidentIo.close(), port.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
