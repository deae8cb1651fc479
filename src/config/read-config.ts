import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors";
import { PACKAGE_ROOT } from "../package-files";
import type { Blueprint } from "../model/blueprint";
import type { Config, ConfigNeeds, IncidentIoAuth } from "../model/config";
import type { PortAppConfig } from "../model/mapping";
import type { PaginationSettings, PaginationType } from "../model/pagination";
import { Secret } from "../model/secret";
import { parseBlueprints } from "./blueprints";
import { defaultParams } from "./pagination";
import { parsePortAppConfig } from "./port-app-config";
import { INCIDENT_IO_CURSOR_PARAMS, PORT_REGIONS, SETTINGS, type FlagSettingName, type SettingName, type SettingSpec } from "./settings";
import { warnUnknownEnvNames } from "./unknown-keys";
import { parseYamlText } from "./yaml-text";

export type { ConfigNeeds };

/**
 * Flags that carry settings, keyed by setting name (the CLI passes them through; other flags are command
 * options), and `--config`, which names the config file.
 */
export type ConfigFlags = { readonly config?: string | undefined } & {
  readonly [K in FlagSettingName]?: ((typeof SETTINGS)[K] extends { readonly default: boolean } ? boolean : string) | undefined;
};

export interface ConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: ConfigFlags;
  /** Relative paths (flags, env, config file) resolve against this directory. */
  readonly cwd: string;
}

const ALWAYS_DROPPED = ["secret_token"];

export interface RawValue {
  readonly value: unknown;
  /** Where the value came from, for messages: `OCEAN__…`, `--db`, or `etl.config.yaml: etl.db`. */
  readonly source: string;
}

function lookupDotPath(document: unknown, path: string): unknown {
  let node = document;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function readTextFile(path: string, what: string, issues: string[]): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push(`${what}: cannot read ${path}${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`);
    return undefined;
  }
}

/** Gathers one raw value per setting by precedence: flag > environment > config file. */
export function gatherRawValues(sources: ConfigSources, fileDocument: unknown, fileLabel: string, issues: string[]) {
  const flagValues: Readonly<Record<string, unknown>> = sources.flags;
  const raw = new Map<SettingName, RawValue>();
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, SettingSpec][]) {
    const flagValue = spec.flag ? flagValues[name] : undefined;
    if (flagValue !== undefined) {
      raw.set(name, { value: flagValue, source: spec.flag as string });
      continue;
    }
    const fromEnv = spec.env.find((key) => sources.env[key] !== undefined && sources.env[key] !== "");
    if (fromEnv) {
      raw.set(name, { value: sources.env[fromEnv], source: fromEnv });
      continue;
    }
    // Docker/Kubernetes secrets: OCEAN__…__TOKEN_FILE names a file that holds the value.
    const fileEnv = spec.secret ? spec.env.map((key) => `${key}_FILE`).find((key) => sources.env[key]) : undefined;
    if (fileEnv) {
      const content = readTextFile(resolve(sources.cwd, sources.env[fileEnv] as string), fileEnv, issues);
      if (content !== undefined) raw.set(name, { value: content.trim(), source: fileEnv });
      continue;
    }
    const fileValue = spec.file ? lookupDotPath(fileDocument, spec.file) : undefined;
    if (fileValue !== undefined && fileValue !== null) raw.set(name, { value: fileValue, source: `${fileLabel}: ${spec.file}` });
  }
  return raw;
}

type Parsed = { [K in SettingName]?: (typeof SETTINGS)[K]["schema"]["_output"] };

function parseRawValues(raw: Map<SettingName, RawValue>, issues: string[]): Parsed {
  const parsed: Record<string, unknown> = {};
  for (const [name, { value, source }] of raw) {
    const result = SETTINGS[name].schema.safeParse(value);
    if (result.success) parsed[name] = result.data;
    else {
      const shown = (SETTINGS[name] as SettingSpec).secret ? "" : ` (got ${JSON.stringify(value)})`;
      issues.push(`${source}: ${result.error.issues.map((i) => i.message).join("; ")}${shown}`);
    }
  }
  return parsed as Parsed;
}

function buildPagination(p: Parsed): PaginationSettings {
  const type: PaginationType = p.paginationType ?? SETTINGS.paginationType.default;
  // Defaults are Incident.io's cursor scheme; other types get Ocean's parameter names.
  const defaults = type === "cursor" ? INCIDENT_IO_CURSOR_PARAMS : defaultParams(type);
  return {
    type,
    pageSize: p.pageSize ?? SETTINGS.pageSize.default,
    param: p.paginationParam ?? defaults.param,
    sizeParam: p.sizeParam ?? defaults.sizeParam,
    cursorPath: p.cursorPath ?? SETTINGS.cursorPath.default,
    hasMorePath: p.hasMorePath,
    startPage: p.startPage ?? SETTINGS.startPage.default,
  };
}

function buildAuth(p: Parsed, needs: ConfigNeeds, issues: string[]): IncidentIoAuth {
  const type = p.authType ?? SETTINGS.authType.default;
  const missing = (what: string) => {
    if (needs.incidentIo) issues.push(`${what} is required for auth type ${type} (set it in the environment, never on the command line)`);
  };
  switch (type) {
    case "bearer_token":
      if (!p.token) missing("OCEAN__INTEGRATION__SECRETS__TOKEN (the Incident.io API key)");
      return { type, token: new Secret(p.token ?? "") };
    case "api_key": {
      const key = p.apiKey ?? p.token;
      if (!key) missing("OCEAN__INTEGRATION__SECRETS__API_KEY");
      return { type, header: p.apiKeyHeader ?? SETTINGS.apiKeyHeader.default, key: new Secret(key ?? "") };
    }
    case "basic":
      if (!p.username) missing("OCEAN__INTEGRATION__CONFIG__USERNAME");
      if (!p.password) missing("OCEAN__INTEGRATION__SECRETS__PASSWORD");
      return { type, username: p.username ?? "", password: new Secret(p.password ?? "") };
    case "none":
      return { type };
  }
}

/** JQ_PATH if set, else the first executable `jq` on PATH; undefined when there is none. */
function findJq(jqPath: string | undefined, pathVariable: string | undefined, cwd: string): string | undefined {
  const candidates = jqPath ? [resolvePath(cwd, jqPath)] : (pathVariable ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "jq"));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export function loadConfigFile(sources: ConfigSources, issues: string[]): { document: unknown; label: string } {
  const path = sources.flags.config;
  if (!path) return { document: undefined, label: "config file" };
  const label = path;
  const text = readTextFile(resolvePath(sources.cwd, path), "--config", issues);
  if (text === undefined) return { document: undefined, label };
  const yaml = parseYamlText(text, label);
  if (!yaml.ok) {
    issues.push(...yaml.issues);
    return { document: undefined, label };
  }
  return { document: yaml.value, label };
}

/**
 * Builds the validated Config from flags, environment and an optional config file, and loads the
 * mapping and blueprints files it names. Throws one ConfigError listing every problem found.
 */
export function readConfig(sources: ConfigSources, needs: ConfigNeeds): Config {
  const issues: string[] = [];
  const warnings: string[] = warnUnknownEnvNames(sources.env);
  const file = loadConfigFile(sources, issues);
  const p = parseRawValues(gatherRawValues(sources, file.document, file.label, issues), issues);

  const pagination = buildPagination(p);
  const auth = buildAuth(p, needs, issues);
  const portBaseUrl = (p.portBaseUrl ?? PORT_REGIONS[p.portRegion ?? SETTINGS.portRegion.default]).replace(/\/+$/, "");
  if (needs.port) {
    if (!p.portClientId) issues.push("OCEAN__PORT__CLIENT_ID is required to talk to Port");
    if (!p.portClientSecret) issues.push("OCEAN__PORT__CLIENT_SECRET is required to talk to Port (set it in the environment, never on the command line)");
  }
  const verifyTls = !((p.insecure ?? SETTINGS.insecure.default) || !(p.verifySsl ?? SETTINGS.verifySsl.default));
  if (!verifyTls) {
    warnings.push("TLS certificate verification is OFF (--insecure / VERIFY_SSL=false): anyone on the network path can read your API keys");
  }
  const caFile = p.caFile ? resolvePath(sources.cwd, p.caFile) : undefined;
  if (caFile && !existsSync(caFile)) issues.push(`${sources.flags.caFile ? "--ca-file" : "ETL_CA_FILE"}: no such file ${caFile}`);

  // The shipped files are found next to the code, wherever the command is run from.
  const blueprintsPath = p.blueprints ? resolvePath(sources.cwd, p.blueprints) : resolve(PACKAGE_ROOT, SETTINGS.blueprints.default);
  const mappingPath = p.mapping ? resolvePath(sources.cwd, p.mapping) : resolve(PACKAGE_ROOT, SETTINGS.mapping.default);
  let blueprints: readonly Blueprint[] = [];
  const blueprintsText = readTextFile(blueprintsPath, "blueprints", issues);
  if (blueprintsText !== undefined) {
    const parsed = parseBlueprints(blueprintsText, p.blueprints ?? SETTINGS.blueprints.default);
    issues.push(...parsed.issues);
    warnings.push(...parsed.warnings);
    blueprints = parsed.blueprints;
  }
  let mapping: PortAppConfig | undefined;
  const mappingText = readTextFile(mappingPath, "mapping", issues);
  if (mappingText !== undefined) {
    const parsed = parsePortAppConfig(mappingText, p.mapping ?? SETTINGS.mapping.default, pagination, blueprints);
    issues.push(...parsed.issues);
    warnings.push(...parsed.warnings);
    mapping = parsed.config;
  }

  if (needs.webhookSecret && !p.webhookSecret && !issues.some((issue) => issue.startsWith("ETL_WEBHOOK_SECRET"))) {
    issues.push("ETL_WEBHOOK_SECRET is required to serve: the signing secret (whsec_…) of the Incident.io webhook endpoint, from the environment (never a flag)");
  }
  const jqPath = findJq(p.jqPath, sources.env["PATH"], sources.cwd);
  if (needs.jq && !jqPath) {
    issues.push(
      p.jqPath
        ? `JQ_PATH: ${p.jqPath} is not an executable jq`
        : "jq is not installed: install it (Debian/Ubuntu: apt-get install jq; macOS: brew install jq) or set JQ_PATH to its path",
    );
  }
  if (issues.length > 0 || !mapping) throw new ConfigError(issues.length > 0 ? issues : ["mapping: no resources"]);
  const env = sources.env;
  const maxAttempts = p.maxAttempts ?? SETTINGS.maxAttempts.default;
  const pageBound = {
    minPages: p.pageBoundMinPages ?? SETTINGS.pageBoundMinPages.default,
    factor: p.pageBoundFactor ?? SETTINGS.pageBoundFactor.default,
    firstReadPages: p.pageBoundFirstReadPages ?? SETTINGS.pageBoundFirstReadPages.default,
  };
  return Object.freeze({
    incidentIo: {
      baseUrl: (p.incidentIoBaseUrl ?? SETTINGS.incidentIoBaseUrl.default).replace(/\/+$/, ""),
      auth,
      pagination,
      requestsPerMinute: p.requestsPerMinute ?? SETTINGS.requestsPerMinute.default,
      maxAttempts,
      dropFields: [...new Set([...ALWAYS_DROPPED, ...(p.dropFields ?? [])])],
      pageBound,
    },
    port: {
      baseUrl: portBaseUrl,
      clientId: p.portClientId,
      clientSecret: p.portClientSecret === undefined ? undefined : new Secret(p.portClientSecret),
      maxAttempts,
      pageBound,
    },
    network: {
      caFile,
      extraCaFile: env["NODE_EXTRA_CA_CERTS"] || undefined,
      verifyTls,
      httpsProxy: env["HTTPS_PROXY"] || env["https_proxy"] || undefined,
      httpProxy: env["HTTP_PROXY"] || env["http_proxy"] || undefined,
      noProxy: env["NO_PROXY"] || env["no_proxy"] || undefined,
      timeoutMs: Math.round((p.timeoutSeconds ?? SETTINGS.timeoutSeconds.default) * 1000),
      maxRetryWaitMs: Math.round((p.maxRetryWaitSeconds ?? SETTINGS.maxRetryWaitSeconds.default) * 1000),
    },
    integration: { identifier: p.integrationIdentifier ?? SETTINGS.integrationIdentifier.default, type: p.integrationType ?? SETTINGS.integrationType.default },
    initializePortResources: p.initializePortResources ?? SETTINGS.initializePortResources.default,
    sendRawDataExamples: p.sendRawDataExamples ?? SETTINGS.sendRawDataExamples.default,
    eventListener: p.eventListener ?? SETTINGS.eventListener.default,
    scheduledResyncIntervalMinutes: p.scheduledResyncInterval ?? SETTINGS.scheduledResyncInterval.default,
    serve: {
      host: p.serveHost ?? SETTINGS.serveHost.default,
      port: p.servePort ?? SETTINGS.servePort.default,
      webhookSecret: p.webhookSecret === undefined ? undefined : new Secret(p.webhookSecret),
    },
    incremental: {
      fullEveryRuns: p.fullEveryRuns ?? SETTINGS.fullEveryRuns.default,
      fullEveryHours: p.fullEveryHours ?? SETTINGS.fullEveryHours.default,
      lookbackMinutes: p.lookbackMinutes ?? SETTINGS.lookbackMinutes.default,
      alertsByIdMax: p.alertsByIdMax ?? SETTINGS.alertsByIdMax.default,
    },
    reconcileEveryHours: p.reconcileEveryHours ?? SETTINGS.reconcileEveryHours.default,
    databasePath: resolvePath(sources.cwd, p.db ?? SETTINGS.db.default),
    mappingPath,
    mappingNamed: p.mapping,
    blueprintsPath,
    jqPath,
    mapping,
    blueprints,
    warnings,
  });
}
