import { ConfigError, HttpError } from "../errors";
import { buildAuthHeaders } from "../extract/incidentio-client";
import { createHttpClient } from "../http/http-client";
import { isRetryableStatus } from "../http/retry-policy";
import { createJqRunner } from "../jq/jq-runner";
import { readIdentifiers, readIntegration, type IntegrationState } from "../load/initialize";
import { createPortClient, type PortClient } from "../load/port-client";
import type { Config } from "../model/config";
import type { PortAppConfig } from "../model/mapping";
import { checkMappingCompiles } from "../transform";
import { loadPortMapping } from "./mapping-source";
import { checkCredentials, judgePortFailure, type CheckFailure } from "./preflight";
import { userAgentFor } from "./stage-inputs";

/** What `etl check` found: every check passed, or it threw ConfigError (exit 2) before returning. */
export interface CheckReport {
  /** `problem`: Incident.io failed (a refused key throws instead). */
  readonly incidentIo: { readonly baseUrl: string; readonly status: number | undefined; readonly problem?: string };
  /** The rate-limit headers Incident.io's answer carried, by lower-case name; empty when it sent none. */
  readonly rateLimitHeaders: Readonly<Record<string, string>>;
  readonly port: {
    readonly baseUrl: string;
    /** Blueprints of the blueprints file Port does not have yet; undefined when Port could not be read. */
    readonly missingBlueprints: readonly string[] | undefined;
    /** Whether a run creates the missing ones (OCEAN__INITIALIZE_PORT_RESOURCES). */
    readonly createsMissing: boolean;
    /** What a run would trip on: Port failing, or blueprints it could not create. */
    readonly problem?: string;
    /** Port answered 5xx, 408 or 429, or dropped the connection: it is failing, not refusing the client. */
    readonly failing: boolean;
  };
  /** The mapping a run would use: the file's path, or Port's integration config (see readRunMapping). */
  readonly mapping: { readonly path: string; readonly resources: number; readonly expressions: "compiled" };
  readonly blueprints: { readonly path: string; readonly count: number };
  readonly jqVersion: string;
}

// Incident.io documents none on successful answers (spec and API reference): these are the names APIs
// commonly use, so a header the API starts sending shows up without a release.
const RATE_LIMIT_HEADERS = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit", "ratelimit-policy", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"];
const IDENTITY_PATH = "/v1/identity";
const PROBE_TIMEOUT_MS = 10_000;

/** Picks the rate-limit headers out of an answer's headers. Pure. */
export function pickRateLimitHeaders(headers: { get(name: string): string | null }): Record<string, string> {
  return Object.fromEntries(RATE_LIMIT_HEADERS.flatMap((name) => {
    const value = headers.get(name);
    return value === null ? [] : [[name, value]];
  }));
}

/** One GET of Incident.io's identity, for its status and rate-limit headers (the preflight has proven the key by then). */
async function readIdentityHeaders(config: Config, signal: AbortSignal | undefined): Promise<Pick<CheckReport, "incidentIo" | "rateLimitHeaders">> {
  const { incidentIo, network } = config;
  const http = createHttpClient({
    stage: "extract",
    network: { ...network, timeoutMs: Math.min(network.timeoutMs, PROBE_TIMEOUT_MS) },
    userAgent: userAgentFor(config),
    maxAttempts: 1,
    signal,
    baseUrlSetting: "OCEAN__INTEGRATION__CONFIG__BASE_URL",
  });
  try {
    const url = `${incidentIo.baseUrl}${IDENTITY_PATH}`;
    const response = await http.send({ method: "GET", url, headers: buildAuthHeaders(incidentIo.auth) }, { endpoint: IDENTITY_PATH });
    const ok = response.status >= 200 && response.status < 300;
    return {
      incidentIo: { baseUrl: incidentIo.baseUrl, status: response.status, ...(ok ? {} : { problem: `GET ${IDENTITY_PATH} answered ${response.status}` }) },
      rateLimitHeaders: pickRateLimitHeaders(response.headers),
    };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { incidentIo: { baseUrl: incidentIo.baseUrl, status: error.status, problem: error.message }, rateLimitHeaders: {} };
  } finally {
    http.close();
  }
}

function openPortClient(config: Config, signal: AbortSignal | undefined): PortClient {
  const { port, network } = config;
  return createPortClient({ port: { ...port, maxAttempts: 1 }, network: { ...network, timeoutMs: Math.min(network.timeoutMs, PROBE_TIMEOUT_MS) }, userAgent: userAgentFor(config), signal });
}

/**
 * A verdict of the preflight without the host it starts with and the "is failing" it may end with,
 * which the report's line and verdict say already. Pure.
 */
export function describeFailure(failure: CheckFailure, service: "Incident.io" | "Port", baseUrl: string): string {
  const prefix = `${service} at ${new URL(baseUrl).origin}: `;
  const message = failure.message.startsWith(prefix) ? failure.message.slice(prefix.length) : failure.message;
  return message.split(`; ${service} is failing: `)[0] ?? message;
}

/** Port's part of the report when a request of the check failed (`error` an HttpError, or a ConfigError from the token request). */
function portFailure(config: Config, error: unknown): Pick<CheckReport["port"], "problem" | "failing"> {
  const failure = judgePortFailure(config.port.baseUrl, error);
  return { problem: describeFailure(failure, "Port", config.port.baseUrl), failing: !failure.isConfiguration };
}

/** Which blueprints of the file Port lacks, read with one list request (the preflight has proven the client by then). */
async function readPortBlueprints(config: Config, client: PortClient): Promise<CheckReport["port"]> {
  const base = { baseUrl: config.port.baseUrl, createsMissing: config.initializePortResources, failing: false };
  try {
    const reply = await client.listBlueprints();
    if (reply.status !== 200) {
      return { ...base, missingBlueprints: undefined, problem: `GET /v1/blueprints answered ${reply.status}`, failing: isRetryableStatus(reply.status) };
    }
    const inPort = new Set(readIdentifiers(reply.body));
    const missing = config.blueprints.map((blueprint) => blueprint.identifier).filter((identifier) => !inPort.has(identifier));
    const unmet = missing.length > 0 && !config.initializePortResources;
    return {
      ...base,
      missingBlueprints: missing,
      ...(unmet ? { problem: `Port lacks ${missing.join(", ")} and OCEAN__INITIALIZE_PORT_RESOURCES is off: create them in Port, or turn it on` } : {}),
    };
  } catch (error) {
    if (!(error instanceof HttpError) && !(error instanceof ConfigError)) throw error;
    return { ...base, missingBlueprints: undefined, ...portFailure(config, error) };
  }
}

/**
 * The mapping a run would map with now, as it resolves it: a named file; else Port's integration config
 * when it holds one (what users edit in Port's UI); else the shipped default, which a run registers.
 * Throws ConfigError when Port's does not load; a Port that cannot be read leaves the file's, with
 * what failed (a run would map with the mapping kept in its staging file, or not run).
 */
async function readRunMapping(config: Config, client: PortClient): Promise<{ mapping: PortAppConfig; where: string; portFailure?: CheckFailure }> {
  const file = { mapping: config.mapping, where: config.mappingPath };
  if (config.mappingNamed !== undefined) return file;
  let state: IntegrationState;
  try {
    state = await readIntegration(client, config.integration.identifier);
  } catch (error) {
    if (!(error instanceof HttpError) && !(error instanceof ConfigError)) throw error;
    const portFailure = judgePortFailure(config.port.baseUrl, error);
    return { ...file, where: `${config.mappingPath} (Port integration ${config.integration.identifier} config could not be read)`, portFailure };
  }
  if (state.state !== "configured") return file;
  const where = `Port integration ${config.integration.identifier} config`;
  return { mapping: loadPortMapping(state.config, where, config, true).mapping, where };
}

/**
 * `etl check`: proves both credentials (the preflight of a run), compiles every jq expression of the
 * mapping, lists the blueprints Port lacks, and reads Incident.io's rate-limit headers, without a run:
 * nothing is written to the staging file or to Port. Throws ConfigError (exit 2) for refused
 * credentials or a mapping that does not compile; a service that is only failing (at any request of
 * the check, the preflight's included, even when a later one passed), or blueprints a run could not
 * create, are reported as a `problem`.
 */
export async function runCheck(config: Config, signal: AbortSignal | undefined): Promise<CheckReport> {
  const verdicts = await checkCredentials({ signal }, { config, command: "run", resources: config.mapping.resources, reconcile: false, userAgent: userAgentFor(config) });
  const client = openPortClient(config, signal);
  try {
    const { mapping, where, portFailure: mappingFailure } = await readRunMapping(config, client);
    const jq = await createJqRunner(config.jqPath as string);
    await checkMappingCompiles(jq, mapping.resources);
    const [identity, blueprints] = await Promise.all([readIdentityHeaders(config, signal), readPortBlueprints(config, client)]);
    // The first failure seen names the request that failed; a later request that passed does not clear it.
    const portFailed = verdicts.port ?? mappingFailure;
    const incidentIo =
      identity.incidentIo.problem === undefined && verdicts.incidentIo
        ? { ...identity, incidentIo: { ...identity.incidentIo, problem: describeFailure(verdicts.incidentIo, "Incident.io", config.incidentIo.baseUrl) } }
        : identity;
    const port =
      portFailed
        ? { ...blueprints, problem: describeFailure(portFailed, "Port", config.port.baseUrl), failing: !portFailed.isConfiguration }
        : blueprints;
    return {
      ...incidentIo,
      port,
      mapping: { path: where, resources: mapping.resources.length, expressions: "compiled" },
      blueprints: { path: config.blueprintsPath, count: config.blueprints.length },
      jqVersion: jq.version,
    };
  } finally {
    client.close();
  }
}
