import { ConfigError, HttpError } from "../errors";
import { buildAuthHeaders, fetchPage } from "../extract/incidentio-client";
import { buildPageTarget, parseEndpoint } from "../extract/endpoints";
import { firstPosition, pageParams } from "../extract/paginate";
import { createHttpClient } from "../http/http-client";
import { isRetryableNetworkCode, isRetryableStatus, isUnreachableCode } from "../http/retry-policy";
import { createPortClient } from "../load/port-client";
import type { Config, IncidentIoAuth } from "../model/config";
import type { ResourceMapping } from "../model/mapping";
import type { PaginationSettings } from "../model/pagination";
import { COMMANDS, type PipelineCommand } from "./commands";

export interface PreflightDeps {
  /** Aborted on SIGTERM/SIGINT: the check stops waiting and lets the run end as interrupted. */
  readonly signal?: AbortSignal | undefined;
}

export interface PreflightInput {
  readonly config: Config;
  readonly command: PipelineCommand;
  /** The resources the run will extract (already narrowed by --only). */
  readonly resources: readonly ResourceMapping[];
  readonly reconcile: boolean;
  readonly userAgent: string;
}

/** One request that proves the Incident.io key works. */
export interface ProbeRequest {
  /** The resource (or path parameter) it belongs to, for the message. */
  readonly source: string;
  readonly path: string;
  readonly url: string;
}

// Two attempts: a 429 or a 5xx gets a second chance; an unreachable host fails in seconds, not after 8 backoffs.
const PROBE_ATTEMPTS = 2;
// A page of one record answers quickly; a silent host should not hold the run for the full request timeout.
const PROBE_TIMEOUT_MS = 10_000;
const PORT_REGIONS = { eu: "https://api.port.io", us: "https://api.us.port.io" } as const;
const PLACEHOLDER = /\{[A-Za-z_][A-Za-z0-9_]*\}/;
/**
 * Incident.io's own key check (spec/incidentio-openapi3.json: "Test if your API key is valid, and which
 * roles it has"): it needs no scope, so it refuses only a bad key, and it reads no kind's records.
 */
const IDENTITY_PATH = "/v1/identity";

function hasPlaceholder(values: readonly string[]): boolean {
  return values.some((value) => PLACEHOLDER.test(value));
}

function firstPageOfOne(
  baseUrl: string,
  endpoint: string,
  queryParams: Readonly<Record<string, string>>,
  pagination: PaginationSettings,
  source: string,
): ProbeRequest {
  const paging = pageParams({ ...pagination, pageSize: 1 }, firstPosition(pagination));
  const target = buildPageTarget(baseUrl, parseEndpoint(endpoint), queryParams, {}, paging);
  return { source, path: target.path, url: target.url };
}

/**
 * The fallback request of the Incident.io check: the first page, of one record, of the first resource that
 * needs no path parameter, else of the first path parameter's parent endpoint; undefined when every
 * candidate has a placeholder to fill (nothing can be read without a parent's value).
 */
export function chooseProbeRequest(baseUrl: string, resources: readonly ResourceMapping[]): ProbeRequest | undefined {
  for (const resource of resources) {
    const { selector } = resource;
    if (selector.pathParameters.length > 0 || hasPlaceholder([resource.kind, ...Object.values(selector.queryParams)])) continue;
    return firstPageOfOne(baseUrl, resource.kind, selector.queryParams, selector.pagination, resource.name);
  }
  for (const resource of resources) {
    for (const parameter of resource.selector.pathParameters) {
      if (hasPlaceholder([parameter.endpoint, ...Object.values(parameter.queryParams)])) continue;
      return firstPageOfOne(baseUrl, parameter.endpoint, parameter.queryParams, parameter.pagination, `${resource.name} path_parameters.${parameter.name}`);
    }
  }
  return undefined;
}

/** The variables holding the Incident.io credentials of `auth`, as the user sets them. */
function credentialVariables(auth: IncidentIoAuth["type"]): string {
  switch (auth) {
    case "bearer_token":
      return "OCEAN__INTEGRATION__SECRETS__TOKEN";
    case "api_key":
      return "OCEAN__INTEGRATION__SECRETS__API_KEY (or OCEAN__INTEGRATION__SECRETS__TOKEN)";
    case "basic":
      return "OCEAN__INTEGRATION__CONFIG__USERNAME / OCEAN__INTEGRATION__SECRETS__PASSWORD";
    case "none":
      return "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE (it is none, and this API wants a key)";
  }
}

/** Which Port region a base URL is, and what to try when Port refuses a client there. */
export function portRegionHint(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  const rule = `a client of one Port region is refused by the other (EU ${PORT_REGIONS.eu}, US ${PORT_REGIONS.us})`;
  if (base === PORT_REGIONS.eu) return `${rule}: if your organization is in the US region, set OCEAN__PORT__BASE_URL=${PORT_REGIONS.us}`;
  if (base === PORT_REGIONS.us) return `${rule}: if your organization is in the EU region, set OCEAN__PORT__BASE_URL=${PORT_REGIONS.eu}`;
  return `${rule}; OCEAN__PORT__BASE_URL is ${base}`;
}

/** `message`, then `hint` unless the message already names `variable` (the HTTP layer may have said it). */
function withHint(message: string, variable: string, hint: string): string {
  return message.includes(variable) ? message : `${message}; ${hint}`;
}

/**
 * Whether a request that got no answer may get one later: a host that is down or unreachable may come
 * back (a POLLING run keeps going), a certificate this machine does not trust will not. The HTTP client
 * does not retry a refused connection within a run, so its own verdict is not this one.
 */
function mayAnswerLater(error: HttpError): boolean {
  return error.status === undefined && isRetryableNetworkCode((error.detail ?? "").split(":")[0] ?? "");
}

/**
 * Whether a request without an answer reached its host and lost the connection (a reset, a timeout):
 * the host is there and may answer the next request, so it says nothing about the configuration. A name
 * that does not resolve, a refused connection or a certificate this machine does not trust does.
 */
function isDroppedConnection(error: HttpError): boolean {
  const code = (error.detail ?? "").split(":")[0] ?? "";
  return isRetryableNetworkCode(code) && !isUnreachableCode(code);
}

/** What a failed check means: exit 2 (fix the configuration) or 1 (the service failed), and the line to print. */
export interface CheckFailure {
  readonly isConfiguration: boolean;
  /** True when a later attempt may pass (an unreachable host, a failing service): a POLLING run keeps going. */
  readonly retryable: boolean;
  readonly message: string;
}

/**
 * Turns a failed Incident.io check into one line that names the host, the request and the variable to
 * fix. 401/403, redirects, other 4xx and an unreachable host are configuration (exit 2); a 5xx, 408 or
 * 429 that outlived the retries is the service's (exit 1).
 */
export function judgeIncidentIoFailure(origin: string, auth: IncidentIoAuth["type"], error: HttpError): CheckFailure {
  const prefix = `Incident.io at ${origin}: ${error.message}`;
  const baseUrl = "OCEAN__INTEGRATION__CONFIG__BASE_URL";
  const credentials = credentialVariables(auth);
  if (error.status === undefined && isDroppedConnection(error)) {
    return { isConfiguration: false, retryable: true, message: `${prefix}; the connection dropped: the extract retries it on its own` };
  }
  if (error.status === undefined) {
    const hint = `set ${baseUrl} to the API's address, or check the network and any proxy (HTTPS_PROXY)`;
    return { isConfiguration: true, retryable: mayAnswerLater(error), message: withHint(prefix, baseUrl, hint) };
  }
  if (error.status === 401) return { isConfiguration: true, retryable: false, message: withHint(prefix, credentials, `check ${credentials}`) };
  if (error.status === 403) {
    return { isConfiguration: true, retryable: false, message: `${prefix}; the key may not read ${error.endpoint}: give it that scope, or check ${credentials}` };
  }
  if (isRetryableStatus(error.status)) {
    return { isConfiguration: false, retryable: true, message: `${prefix}; Incident.io is failing: the extract retries it on its own` };
  }
  return { isConfiguration: true, retryable: false, message: withHint(prefix, baseUrl, `check ${baseUrl} and the resource's selector`) };
}

/**
 * Turns a failed Port check into one line that names the host, the request, the variables to fix and
 * the region hint. Refused credentials, an unreachable host or a non-Port answer are configuration
 * (exit 2); a 5xx, 408 or 429 that outlived the retries is the service's (exit 1).
 */
export function judgePortFailure(baseUrl: string, error: unknown): CheckFailure {
  const origin = new URL(baseUrl).origin;
  const region = portRegionHint(baseUrl);
  if (error instanceof ConfigError) {
    return { isConfiguration: true, retryable: false, message: `Port at ${origin}: ${error.issues.join("; ")}; ${region}` };
  }
  if (error instanceof HttpError && error.status === undefined && isDroppedConnection(error)) {
    return { isConfiguration: false, retryable: true, message: `Port at ${origin}: ${error.message}; the connection dropped: the load retries it on its own` };
  }
  if (error instanceof HttpError && error.status === undefined) {
    return {
      isConfiguration: true,
      retryable: mayAnswerLater(error),
      message: `${withHint(`Port at ${origin}: ${error.message}`, "OCEAN__PORT__BASE_URL", "check OCEAN__PORT__BASE_URL, the network and any proxy (HTTPS_PROXY)")}; ${region}`,
    };
  }
  const status = error instanceof HttpError ? error.status : undefined;
  if (status !== undefined && isRetryableStatus(status)) {
    return { isConfiguration: false, retryable: true, message: `Port at ${origin}: ${(error as HttpError).message}; Port is failing: the load retries it on its own` };
  }
  const what = error instanceof Error ? error.message : String(error);
  return {
    isConfiguration: true,
    retryable: false,
    message: `Port at ${origin}: ${what}; check OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET and OCEAN__PORT__BASE_URL; ${region}`,
  };
}

/** Resolves when `promise` settles or `signal` aborts (then with undefined: the caller sees the abort itself). */
async function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  // Once the abort wins, a later rejection has no reader: it must not end the process as unhandled.
  promise.catch(() => undefined);
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

async function checkIncidentIo(deps: PreflightDeps, input: PreflightInput): Promise<CheckFailure | undefined> {
  const { incidentIo, network } = input.config;
  const probe = chooseProbeRequest(incidentIo.baseUrl, input.resources);
  const http = createHttpClient({
    stage: "extract",
    network: { ...network, timeoutMs: Math.min(network.timeoutMs, PROBE_TIMEOUT_MS) },
    userAgent: input.userAgent,
    maxAttempts: Math.min(PROBE_ATTEMPTS, incidentIo.maxAttempts),
    signal: deps.signal,
    baseUrlSetting: "OCEAN__INTEGRATION__CONFIG__BASE_URL",
  });
  const headers = buildAuthHeaders(incidentIo.auth);
  const identity = { path: IDENTITY_PATH, url: `${incidentIo.baseUrl.replace(/\/+$/, "")}${IDENTITY_PATH}`, cursor: undefined };
  try {
    try {
      await fetchPage(http, headers, identity);
    } catch (error) {
      // A base URL that proxies only the API's list endpoints may not serve the identity: one page of the mapping decides.
      if (!(error instanceof HttpError) || error.status !== 404 || !probe) throw error;
      await fetchPage(http, headers, { url: probe.url, path: probe.path, cursor: undefined });
    }
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return judgeIncidentIoFailure(new URL(incidentIo.baseUrl).origin, incidentIo.auth.type, error);
  } finally {
    http.close();
  }
}

async function checkPort(deps: PreflightDeps, input: PreflightInput): Promise<CheckFailure | undefined> {
  const { port, network } = input.config;
  const client = createPortClient({
    port: { ...port, maxAttempts: Math.min(PROBE_ATTEMPTS, port.maxAttempts) },
    network: { ...network, timeoutMs: Math.min(network.timeoutMs, PROBE_TIMEOUT_MS) },
    userAgent: input.userAgent,
    signal: deps.signal,
  });
  try {
    // Takes an access token first, then reads with it: both the secret and the token's rights are proven.
    const reply = await client.listBlueprints();
    if (reply.status >= 200 && reply.status < 300) return undefined;
    const detail = reply.body !== null && typeof reply.body === "object" ? (reply.body as Record<string, unknown>)["message"] : undefined;
    return judgePortFailure(
      port.baseUrl,
      new HttpError({ stage: "load", method: "GET", endpoint: "/v1/blueprints", status: reply.status, detail: typeof detail === "string" ? detail : undefined, retryable: false }),
    );
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof HttpError)) throw error;
    return judgePortFailure(port.baseUrl, error);
  } finally {
    client.close();
  }
}

/** Whether a command's stages will talk to Incident.io, and to Port: the credentials the command table says it needs. */
export function needsCheck(command: PipelineCommand, reconcile: boolean): { incidentIo: boolean; port: boolean } {
  const needs = COMMANDS[command].needs;
  return {
    incidentIo: needs?.incidentIo ?? false,
    // plan is a dry run: it reads Port only to reconcile.
    port: (needs?.port ?? false) || (command === "plan" && reconcile),
  };
}

/**
 * Before any stage, proves the credentials the command will use, concurrently: Incident.io's identity
 * endpoint (else, where the base URL does not serve it, one page of one record of the mapping: see
 * chooseProbeRequest) and Port's access token with one read. Throws ConfigError
 * (exit 2) naming the host, the request and the variables to fix when a check shows the configuration
 * is wrong; when a service is only failing, returns its failure (a run goes on: the stages retry it and
 * report it; `etl check` reports it), and nothing on abort.
 */
export async function checkCredentials(deps: PreflightDeps, input: PreflightInput): Promise<{ incidentIo?: CheckFailure; port?: CheckFailure }> {
  const needs = needsCheck(input.command, input.reconcile);
  const checks = [needs.incidentIo ? checkIncidentIo(deps, input) : undefined, needs.port ? checkPort(deps, input) : undefined];
  const [incidentIo, port] = (await unlessAborted(Promise.all(checks), deps.signal)) ?? [];
  const failures = [incidentIo, port].filter((failure): failure is CheckFailure => failure !== undefined);
  // A service that is failing (5xx, 429, a dropped connection) says nothing about the configuration: the
  // stages retry it on their own and, if it keeps failing, fail their kind or the load with a summary.
  if (!failures.some((failure) => failure.isConfiguration)) return { ...(incidentIo ? { incidentIo } : {}), ...(port ? { port } : {}) };
  throw new ConfigError(
    failures.map((failure) => failure.message),
    { retryable: failures.every((failure) => failure.retryable) },
  );
}
