import { HttpError } from "../errors";
import { buildAuthHeaders } from "../extract/incidentio-client";
import { createHttpClient } from "../http/http-client";
import { createJqRunner } from "../jq/jq-runner";
import type { Config } from "../model/config";
import { checkMappingCompiles } from "../transform";
import { checkCredentials } from "./preflight";
import { userAgentFor } from "./stage-inputs";

/** What `etl check` found: every check passed, or it threw ConfigError (exit 2) before returning. */
export interface CheckReport {
  readonly incidentIo: { readonly baseUrl: string; readonly status: number | undefined; readonly problem?: string };
  /** The rate-limit headers Incident.io's answer carried, by lower-case name; empty when it sent none. */
  readonly rateLimitHeaders: Readonly<Record<string, string>>;
  readonly port: { readonly baseUrl: string };
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

/**
 * `etl check`: proves both credentials (the preflight of a run), compiles every jq expression of the
 * mapping, and reads Incident.io's rate-limit headers, without a run: nothing is written to the staging
 * file or to Port. Throws ConfigError (exit 2) for refused credentials or a mapping that does not
 * compile; a service that is only failing is reported in `incidentIo.problem`.
 */
export async function runCheck(config: Config, signal: AbortSignal | undefined): Promise<CheckReport> {
  const resources = config.mapping.resources;
  await checkCredentials({ signal }, { config, command: "run", resources, reconcile: false, userAgent: userAgentFor(config) });
  const jq = await createJqRunner(config.jqPath as string);
  await checkMappingCompiles(jq, resources);
  const incidentIo = await readIdentityHeaders(config, signal);
  return {
    ...incidentIo,
    port: { baseUrl: config.port.baseUrl },
    mapping: { path: config.mappingPath, resources: resources.length, expressions: "compiled" },
    blueprints: { path: config.blueprintsPath, count: config.blueprints.length },
    jqVersion: jq.version,
  };
}
