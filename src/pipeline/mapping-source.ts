import type { StagingDb } from "../../db/database";
import { forgetPortMapping, readStoredPortMapping, storePortMapping, type StoredPortMapping } from "../../db/queries/port-mapping";
import { parsePortAppConfig } from "../config/port-app-config";
import { SETTINGS } from "../config/settings";
import { ConfigError, EtlError, HttpError } from "../errors";
import { buildIntegrationConfig, readIntegration, writeIntegrationMapping, type IntegrationState } from "../load/initialize";
import { isDeepEqual } from "../load/plan";
import type { PortClient } from "../load/port-client";
import type { Config } from "../model/config";
import { blueprintName, type PortAppConfig, type ResourceMapping } from "../model/mapping";
import type { MappingSourceSummary } from "../model/summary";
import { judgePortFailure } from "./preflight";

// Ocean re-reads the mapping from Port at every resync (GET /v1/integration/{id} → integration.config),
// because users edit it in Port's UI; it writes its default there only when the integration has none.
// This tool does the same: the mapping decides what extract
// reads and what transform maps, so it is resolved before any stage. A mapping file the user names is
// used for that run only; replacing Port's with it takes --push-mapping. Commands that do not talk to
// Port (extract, transform, plan without --reconcile or --push-mapping) map with Port's mapping as the
// last command that talked to Port read it, kept in the staging file (port_mapping), else with the
// shipped default, and say so.

/** What a command learnt of Port's integration. */
type PortReading =
  /** The command does not talk to Port. */
  | "not-read"
  | IntegrationState["state"]
  /** Port did not answer (or failed) after retries. */
  | "unreadable";

export interface MappingChoiceInput {
  /** OCEAN__INTEGRATION__IDENTIFIER: the integration whose config is Port's mapping, named in the notes. */
  readonly integration: string;
  /** The mapping file the user named (Config.mappingNamed). */
  readonly named: string | undefined;
  /** --push-mapping. */
  readonly push: boolean;
  /** The command writes to Port (run, load); plan only says what it would write. */
  readonly writes: boolean;
  /** OCEAN__INITIALIZE_PORT_RESOURCES: register the default (or named) mapping where Port has none. */
  readonly initialize: boolean;
  readonly port: PortReading;
  /** The staging file keeps a mapping read from Port earlier. */
  readonly hasStored: boolean;
  /** The named file's mapping equals Port's (or, when Port is not read, the kept one); undefined when there is none to compare. */
  readonly sameAsPort: boolean | undefined;
}

export interface MappingChoice {
  /** Port's mapping read now, the one kept in the staging file, the local file (named or shipped), or none: the run cannot go on. */
  readonly use: "port" | "stored" | "local" | "unavailable";
  /** What to write to Port's integration (a plan only shows it). */
  readonly write: "register" | "push" | undefined;
  /** Show how the named file differs from Port's mapping. */
  readonly showChanges: boolean;
  /** What the description adds in brackets, beyond a write. */
  readonly note: string | undefined;
}

/**
 * Chooses the mapping a command runs with, and what it writes to Port's integration. Pure; throws
 * ConfigError for --push-mapping without a named file (there would be nothing of the user's to push).
 */
export function chooseMapping(input: MappingChoiceInput): MappingChoice {
  const { named, push, port } = input;
  if (push && named === undefined) {
    throw new ConfigError(["--push-mapping: name the mapping file to push with --mapping FILE (without it, the mapping is Port's integration config)"]);
  }
  const local = (note?: string, write?: "register" | "push", showChanges = false): MappingChoice => ({ use: "local", write, showChanges, note });
  switch (port) {
    case "unreadable":
      if (named !== undefined) return local("Port's mapping could not be read");
      return { use: input.hasStored ? "stored" : "unavailable", write: undefined, showChanges: false, note: undefined };
    case "not-read":
      if (named === undefined) return input.hasStored ? { use: "stored", write: undefined, showChanges: false, note: undefined } : local(`no mapping of Port integration ${input.integration} read yet`);
      if (input.sameAsPort === undefined) return local();
      return input.sameAsPort ? local("same as Port's, as last read") : local("differs from Port's, as last read", undefined, true);
    case "absent":
    case "empty":
      if (input.initialize || push) return local(undefined, "register");
      return local("Port's integration has none; not registered, as OCEAN__INITIALIZE_PORT_RESOURCES is off");
    case "configured":
      if (named === undefined) return { use: "port", write: undefined, showChanges: false, note: undefined };
      if (input.sameAsPort) return local("same as Port's");
      if (push) return local(undefined, "push", true);
      return local("differs from Port's, which is kept: --push-mapping replaces it", undefined, true);
  }
}

/** A read time for people: `19:20 UTC` today, else `2026-12-05 19:20 UTC`. Pure. */
export function formatReadAt(readAt: string, now: Date): string {
  const iso = new Date(readAt).toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}

/** The one-line description of a mapping's source, as the summary and `etl status` print it. Pure. */
export function describeMappingSource(summary: Omit<MappingSourceSummary, "description" | "resources" | "changes">, note: string | undefined, now: Date): string {
  const port = `Port integration ${summary.integration}`;
  const read = summary.readAt === undefined ? "" : formatReadAt(summary.readAt, now);
  const written =
    summary.portWrite === "registered" ? "registered in Port"
    : summary.portWrite === "pushed" ? "pushed to Port"
    : summary.plannedPortWrite === "register" ? "would be registered in Port"
    : summary.plannedPortWrite === "push" ? "would be pushed to Port"
    : undefined;
  const bracket = [written, note].filter((part) => part !== undefined).join("; ");
  const tail = bracket === "" ? "" : ` (${bracket})`;
  switch (summary.source) {
    case "port":
      return `${port} (read ${read})`;
    case "staging-file":
      return `${port} (read ${read} by an earlier command, kept in the staging file)`;
    case "file":
      return `file ${summary.path ?? ""}${tail}`;
    case "default":
      return `default ${summary.path ?? ""}${tail}`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The dotted paths at which two mapping blocks differ (down to a property's expression; arrays count whole). */
function listChangedPaths(from: unknown, to: unknown, prefix: string): string[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
    return keys.flatMap((key) => listChangedPaths(from[key], to[key], prefix === "" ? key : `${prefix}.${key}`));
  }
  return isDeepEqual(from, to) ? [] : [prefix];
}

/** Resources keyed by kind, with `#2`, `#3`, ... for a kind's later resources. */
function keyResources(config: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const keyed = new Map<string, Record<string, unknown>>();
  const seen = new Map<string, number>();
  for (const resource of Array.isArray(config["resources"]) ? config["resources"] : []) {
    if (!isPlainObject(resource)) continue;
    const kind = String(resource["kind"]);
    const count = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, count);
    keyed.set(count === 1 ? kind : `${kind}#${count}`, resource);
  }
  return keyed;
}

/**
 * How replacing the mapping `from` (Port's) with `to` (the file's) changes it, both in the shape
 * buildIntegrationConfig writes: `+ kind` added, `- kind` removed, `~ kind: the paths changed`, and
 * changed flags. Pure.
 */
export function listMappingChanges(from: Record<string, unknown>, to: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const key of [...new Set([...Object.keys(from), ...Object.keys(to)])]) {
    if (key === "resources" || isDeepEqual(from[key], to[key])) continue;
    lines.push(`~ ${key}: ${JSON.stringify(from[key]) ?? "unset"} → ${JSON.stringify(to[key]) ?? "unset"}`);
  }
  const before = keyResources(from);
  const after = keyResources(to);
  for (const [kind, resource] of after) {
    const previous = before.get(kind);
    if (!previous) lines.push(`+ ${kind}`);
    else if (!isDeepEqual(previous, resource)) lines.push(`~ ${kind}: ${listChangedPaths(previous, resource, "").join(", ")}`);
  }
  for (const kind of before.keys()) if (!after.has(kind)) lines.push(`- ${kind}`);
  return lines;
}

/** Port's mapping parsed as the mapping file is, or the issues, prefixed with where it came from. */
function parsePortMapping(config: unknown, label: string, settings: Config): { mapping: PortAppConfig | undefined; issues: readonly string[]; warnings: readonly string[] } {
  const parsed = parsePortAppConfig(JSON.stringify(config), label, settings.incidentIo.pagination, settings.blueprints);
  return { mapping: parsed.config, issues: parsed.issues, warnings: parsed.warnings };
}

/**
 * Port's mapping (`config`, described by `where`) parsed as the mapping file is, with its warnings.
 * Throws ConfigError for one that does not load; one read from Port now (`isReadNow`) may be fixed
 * there before the next POLLING run, which reads it again.
 */
export function loadPortMapping(config: unknown, where: string, settings: Config, isReadNow: boolean): { mapping: PortAppConfig; warnings: readonly string[] } {
  const parsed = parsePortMapping(config, where, settings);
  if (!parsed.mapping) {
    throw new ConfigError(
      [...parsed.issues, `${where}: fix the mapping in Port (the integration's mapping in Port's UI), or run with --mapping FILE to use a file instead`],
      { retryable: isReadNow },
    );
  }
  return { mapping: parsed.mapping, warnings: parsed.warnings };
}

/** The mapping a command runs with, and what is still to be written to Port and the staging file before its stages. */
export interface MappingResolution {
  readonly mapping: PortAppConfig;
  readonly summary: MappingSourceSummary;
  /** The integration as read (undefined when not read). */
  readonly state: IntegrationState | undefined;
  readonly write: "register" | "push" | undefined;
}

export interface MappingRequest {
  readonly config: Config;
  /** A client when the command talks to Port's integration (run, load; plan with --reconcile or --push-mapping). */
  readonly client: PortClient | undefined;
  readonly push: boolean;
  /** run and load write to Port; plan does not. */
  readonly writes: boolean;
  readonly warn: (message: string) => void;
}

/** Reads Port's integration; a Port that does not answer is "unreadable", a refusal a ConfigError naming the fix. */
async function readPort(request: MappingRequest): Promise<{ state: IntegrationState | undefined; reading: PortReading; failure?: string; cause?: unknown }> {
  const { client, config } = request;
  if (!client) return { state: undefined, reading: "not-read" };
  try {
    const state = await readIntegration(client, config.integration.identifier);
    return { state, reading: state.state };
  } catch (error) {
    if (!(error instanceof HttpError) && !(error instanceof ConfigError)) throw error;
    const failure = judgePortFailure(config.port.baseUrl, error);
    if (failure.isConfiguration) throw new ConfigError([`reading the mapping of integration ${config.integration.identifier}: ${failure.message}`], { cause: error });
    return { state: undefined, reading: "unreadable", failure: failure.message, cause: error };
  }
}

/**
 * Decides the mapping a pipeline command runs with (see chooseMapping): reads Port's integration
 * through `client` when there is one, else the mapping kept in the staging file. Writes nothing
 * (commitMapping does, once the mapping compiled and the credentials were checked). Throws
 * ConfigError when the mapping to use is invalid (naming Port's integration when it came from
 * there), or Port refuses the read; EtlError (retryable) when Port cannot be read and no mapping was kept.
 */
export async function resolveMapping(db: StagingDb, request: MappingRequest): Promise<MappingResolution> {
  const { config } = request;
  const integration = config.integration.identifier;
  const now = new Date();
  const stored = await readStoredPortMapping(db, integration);
  const port = await readPort(request);
  const local = buildIntegrationConfig(config.mapping);
  const portConfig = port.state?.state === "configured" ? port.state.config : port.reading === "not-read" ? stored?.config : undefined;
  const portLabel = port.reading === "not-read" ? `Port integration ${integration} config (kept in the staging file)` : `Port integration ${integration} config`;
  const portParsed = portConfig === undefined ? undefined : parsePortMapping(portConfig, portLabel, config);
  const comparable = portParsed?.mapping ? buildIntegrationConfig(portParsed.mapping) : undefined;
  const choice = chooseMapping({
    integration,
    named: config.mappingNamed,
    push: request.push,
    writes: request.writes,
    initialize: config.initializePortResources,
    port: port.reading,
    hasStored: stored !== undefined,
    sameAsPort: config.mappingNamed === undefined || portParsed === undefined ? undefined : comparable !== undefined && isDeepEqual(comparable, local),
  });
  if (port.failure) request.warn(`the mapping of Port integration ${integration} could not be read: ${port.failure}`);
  if (choice.use === "unavailable") {
    throw new EtlError(
      "pipeline",
      `the mapping is Port integration ${integration}'s config, and Port could not be read (${port.failure ?? "no answer"}) nor was it read by an earlier command; ` +
        "nothing ran: retry when Port answers, or run with --mapping FILE",
      { retryable: true, cause: port.cause },
    );
  }
  if (choice.use === "port" || choice.use === "stored") return usePortMapping(request, choice.use === "port" ? { config: portConfig, readAt: now.toISOString() } : (stored as StoredPortMapping), choice.use, port.state, now);
  const changes = choice.showChanges ? (comparable ? listMappingChanges(comparable, local) : [`Port's mapping does not load here (${portParsed?.issues[0] ?? "unknown"}): it would be replaced whole`]) : undefined;
  const base = {
    source: config.mappingNamed === undefined ? ("default" as const) : ("file" as const),
    integration,
    path: config.mappingNamed ?? SETTINGS.mapping.default,
    ...(choice.write && !request.writes ? { plannedPortWrite: choice.write } : {}),
  };
  return {
    mapping: config.mapping,
    summary: { ...base, description: describeMappingSource(base, choice.note, now), ...(changes ? { changes } : {}), resources: listResources(config.mapping.resources) },
    state: port.state,
    write: request.writes ? choice.write : undefined,
  };
}

function usePortMapping(
  request: MappingRequest,
  read: { readonly config: unknown; readonly readAt: string },
  use: "port" | "stored",
  state: IntegrationState | undefined,
  now: Date,
): MappingResolution {
  const { config } = request;
  const integration = config.integration.identifier;
  const where = use === "port" ? `Port integration ${integration} config` : `Port integration ${integration} config (as read ${formatReadAt(read.readAt, now)}, kept in the staging file)`;
  const parsed = loadPortMapping(read.config, where, config, use === "port");
  // A mapping file's warnings (unknown keys, deprecated endpoints) are printed at start-up; Port's are known only now.
  for (const warning of parsed.warnings) request.warn(warning);
  const base = { source: use === "port" ? ("port" as const) : ("staging-file" as const), integration, readAt: read.readAt };
  return {
    mapping: parsed.mapping,
    summary: { ...base, description: describeMappingSource(base, undefined, now), resources: listResources(parsed.mapping.resources) },
    state,
    write: undefined,
  };
}

/** The summary's rows for a mapping's resources: kind, short name and blueprint, in the mapping's order. */
export function listResources(resources: readonly ResourceMapping[]): MappingSourceSummary["resources"] {
  return resources.map((resource) => ({ kind: resource.kind, name: resource.name, blueprint: blueprintName(resource) }));
}

/**
 * Before the first stage: writes the resolved mapping to Port's integration where the resolution says
 * so (registers the file or default where Port has none; --push-mapping replaces Port's), and keeps
 * what Port holds now in the staging file for the commands that do not talk to Port. A refused
 * registration is a warning (the run goes on with the mapping it resolved); a refused push is a
 * ConfigError (4xx) or a retryable EtlError. Returns the summary with what was written.
 */
export async function commitMapping(db: StagingDb, request: MappingRequest, resolution: MappingResolution): Promise<MappingSourceSummary> {
  const { client, config } = request;
  const integration = config.integration.identifier;
  const { summary, state, write } = resolution;
  const now = new Date();
  if (!client || !state) return summary;
  if (!write) {
    if (state.state === "configured") await storePortMapping(db, integration, state.config, "read", now.toISOString());
    else await forgetPortMapping(db, integration);
    return summary;
  }
  const outcome = await writeIntegrationMapping(client, config.integration, state, resolution.mapping);
  if (outcome.warning) {
    if (write === "push") {
      const message = `--push-mapping: ${outcome.warning}`;
      const isRefusal = outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500;
      throw isRefusal ? new ConfigError([message]) : new EtlError("pipeline", message, { retryable: true });
    }
    request.warn(outcome.warning);
    if (state.state === "configured") await storePortMapping(db, integration, state.config, "read", now.toISOString());
    return summary;
  }
  await storePortMapping(db, integration, buildIntegrationConfig(resolution.mapping), write === "push" ? "pushed" : "registered", now.toISOString());
  const written = { ...summary, portWrite: write === "push" ? ("pushed" as const) : ("registered" as const) };
  return { ...written, description: describeMappingSource(written, undefined, now) };
}
